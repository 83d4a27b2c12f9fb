// What the lookup API must serve for a scenario of store-vs-batch-harness.ts, computed as the CLI's batch
// computes it, keeping each session's events; and rule 8's link of every anonymousId, computed apart.
import { readExport } from '../../../functions/domain/reading/read-export.js';
import { readRecordTexts } from '../../../functions/domain/reading/record-texts.js';
import { canonicalJson } from '../../../functions/domain/rules/canonical-json.js';
import { compileRules, type SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { EventCollector, sourceKey } from '../../../functions/domain/sessions/collector.js';
import { sessionBounds } from '../../../functions/domain/sessions/split.js';
import { isLink } from '../../../functions/domain/sessions/stitching.js';
import { type SessionSummary, summarizeWindow } from '../../../functions/domain/sessions/summary.js';
import { type SessionView, toSessionView } from '../../../functions/domain/views/session-view.js';
import { chunked } from '../../unit/reading/archives.js';
import { fileBytes, fileName, type Scenario } from './store-vs-batch-harness.js';

export interface BatchSession {
  summary: SessionSummary;
  events: { id: string; timestamp: number; anonymousId: string | null; type: string }[];
}

/** The sessions' views in the order storedSessions reads them: users by UTF-16 order, each one's sessions in order. */
export function viewsInStoreOrder(sessions: readonly BatchSession[]): SessionView[] {
  const byUser = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return sessions.map((session) => toSessionView(session.summary)).sort((a, b) => byUser(a.userId, b.userId));
}

/** The batch as cli/batch.ts runs it, keeping each session's events. */
export async function batchWithEvents(scenario: Scenario, rules: SessionRules): Promise<BatchSession[]> {
  const compiled = compileRules(rules);
  const collector = new EventCollector(compiled.stitching);
  const contents = scenario.files.map((_, index) => fileBytes(scenario, index));
  for (const [index, content] of contents.entries()) {
    await readExport(
      fileName(index),
      chunked(content, [1024]),
      { format: 'auto', browserOf: () => null },
      { event: (event, position) => collector.add(event, position), rejected: () => undefined },
    );
  }
  const sessions: BatchSession[] = [];
  await collector.forEachUser(
    async (sources) => {
      const canonical = new Map<string, string>();
      for (const source of sources) {
        const index = scenario.files.findIndex((_, at) => fileName(at) === source.file);
        const texts = await readRecordTexts(
          source.file,
          chunked(contents[index] as Uint8Array, [1024]),
          source.file,
          new Set([source.record]),
        );
        canonical.set(sourceKey(source), canonicalJson(JSON.parse(texts.get(source.record) as string)));
      }
      return canonical;
    },
    (user, ordered) => {
      const bounds = sessionBounds(ordered, compiled);
      bounds.forEach((bound, index) => {
        sessions.push({
          summary: summarizeWindow(user, ordered.window(bound.start, bound.end), index + 1),
          events: ordered.events(bound.start, bound.end).map((event) => ({
            id: event.id,
            timestamp: event.timestamp,
            anonymousId: event.anonymousId,
            type: event.type,
          })),
        });
      });
      return undefined;
    },
  );
  return sessions;
}

/** Rule 8's link of every anonymousId over the scenario's files: earliest by time, event id, canonical JSON. */
export async function batchLinks(scenario: Scenario): Promise<Map<string, string>> {
  const best = new Map<string, { ts: number; id: string; canonical: string; user: string }>();
  for (const [index, lines] of scenario.files.entries()) {
    await readExport(
      fileName(index),
      chunked(fileBytes(scenario, index), [1024]),
      { format: 'auto', browserOf: () => null },
      {
        event: (event, position) => {
          if (!isLink(event)) return;
          const candidate = {
            ts: event.timestamp,
            id: event.id,
            canonical: canonicalJson(JSON.parse(lines[position.line - 1] as string)),
            user: event.userId as string,
          };
          const anonymousId = event.anonymousId as string;
          const known = best.get(anonymousId);
          const earlier =
            known === undefined ||
            candidate.ts < known.ts ||
            (candidate.ts === known.ts &&
              (candidate.id < known.id ||
                (candidate.id === known.id && candidate.canonical < known.canonical)));
          if (earlier) best.set(anonymousId, candidate);
        },
        rejected: () => undefined,
      },
    );
  }
  return new Map([...best].map(([anonymousId, link]) => [anonymousId, link.user]));
}
