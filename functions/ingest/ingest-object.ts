import type { EventRecord } from '../domain/event.js';
import { ExportFileError } from '../domain/export-reader.js';
import { type Rejection, readEvents } from '../domain/read-events.js';
import type { SessionWriter, UserMergeResult } from '../domain/session-store.js';
import { EventSet } from '../domain/sessionize.js';

/** Where rejected events go (in file order), plus the file-level failure when the file is no export. */
export interface RejectionSink {
  rejected(rejection: Rejection): void;
  fileFailed(file: string, reason: string): void;
  /** Resolves when the sink can take more; reading waits on it so rejections never pile up in memory. */
  ready(): Promise<void>;
  /** Everything is handed over: persist it. Called before merging, so reports land even if merging fails. */
  close(): Promise<void>;
  /** Reading failed: discard what was handed over (a retry writes it again). */
  abort(): Promise<void>;
}

export interface IngestObjectInput {
  /** Names the file in rejections: the object key. */
  readonly file: string;
  readonly source: AsyncIterable<Uint8Array>;
  readonly writer: SessionWriter;
  readonly rejections: RejectionSink;
  /** Users merged at once. */
  readonly concurrency?: number;
}

export interface IngestStats {
  /** Candidate events read: accepted + rejected. */
  eventsRead: number;
  accepted: number;
  rejected: number;
  /** Users with events in this file (each merged once). */
  usersTouched: number;
  /** Events the store did not hold before. */
  newEvents: number;
  sessionsWritten: number;
  /** Set when the file is not (entirely) an export; the events read before the failure are still merged. */
  fileError?: string;
}

export const DEFAULT_MERGE_CONCURRENCY = 16;

/**
 * Ends the stream quietly when the source fails and remembers why, so the reader never mistakes a failed
 * download for a bad file (it would call that a permanent ExportFileError), and waits for the sink
 * before each pull so rejections are written as fast as they are produced.
 */
function guardedSource(
  source: AsyncIterable<Uint8Array>,
  sink: RejectionSink,
): { bytes: AsyncGenerator<Uint8Array>; failure: () => { error: unknown } | undefined } {
  let failure: { error: unknown } | undefined;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of source) {
        yield chunk;
        await sink.ready();
      }
    } catch (error) {
      failure = { error };
    }
  }
  return { bytes: bytes(), failure: () => failure };
}

/**
 * The ingest use case for one export object: reads and validates it into a deduplicated event set,
 * hands rejections to the sink, then merges every user's events into the store. A file that is not an
 * export is reported, not thrown; store and source errors are thrown so the invocation is retried.
 */
export async function ingestObject(input: IngestObjectInput): Promise<IngestStats> {
  const { file, writer, rejections } = input;
  const events = new EventSet();
  const stats: IngestStats = {
    eventsRead: 0,
    accepted: 0,
    rejected: 0,
    usersTouched: 0,
    newEvents: 0,
    sessionsWritten: 0,
  };
  const sink = {
    event: (record: EventRecord) => {
      stats.accepted++;
      events.add(record);
    },
    rejected: (rejection: Rejection) => {
      stats.rejected++;
      rejections.rejected(rejection);
    },
  };
  const source = guardedSource(input.source, rejections);
  try {
    try {
      await readEvents(file, source.bytes, sink);
    } catch (error) {
      if (!(error instanceof ExportFileError)) throw error;
      stats.fileError = error.message;
    }
    // A failed download ends the stream early: what was read is incomplete, so any verdict on it is moot.
    const failure = source.failure();
    if (failure !== undefined) throw failure.error;
    if (stats.fileError !== undefined) rejections.fileFailed(file, stats.fileError);
    await rejections.close();
  } catch (error) {
    await rejections.abort();
    throw error;
  }
  stats.eventsRead = stats.accepted + stats.rejected;

  const results = await mapBounded(
    [...events.byUser()],
    input.concurrency ?? DEFAULT_MERGE_CONCURRENCY,
    ([userId, userEvents]) => writer.mergeUserEvents(userId, userEvents),
  );
  for (const result of results) addMergeResult(stats, result);
  return stats;
}

function addMergeResult(stats: IngestStats, result: UserMergeResult): void {
  stats.usersTouched++;
  stats.newEvents += result.newEvents;
  stats.sessionsWritten += result.sessionsWritten;
}

/**
 * Runs `task` over `items` with at most `limit` in flight. After the first failure no new task starts;
 * the ones in flight are awaited (nothing keeps running behind a failed invocation) and the first error thrown.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failed !== undefined) throw failed.error;
  return results;
}
