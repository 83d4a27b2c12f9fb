import type { InputFormat } from '../../contract/index.js';
import type { BrowserOf } from '../domain/events/normalize.js';
import { HeldStart, lambdaTestEventError, lambdaTestEventOf } from '../domain/reading/lambda-events.js';
import { memberLimit } from '../domain/reading/member-limit.js';
import type { FileSummary } from '../domain/reading/read-export.js';
import { readExport } from '../domain/reading/read-export.js';
import { readRecordTexts } from '../domain/reading/record-texts.js';
import { canonicalJson } from '../domain/rules/canonical-json.js';
import type { CompiledRules } from '../domain/rules/session-rules.js';
import { EventCollector, type SourceRef, sourceKey } from '../domain/sessions/collector.js';
import type { CopyTextReader } from '../domain/store/copy-texts.js';
import type { IdentityWriter, SessionWriter } from '../domain/store/ports.js';
import { DEFAULT_CHUNK_BYTES } from './memory-limits.js';
import { type Chunk, ChunkMerger, StopMerging } from './merge-chunk.js';
import {
  type IngestProgress,
  IngestStopped,
  MergeProgress,
  type MergeTotals,
  ProgressNotKeptError,
} from './progress.js';
import { RefusedEvents } from './refused-events.js';
import { erasedLine, type RejectionReport } from './rejection-report.js';

export interface IngestObjectInput {
  /** Names the file in reports: the object key. */
  readonly file: string;
  readonly format: InputFormat;
  /** The object's bytes; called again (rarely) to read records once more for a tie-break. */
  readonly open: () => Promise<AsyncIterable<Uint8Array>>;
  /**
   * The content version (`contentVersion`) and a reader of copies from any export object: with both, ties
   * with stored copies go by canonical JSON (rule 3); without, by projection.
   */
  readonly version?: string | undefined;
  readonly readCopies?: CopyTextReader | undefined;
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
  /** Copies read again and held at once for the merges waiting on them (`COPIES_PER_READ`). */
  readonly copiesPerRead?: number;
  /** What an earlier delivery of the same object version merged: it is read again but not merged again. */
  readonly resume?: IngestProgress | undefined;
  /** Saves progress and says when to stop; without it the whole object is merged in this call. */
  readonly checkpoint?: IngestCheckpoint | undefined;
}

export interface IngestCheckpoint {
  /** False when the progress was too large to keep: a later delivery would start the object over. */
  save(progress: IngestProgress): Promise<boolean>;
  /**
   * True once the call should take on no more merges; asked only after a merge of this call finished: of this
   * object, or with `movedForward`, of an object before it.
   */
  timeUp(): boolean;
  /**
   * An earlier object of the call was worked on, so the call moves forward whatever this one does: it may stop
   * before a merge of its own, rather than read on past the deadline (a long file resumed reads far before its
   * first merge) and overrun the invocation, which would give back every message of the batch.
   */
  readonly movedForward?: boolean;
  /** While merging, progress is also saved this often (ms), so a call cut short still counts. */
  readonly saveEveryMs?: number;
}

export interface IngestStats extends MergeTotals {
  /** Candidate events read: accepted + rejected. */
  records: number;
  accepted: number;
  rejected: number;
  /** Accepted events already stored (redelivered files, repeated messageIds). */
  duplicates: number;
  files: FileSummary[];
}

/**
 * A user in several chunks of a file is merged once per chunk, and each merge after the first rewrites the
 * day the one before wrote (docs/cost.md): chunks are as large as memory allows. A million events of the
 * benchmark's files hold 124 to 152 MiB; the cap in bytes (`DEFAULT_CHUNK_BYTES`, memory-limits.ts) keeps
 * events with long fields within the ingest function's memory.
 */
export const DEFAULT_CHUNK_EVENTS = 1_000_000;

export const DEFAULT_MERGE_CONCURRENCY = 16;
const DEFAULT_SAVE_EVERY_MS = 60_000;

/**
 * The ingest use case for one export object: reads and validates it, reporting rejections as it goes, and
 * merges its events into the store a chunk at a time, so memory stays bounded whatever the file's size
 * (merging is idempotent and convergent, rule 6, so a chunk boundary can fall anywhere). Bad input is
 * reported, never thrown; store and source errors are thrown so the message is retried. With a checkpoint,
 * a call whose time is up saves how far it got and throws {@link IngestStopped}; a later call given that
 * progress reads the object again, for its whole rejection report, and merges only the rest.
 */
