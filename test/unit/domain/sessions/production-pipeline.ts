import type { InputFormat } from '../../../../contract/index.js';
import { type FileSummary, readExport } from '../../../../functions/domain/reading/read-export.js';
import { readRecordTexts } from '../../../../functions/domain/reading/record-texts.js';
import type { Rejection } from '../../../../functions/domain/reading/rejection.js';
import { canonicalJson } from '../../../../functions/domain/rules/canonical-json.js';
import { compileRules, type SessionRules } from '../../../../functions/domain/rules/session-rules.js';
import {
  EventCollector,
  type SourceRef,
  sourceKey,
} from '../../../../functions/domain/sessions/collector.js';
import { splitSessions } from '../../../../functions/domain/sessions/split.js';
import { summarizeSession } from '../../../../functions/domain/sessions/summary.js';
import { toSessionView } from '../../../../functions/domain/views/session-view.js';
import { collectedCopies } from '../../../helpers/collected-copies.js';

export interface InputFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A session in the reference's shape: the view's rule 5 and 9 fields plus its events' ids. */
export interface ComparableSession {
  userId: string;
  sessionNumber: number;
  startedAt: string;
  endedAt: string;
  eventCount: number;
  eventIds: string[];
  pageViews: number;
  entryPage: unknown;
  exitPage: unknown;
  campaign: unknown;
  anonymousIds: readonly string[];
  bounce: boolean;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** The production core end to end: readExport, EventCollector, splitSessions, summarizeSession. */
export async function productionSessionize(
  files: readonly InputFile[],
  rules: SessionRules,
  inputFormat: InputFormat,
): Promise<{
  sessions: ComparableSession[];
  rejected: number;
  rejections: Rejection[];
  summaries: FileSummary[];
}> {
  const compiled = compileRules(rules);
  const collector = new EventCollector(compiled.stitching);
  const summaries: FileSummary[] = [];
  let rejected = 0;
  const rejections: Rejection[] = [];
  for (const file of files) {
    const read = await readExport(
      file.name,
      once(file.bytes),
      { format: inputFormat, browserOf: () => null },
      {
        event: (event, position) => {
          collector.add(event, position);
        },
        rejected: (rejection) => {
          rejected++;
          rejections.push(rejection);
        },
      },
    );
    summaries.push(...read);
  }
  const bytesOf = new Map(files.map((file) => [file.name, file.bytes]));
  const users = await collectedCopies(collector, async (sources: readonly SourceRef[]) => {
    const canonical = new Map<string, string>();
    for (const file of new Set(sources.map((source) => source.file))) {
      const exportName = file.split('!')[0] as string;
      const records = new Set(
        sources.filter((source) => source.file === file).map((source) => source.record),
      );
      const texts = await readRecordTexts(
        exportName,
        once(bytesOf.get(exportName) ?? new Uint8Array()),
        file,
        records,
      );
      for (const [record, text] of texts) {
        canonical.set(sourceKey({ file, record }), canonicalJson(JSON.parse(text)));
      }
    }
    return canonical;
  });
  const sessions: ComparableSession[] = [];
  for (const [user, copies] of users) {
    splitSessions(
      user,
      copies.map((copy) => copy.event),
      compiled,
    ).forEach((session, index) => {
      const view = toSessionView(summarizeSession(session, index + 1));
      sessions.push({
        userId: view.userId,
        sessionNumber: view.sessionNumber,
        startedAt: view.startedAt,
        endedAt: view.endedAt,
        eventCount: view.eventCount,
        eventIds: session.events.map((event) => event.id),
        pageViews: view.pageViews,
        entryPage: view.entryPage,
        exitPage: view.exitPage,
        campaign: view.campaign,
        anonymousIds: view.anonymousIds,
        bounce: view.bounce,
      });
    });
  }
  return { sessions, rejected, rejections, summaries };
}
