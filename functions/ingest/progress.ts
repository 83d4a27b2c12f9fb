import { createHash } from 'node:crypto';
import type { RecordPosition } from '../domain/reading/read-export.js';
import type { LinkOutcome, UserMergeResult } from '../domain/store/ports.js';

/** Where an event reported as erased was: what its report line needs. */
export type ErasedPosition = Pick<RecordPosition, 'file' | 'line' | 'index'>;

/** What the merges of one object did, carried from one delivery to the next. */
export interface MergeTotals {
  usersTouched: number;
  newEvents: number;
  sessionsWritten: number;
  erased: number;
  chunks: number;
}

/**
 * How far the merges of one version of an object got: a later delivery reads the object again (for its
 * rejection report) but merges only what is left. Accepted events are counted in reading order.
 */
export interface IngestProgress {
  /** Every accepted event before this one is merged. */
  readonly merged: number;
  /**
   * The chunk that was merging: it holds the accepted events from `merged` to `end`, and its first `owners`
   * steps in merge order (its links when stitching, then its owners), whose names hash to `ownersDigest`,
   * are done.
   */
  readonly partial?: { readonly end: number; readonly owners: number; readonly ownersDigest: string };
  /** The events the merges so far refused as erased: the report of the delivery that finishes lists them. */
  readonly erasedAt: readonly ErasedPosition[];
  /**
   * Under stitching, the user each anonymousId's refused events went to: a later delivery that meets a copy
   * of one of them counts and reports it once (`RefusedEvents`).
   */
  readonly erasedVia?: readonly (readonly [string, string])[];
  readonly totals: MergeTotals;
}

/** One object's content, read one way: progress is only ever resumed on the same bytes and reading. */
export interface ProgressKey {
  readonly bucket: string;
  readonly key: string;
  /** The object's content, by the ETag S3 gave for the bytes read: a new upload under the key starts over. */
  readonly version: string;
  /** The format, member limit and rules it is read with: other settings start over. */
  readonly reading: string;
}

/** Where the ingest keeps progress between deliveries of an object (port); the sessions table on AWS. */
export interface IngestProgressStore {
  load(object: ProgressKey): Promise<IngestProgress | undefined>;
  /** False when `progress` was too large to keep (what was kept of the object is then removed). */
  save(object: ProgressKey, progress: IngestProgress): Promise<boolean>;
  clear(object: ProgressKey): Promise<void>;
}

/** The ingest stopped short of the object's end to keep within its invocation; `progress` was saved. */
export class IngestStopped extends Error {
  constructor(readonly progress: IngestProgress) {
    const inChunk =
      progress.partial === undefined
        ? ''
        : ` and ${progress.partial.owners} links and merges of the chunk after them`;
    super(
      `stopped with ${progress.merged} accepted events merged${inChunk}, to continue in another invocation`,
    );
    this.name = 'IngestStopped';
  }
}

/**
 * The ingest ran out of time, but its progress was too large to keep: continued, each call would start the
 * object over and stop at the same place. Failing instead lets the queue's receive count end it.
 */
export class ProgressNotKeptError extends Error {
  constructor(file: string, progress: IngestProgress) {
    super(
      `${file}: the call's time ran out with ${progress.merged} accepted events merged, but its progress (the positions of ${progress.erasedAt.length} events refused as erased) is too large to keep, so every call would start the file over; split the file, or raise the function's timeout`,
    );
    this.name = 'ProgressNotKeptError';
  }
}

const NO_TOTALS: MergeTotals = {
  usersTouched: 0,
  newEvents: 0,
  sessionsWritten: 0,
  erased: 0,
  chunks: 0,
};

export function digestOf(steps: readonly string[]): string {
  const hash = createHash('sha256');
  for (const step of steps) hash.update(step).update('\n');
  return hash.digest('base64url');
}

interface OwnerDone {
  readonly result: UserMergeResult;
  readonly erasedAt: readonly ErasedPosition[];
}

/** A link is in: its move wrote sessions, but merged no user's events. */
type LinkDone = Pick<LinkOutcome, 'sessionsWritten'>;

/**
 * Follows the steps of one chunk (its links when stitching, then its owners' merges), which finish in any
 * order: the steps before the first unfinished one (in merge order) are what a snapshot may call done.
 */
class ChunkProgress {
  readonly steps: string[] = [];
  /** Steps finished after one still running; null for a step an earlier delivery did (its counts are in). */
  private readonly finished = new Map<number, OwnerDone | LinkDone | null>();
  private doneBefore = 0;
  /** The last step finished in merge order, -1 before any. */
  lastFinished = -1;
  readonly totals: MergeTotals = { ...NO_TOTALS };
  readonly erasedAt: ErasedPosition[] = [];

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  offered(step: string): number {
    return this.steps.push(step) - 1;
  }

