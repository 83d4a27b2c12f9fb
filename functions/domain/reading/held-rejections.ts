import type { Rejection } from './rejection.js';

/** Raw text kept for rejections still held back; past it, held rejections keep only their first characters. */
const HELD_RAW_BUDGET = 8 * 1024 * 1024;
const CUT_RAW_TO = 1024;

/**
 * Rejections held back until a file shows it is an export, then released in order; discarded when it never
 * does. Memory stays bounded: past a budget of raw text, held lines keep only their start (the file itself
 * still has them whole).
 */
export class HeldRejections {
  private held: Rejection[] | undefined = [];
  private rawBytes = 0;

  constructor(private readonly sink: { rejected(rejection: Rejection): void }) {}

  get holding(): boolean {
    return this.held !== undefined;
  }

  add(rejection: Rejection): void {
    if (this.held === undefined) {
      this.sink.rejected(rejection);
      return;
    }
    let kept = rejection;
    if (this.rawBytes + rejection.raw.length > HELD_RAW_BUDGET && rejection.raw.length > CUT_RAW_TO) {
      kept = { ...rejection, raw: `${rejection.raw.slice(0, CUT_RAW_TO)}…` };
    }
    this.rawBytes += kept.raw.length;
    this.held.push(kept);
  }

  release(): void {
    if (this.held === undefined) return;
    for (const rejection of this.held) this.sink.rejected(rejection);
    this.held = undefined;
  }

  discard(): void {
    this.held = undefined;
  }
}
