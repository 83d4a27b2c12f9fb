import type { InputFormat } from '../../contract/index.js';
import type { BrowserOf } from '../domain/events/normalize.js';
import type { FileSummary, RecordPosition } from '../domain/reading/read-export.js';
import { readExport } from '../domain/reading/read-export.js';
import { readRecordTexts } from '../domain/reading/record-texts.js';
import { canonicalJson } from '../domain/rules/canonical-json.js';
import type { CompiledRules } from '../domain/rules/session-rules.js';
import { type Copy, EventCollector, type SourceRef, sourceKey } from '../domain/sessions/collector.js';
import type { IdentityWriter, SessionWriter, UserMergeResult } from '../domain/store/ports.js';
import { mapBounded } from './map-bounded.js';
import { ERASED_REASON, type RejectionReport } from './rejection-report.js';

export interface IngestObjectInput {
  /** Names the file in reports: the object key. */
  readonly file: string;
  readonly format: InputFormat;
  /** The object's bytes; called again (rarely) to read records once more for a tie-break. */
  readonly open: () => Promise<AsyncIterable<Uint8Array>>;
  readonly writer: SessionWriter;
  /** Required when the rules stitch identities. */
  readonly identity?: IdentityWriter | undefined;
  readonly rules: CompiledRules;
  readonly report: RejectionReport;
  readonly browserOf: BrowserOf;
  readonly maxMemberBytes?: number;
  /** Accepted events held before they are merged: bounds memory whatever the file's size. */
  readonly chunkEvents?: number;
  /** Users merged at once. */
  readonly concurrency?: number;
}

export interface IngestStats {
  /** Candidate events read: accepted + rejected. */
  records: number;
  accepted: number;
  rejected: number;
  /** Accepted events already stored (redelivered files, repeated messageIds). */
  duplicates: number;
  /** Accepted events of erased users, reported as rejected. */
  erased: number;
  /** Users merged, counted once per chunk. */
  usersTouched: number;
  newEvents: number;
  sessionsWritten: number;
  /** Merge rounds: one per chunk of accepted events. */
  chunks: number;
  files: FileSummary[];
}

export const DEFAULT_CHUNK_EVENTS = 100_000;
export const DEFAULT_MERGE_CONCURRENCY = 16;

/**
 * The ingest use case for one export object: reads and validates it, reporting rejections as it goes, and
 * merges its events into the store a chunk at a time, so memory stays bounded whatever the file's size
 * (merging is idempotent and convergent, rule 6, so a chunk boundary can fall anywhere). Bad input is
 * reported, never thrown; store and source errors are thrown so the message is retried.
 */
export async function ingestObject(input: IngestObjectInput): Promise<IngestStats> {
  const { report, rules } = input;
  const stats: IngestStats = {
    records: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    erased: 0,
    usersTouched: 0,
    newEvents: 0,
    sessionsWritten: 0,
    chunks: 0,
    files: [],
  };
  const chunkEvents = input.chunkEvents ?? DEFAULT_CHUNK_EVENTS;
  let collector = new EventCollector(rules.stitching);

  const canonicalOf = async (sources: readonly SourceRef[]) => {
    const byFile = new Map<string, Set<number>>();
    for (const source of sources)
      byFile.set(source.file, (byFile.get(source.file) ?? new Set()).add(source.record));
    const canonical = new Map<string, string>();
    for (const [file, records] of byFile) {
      for (const [record, text] of await readRecordTexts(input.file, await input.open(), file, records)) {
        canonical.set(sourceKey({ file, record }), canonicalJson(JSON.parse(text)));
      }
    }
    return canonical;
  };

  const reportErased = (copies: readonly Copy[]) => {
    for (const { source } of copies) report.write(erasedLine(source));
  };

  const concurrency = input.concurrency ?? DEFAULT_MERGE_CONCURRENCY;
  const identity = input.identity;
  if (rules.stitching && identity === undefined)
    throw new Error('identity stitching needs an identity writer');

  const record = (results: readonly UserMergeResult[], groups: readonly (readonly Copy[])[]) => {
    results.forEach((result, index) => {
      addMerge(stats, result);
      if (result.erasedEvents > 0) reportErased(groups[index] ?? []);
    });
  };

  /** Rule 8 in the store: links first (they may move stored events), then events by their own identity. */
  const flushStitched = async (stitcher: IdentityWriter) => {
    const { groups, links } = await collector.finishOwn(canonicalOf);
    collector = new EventCollector(rules.stitching);
    stats.chunks++;
    await mapBounded([...links], concurrency, ([anonymousId, { copy, canonical }]) =>
      stitcher.offerLink(anonymousId, {
        userId: copy.event.userId as string,
        timestamp: copy.event.timestamp,
        eventId: copy.event.id,
        canonical,
      }),
    );
    const results = await mapBounded(groups, concurrency, (group) => {
      const events = group.copies.map((copy) => copy.event);
      return group.anonymous
        ? stitcher.mergeAnonymousEvents(group.user, events)
        : input.writer.mergeUserEvents(group.user, events);
    });
    record(
      results,
      groups.map((group) => group.copies),
    );
  };

  const flush = async () => {
    if (collector.size === 0) return;
    if (identity !== undefined && rules.stitching) {
      await flushStitched(identity);
      return;
    }
    const users = await collector.finish(canonicalOf);
    collector = new EventCollector(rules.stitching);
    stats.chunks++;
    const entries = [...users];
    const results = await mapBounded(entries, concurrency, ([user, copies]) =>
      input.writer.mergeUserEvents(
        user,
        copies.map((copy) => copy.event),
      ),
    );
    record(
      results,
      entries.map(([, copies]) => copies),
    );
  };

  try {
    stats.files = await readExport(
      input.file,
      await input.open(),
      {
        format: input.format,
        browserOf: input.browserOf,
        ...(input.maxMemberBytes !== undefined && { maxMemberBytes: input.maxMemberBytes }),
      },
      {
        event: (event, position) => {
          stats.accepted++;
          collector.add(event, position);
        },
        rejected: (rejection) => {
          stats.rejected++;
          report.write(rejection);
        },
        pause: async () => {
          if (collector.size >= chunkEvents) await flush();
          await report.ready();
        },
      },
    );
    await flush();
    for (const file of stats.files) {
      if (file.error !== undefined) report.write({ file: file.file, position: 0, reason: file.error });
    }
    await report.close();
  } catch (error) {
    await report.abort();
    throw error;
  }
  stats.records = stats.accepted + stats.rejected;
  stats.duplicates = stats.accepted - stats.newEvents - stats.erased;
  return stats;
}

function addMerge(stats: IngestStats, result: UserMergeResult): void {
  stats.usersTouched++;
  stats.newEvents += result.newEvents;
  stats.sessionsWritten += result.sessionsWritten;
  stats.erased += result.erasedEvents;
}

function erasedLine(position: RecordPosition) {
  return {
    file: position.file,
    position: position.line,
    ...(position.index !== undefined && { index: position.index }),
    reason: ERASED_REASON,
    raw: '',
  };
}
