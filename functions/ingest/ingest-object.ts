import type { InputFormat } from '../../contract/index.js';
import type { EventRecord } from '../domain/events/event.js';
import type { BrowserOf } from '../domain/events/normalize.js';
import type { FileSummary, RecordPosition } from '../domain/reading/read-export.js';
import { readExport } from '../domain/reading/read-export.js';
import { readRecordTexts } from '../domain/reading/record-texts.js';
import { canonicalJson } from '../domain/rules/canonical-json.js';
import type { CompiledRules } from '../domain/rules/session-rules.js';
import { EventCollector, type SourceRef, sourceKey, type UserEvents } from '../domain/sessions/collector.js';
import type { IdentityWriter, SessionWriter, UserMergeResult } from '../domain/store/ports.js';
import { mapBounded, TaskPool } from '../shared/map-bounded.js';
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
  /** Accepted events held before they are merged: with `chunkBytes`, bounds memory whatever the file's size. */
  readonly chunkEvents?: number;
  /** Memory the held events may take (as the collector estimates it) before they are merged. */
  readonly chunkBytes?: number;
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

/**
 * A user in several chunks of a file is merged once per chunk, and each merge after the first rewrites the
 * day the one before wrote (docs/cost.md): chunks are as large as memory allows. A million events of the
 * benchmark's files hold 124 to 152 MiB; the cap in bytes keeps events with long fields within the ingest
 * function's memory.
 */
export const DEFAULT_CHUNK_EVENTS = 1_000_000;
export const DEFAULT_CHUNK_BYTES = 192 * 1024 ** 2;
export const DEFAULT_MERGE_CONCURRENCY = 16;
/** Users whose heads are read in one request before their merges are offered (BatchGetItem's limit). */
export const USERS_PER_PREFETCH = 100;

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
  const chunkBytes = input.chunkBytes ?? DEFAULT_CHUNK_BYTES;
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

  const concurrency = input.concurrency ?? DEFAULT_MERGE_CONCURRENCY;
  const identity = input.identity;
  if (rules.stitching && identity === undefined)
    throw new Error('identity stitching needs an identity writer');

  /**
   * Merges one owner's events in the pool, made objects only once the merge starts; the events of an erased
   * user are reported as rejected.
   */
  const offerMerge = (
    pool: TaskPool,
    owned: UserEvents,
    merge: (events: EventRecord[]) => Promise<UserMergeResult>,
  ) =>
    pool.offer(async () => {
      const result = await merge(owned.events());
      addMerge(stats, result);
      if (result.erasedEvents > 0) for (const source of owned.sources()) report.write(erasedLine(source));
    });

  /**
   * Merges the chunk's users while the collector hands them over, one user's events as objects at a time per
   * merge in flight: memory is the chunk's columns, not a million event objects.
   */
  const mergeAll = async (visitAll: (pool: TaskPool) => Promise<void>) => {
    const pool = new TaskPool(concurrency);
    try {
      await visitAll(pool);
    } finally {
      await pool.drain();
    }
  };

  /** Rule 8 in the store: links first (they may move stored events), then events by their own identity. */
  const flushStitched = async (chunk: EventCollector, stitcher: IdentityWriter) => {
    const links = await chunk.ownLinks(canonicalOf);
    await mapBounded([...links], concurrency, ([anonymousId, { copy, canonical }]) =>
      stitcher.offerLink(anonymousId, {
        userId: copy.event.userId as string,
        timestamp: copy.event.timestamp,
        eventId: copy.event.id,
        canonical,
      }),
    );
    await mergeAll((pool) =>
      chunk.forEachOwner(canonicalOf, (owner, owned) =>
        offerMerge(pool, owned, (events) =>
          owner.anonymous
            ? stitcher.mergeAnonymousEvents(owner.user, events)
            : input.writer.mergeUserEvents(owner.user, events),
        ),
      ),
    );
  };

  const flush = async () => {
    if (collector.size === 0) return;
    const chunk = collector;
    collector = new EventCollector(rules.stitching);
    stats.chunks++;
    if (identity !== undefined && rules.stitching) {
      await flushStitched(chunk, identity);
      return;
    }
    const writer = input.writer;
    await mergeAll(async (pool) => {
      // Users go to the pool a hundred at a time, their heads read ahead in one request.
      let waiting: [string, UserEvents][] = [];
      const offerWaiting = async () => {
        const users = waiting;
        waiting = [];
        if (users.length === 0) return;
        await writer.prefetchHeads?.(users.map(([user]) => user));
        for (const [user, ordered] of users) {
          await offerMerge(pool, ordered, (events) => writer.mergeUserEvents(user, events));
        }
      };
      await chunk.forEachUser(canonicalOf, (user, ordered) => {
        waiting.push([user, ordered]);
        return waiting.length >= USERS_PER_PREFETCH ? offerWaiting() : undefined;
      });
      await offerWaiting();
    });
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
          if (collector.size >= chunkEvents || collector.heldBytes >= chunkBytes) await flush();
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