  finish(index: number, done: OwnerDone | LinkDone | null): void {
    this.finished.set(index, done);
    this.lastFinished = Math.max(this.lastFinished, index);
    for (
      let next = this.finished.get(this.doneBefore);
      next !== undefined;
      next = this.finished.get(this.doneBefore)
    ) {
      this.finished.delete(this.doneBefore++);
      if (next === null) continue;
      if (!('result' in next)) {
        this.totals.sessionsWritten += next.sessionsWritten;
        continue;
      }
      addMerge(this.totals, next.result);
      this.erasedAt.push(...next.erasedAt);
    }
  }

  get stepsDone(): number {
    return this.doneBefore;
  }
}

function addMerge(totals: MergeTotals, result: UserMergeResult): void {
  totals.usersTouched++;
  totals.newEvents += result.newEvents;
  totals.sessionsWritten += result.sessionsWritten;
  totals.erased += result.erasedEvents;
}

/** What an ingest has merged so far, as a snapshot a later delivery can resume from. */
export class MergeProgress {
  private merged: number;
  private readonly totals: MergeTotals;
  private readonly erasedAt: ErasedPosition[];
  private chunk: ChunkProgress | undefined;

  /** `erasedVia` gives what the progress says of it at each snapshot. */
  constructor(
    resume: IngestProgress | undefined,
    private readonly erasedVia: () => NonNullable<IngestProgress['erasedVia']> = () => [],
  ) {
    this.merged = resume?.merged ?? 0;
    this.totals = { ...(resume?.totals ?? NO_TOTALS) };
    this.erasedAt = [...(resume?.erasedAt ?? [])];
  }

  /** A chunk of the accepted events from `start` to `end` starts merging. */
  startChunk(start: number, end: number): void {
    this.chunk = new ChunkProgress(start, end);
  }

  /** The next step of the chunk, in merge order; returns its index for {@link finishStep}. */
  offerStep(step: string): number {
    return this.current().offered(step);
  }

  /** The names of the chunk's first `count` steps, in merge order. */
  stepNames(count: number): readonly string[] {
    return this.current().steps.slice(0, count);
  }

  /** An owner is merged; with no result, an earlier delivery did the step. */
  finishStep(index: number, result?: UserMergeResult, erasedAt: readonly ErasedPosition[] = []): void {
    this.current().finish(index, result === undefined ? null : { result, erasedAt });
  }

  /** A link is in; the sessions its move wrote count among the sessions written. */
  finishLink(index: number, outcome: LinkDone): void {
    this.current().finish(index, { sessionsWritten: outcome.sessionsWritten });
  }

  /**
   * Whether a step after `index` has finished: a call that stopped before the step at `index` would lose it
   * from its progress, and the next call would merge it again and count its events as duplicates.
   */
  finishedPast(index: number): boolean {
    return this.current().lastFinished > index;
  }

  /** Every step of the chunk is done. */
  finishChunk(): void {
    const chunk = this.current();
    this.merged = chunk.end;
    addTotals(this.totals, chunk.totals);
    this.totals.chunks++;
    this.erasedAt.push(...chunk.erasedAt);
    this.chunk = undefined;
  }

  /** What the merges of this delivery and those before it did, once every chunk is merged. */
  get mergeTotals(): MergeTotals {
    return { ...this.totals };
  }

  snapshot(): IngestProgress {
    const via = this.erasedVia();
    const erasedVia = via.length === 0 ? {} : { erasedVia: via };
    const chunk = this.chunk;
    if (chunk === undefined || chunk.stepsDone === 0) {
      return { merged: this.merged, erasedAt: [...this.erasedAt], ...erasedVia, totals: { ...this.totals } };
    }
    const totals = { ...this.totals };
    addTotals(totals, chunk.totals);
    return {
      merged: chunk.start,
      partial: {
        end: chunk.end,
        owners: chunk.stepsDone,
        ownersDigest: digestOf(this.stepNames(chunk.stepsDone)),
      },
      erasedAt: [...this.erasedAt, ...chunk.erasedAt],
      ...erasedVia,
      totals,
    };
  }

  private current(): ChunkProgress {
    if (this.chunk === undefined) throw new Error('no chunk is merging');
    return this.chunk;
  }
}

function addTotals(into: MergeTotals, add: MergeTotals): void {
  into.usersTouched += add.usersTouched;
  into.newEvents += add.newEvents;
  into.sessionsWritten += add.sessionsWritten;
  into.erased += add.erased;
  into.chunks += add.chunks;
}
