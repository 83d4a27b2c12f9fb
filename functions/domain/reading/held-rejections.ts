import type { Rejection } from './rejection.js';

/**
 * Raw text held at most: past it, rejections are dropped to be read again, or, when the file cannot be read
 * again, keep only their first characters.
 */
const HELD_RAW_BUDGET = 8 * 1024 * 1024;
const CUT_RAW_TO = 1024;
/** Rejections held in memory at most when they can be read again from the file instead. */
export const MOST_HELD = 10_000;

/** Where a rejection is in its file: its array index, else its line (one record a line in NDJSON). */
export function recordKey(line: number, index: number | undefined): number {
  return index ?? line;
}

/** Rejections a holder let go of, to be read again from the file: from `first` to `last` ({@link recordKey}). */
export interface DroppedRejections {
  readonly first: number;
  readonly last: number;
  readonly count: number;
  /** The line of the first. */
  readonly line: number;
}

/**
 * Rejections held back until a file shows it is an export, then released in order; discarded when it never
 * does. A text that is no export (a CSV, a log) is rejected line after line until its end, so memory must
 * not grow with it. When the file can be read again, past {@link MOST_HELD} rejections or the raw budget the
 * holder keeps only which records it dropped; should the file turn out an export, the caller reads those
 * again ({@link toReadAgain}), hands each to {@link restore}, then calls {@link restored}; rejections added
 * meanwhile wait for them. When it cannot, every rejection is held, past the raw budget with only the start
 * of its text (the file itself still has them whole).
 */
export class HeldRejections {
  private held: Rejection[] | undefined = [];
  private rawBytes = 0;
  private dropped: DroppedRejections | undefined;
  /** Rejections after a release that left some to read again: they wait for those. */
  private waiting: Rejection[] | undefined;

  constructor(
    private readonly sink: { rejected(rejection: Rejection): void },
    private readonly canReadAgain: boolean,
  ) {}

  get holding(): boolean {
    return this.held !== undefined;
  }

  add(rejection: Rejection): void {
    if (this.waiting !== undefined) {
      this.waiting.push(rejection);
      return;
    }
    if (this.held === undefined) {
      this.sink.rejected(rejection);
      return;
    }
    const overBudget = this.rawBytes + rejection.raw.length > HELD_RAW_BUDGET;
    if (this.canReadAgain && (this.dropped !== undefined || overBudget || this.held.length >= MOST_HELD)) {
      const key = recordKey(rejection.position, rejection.index);
      const { first = key, count = 0, line = rejection.position } = this.dropped ?? {};
      this.dropped = { first, last: key, count: count + 1, line };
      return;
    }
    let kept = rejection;
    if (overBudget && rejection.raw.length > CUT_RAW_TO) {
      kept = { ...rejection, raw: `${rejection.raw.slice(0, CUT_RAW_TO)}…` };
    }
    this.rawBytes += kept.raw.length;
    this.held.push(kept);
  }

  /** The rejections dropped before a release, which the caller must read again and {@link restore}. */
  get toReadAgain(): DroppedRejections | undefined {
    return this.waiting === undefined ? undefined : this.dropped;
  }

  /** Passes the held rejections on; any dropped wait in {@link toReadAgain}. */
  release(): void {
    if (this.held === undefined) return;
    for (const rejection of this.held) this.sink.rejected(rejection);
    this.held = undefined;
    if (this.dropped !== undefined) this.waiting = [];
  }

  /** One of the dropped rejections, read again: passed on ahead of those waiting. */
  restore(rejection: Rejection): void {
    this.sink.rejected(rejection);
  }

  /** Every dropped rejection was restored: those that waited for them follow. */
  restored(): void {
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    this.dropped = undefined;
    for (const rejection of waiting) this.sink.rejected(rejection);
  }

  discard(): void {
    this.held = undefined;
    this.dropped = undefined;
  }
}