export async function ingestObject(input: IngestObjectInput): Promise<IngestStats> {
  const { report, rules, checkpoint } = input;
  let accepted = 0;
  let rejected = 0;
  const chunkEvents = input.chunkEvents ?? DEFAULT_CHUNK_EVENTS;
  const chunkBytes = input.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (rules.stitching && input.identity === undefined)
    throw new Error('identity stitching needs an identity writer');

  const canonicalOf = async (sources: readonly SourceRef[]) => {
    const byFile = new Map<string, Set<number>>();
    for (const source of sources)
      byFile.set(source.file, (byFile.get(source.file) ?? new Set()).add(source.record));
    const canonical = new Map<string, string>();
    for (const [file, records] of byFile) {
      for (const [record, text] of await readRecordTexts(input.file, await input.open(), file, records, {
        ...memberLimit(input),
        reopen: input.open,
      })) {
        canonical.set(sourceKey({ file, record }), canonicalJson(JSON.parse(text)));
      }
    }
    return canonical;
  };

  const refused = new RefusedEvents(rules.stitching, input.resume);
  const progress = new MergeProgress(input.resume, () => refused.erasedVia);
  for (const at of input.resume?.erasedAt ?? []) report.write(erasedLine(at));
  const mergedBefore = input.resume?.merged ?? 0;
  const saveEveryMs = checkpoint?.saveEveryMs ?? DEFAULT_SAVE_EVERY_MS;
  let lastSave = Date.now();
  // A save on the way that could not keep the progress matters only if the call then runs out of time.
  const saveProgress = async (to: IngestCheckpoint) => {
    lastSave = Date.now();
    await to.save(progress.snapshot());
  };
  // With a version and a way to read copies again, events are stored with where they were read.
  const copies =
    input.version !== undefined && input.readCopies !== undefined
      ? {
          object: input.file,
          version: input.version,
          read: input.readCopies,
          ...(input.copiesPerRead !== undefined && { perRead: input.copiesPerRead }),
        }
      : undefined;
  // Only once the call moved forward: every call must, or a file would be continued forever.
  const mayStop = () => merger.worked || checkpoint?.movedForward === true;
  const merger = new ChunkMerger({
    writer: input.writer,
    identity: rules.stitching ? input.identity : undefined,
    canonicalOf,
    report,
    refused,
    progress,
    concurrency: input.concurrency ?? DEFAULT_MERGE_CONCURRENCY,
    ...(copies !== undefined && { copies }),
    beforeMerge: () => {
      if (checkpoint === undefined) return undefined;
      if (mayStop() && checkpoint.timeUp()) throw new StopMerging();
      return Date.now() - lastSave < saveEveryMs ? undefined : saveProgress(checkpoint);
    },
  });

  const newChunk = (start: number, resume?: IngestProgress['partial']): Chunk => ({
    collector: new EventCollector(rules.stitching, copies !== undefined),
    start,
    resume,
  });
  let current = newChunk(mergedBefore, input.resume?.partial);
  // A chunk an earlier delivery stopped inside, complete, waiting for the next pause to be merged.
  let cut: Chunk | undefined;
  const merge = async (chunk: Chunk, last: boolean) => {
    if (chunk.collector.size === 0) return;
    // The chunk an earlier delivery stopped inside ends where it ended then; any other, where reading is.
    await merger.merge(chunk, chunk.resume?.end ?? accepted);
    if (!last && checkpoint !== undefined) await saveProgress(checkpoint);
  };
  const mergeCurrent = async (last: boolean) => {
    const chunk = current;
    current = newChunk(accepted);
    await merge(chunk, last);
  };

  let files: FileSummary[];
  try {
    // Held to tell an AWS Lambda test event apart (the CLI says what one is) without reading it again.
    const start = new HeldStart(await input.open());
    files = await readExport(
      input.file,
      start.bytes(),
      {
        format: input.format,
        browserOf: input.browserOf,
        ...memberLimit(input),
        reopen: input.open,
      },
      {
        event: (event, position) => {
          refused.read(event, position);
          const ordinal = accepted++;
          if (ordinal < mergedBefore) return;
          const resumed = current.resume;
          if (resumed !== undefined && ordinal >= resumed.end) {
            cut = current;
            current = newChunk(resumed.end);
          }
          current.collector.add(event, position);
        },
        rejected: (rejection) => {
          rejected++;
          report.write(rejection);
        },
        pause: async () => {
          if (cut !== undefined) {
            const chunk = cut;
            cut = undefined;
            await merge(chunk, false);
          }
          // The chunk an earlier delivery stopped inside ends where it ended then, whatever the limits now.
          const full = current.collector.size >= chunkEvents || current.collector.heldBytes >= chunkBytes;
          if (current.resume === undefined && full) await mergeCurrent(false);
          if (mayStop() && checkpoint?.timeUp()) throw new StopMerging();
          await report.ready();
        },
      },
    );
    if (cut !== undefined) await merge(cut, false);
    await mergeCurrent(true);
    // An AWS Lambda test event uploaded beside the exports is said to be one, as the CLI says it.
    const [only] = files;
    const lambdaEvent = await lambdaTestEventOf(input.file, files, () => start.held());
    if (only !== undefined && lambdaEvent !== undefined)
      files = [{ ...only, error: lambdaTestEventError(lambdaEvent) }];
    for (const file of files) {
      if (file.error !== undefined) report.write({ file: file.file, position: 0, reason: file.error });
    }
    await report.close();
  } catch (error) {
    await report.abort();
    if (!(error instanceof StopMerging) || checkpoint === undefined) throw error;
    const saved = progress.snapshot();
    // Continued without it, the next call would start over and stop at the same place, call after call.
    if (!(await checkpoint.save(saved))) throw new ProgressNotKeptError(input.file, saved);
    throw new IngestStopped(saved);
  }
  const totals = progress.mergeTotals;
  return {
    records: accepted + rejected,
    accepted,
    rejected,
    ...totals,
    duplicates: accepted - totals.newEvents - totals.erased,
    files,
  };
}
