/**
 * The rejected events of a run, kept for the output with everything the user sent. A file of a million bad
 * events (a wrong `--input-format`) would otherwise hold every raw event in memory; here they wait as JSON
 * lines in a {@link LineSpool}, on disk past a few megabytes.
 */
import type { Rejection } from '../functions/domain/reading/rejection.js';
import { LineSpool } from './line-spool.js';

/** What the outputs read of the rejections: how many, and each in the order read. */
export interface RejectedEvents extends Iterable<Rejection> {
  readonly length: number;
  /** Each as `JSON.stringify` writes it, when they are held that way: the JSON output copies them as they are. */
  jsonTexts?(): Iterable<string>;
}

export class RejectionLog implements RejectedEvents {
  constructor(private readonly spool = new LineSpool()) {}

  get length(): number {
    return this.spool.length;
  }

  add(rejection: Rejection): void {
    // JSON escapes every newline, so a rejection is one line.
    this.spool.add(JSON.stringify(rejection));
  }

  *[Symbol.iterator](): Iterator<Rejection> {
    for (const line of this.spool.lines()) yield JSON.parse(line) as Rejection;
  }

  jsonTexts(): Iterable<string> {
    return this.spool.lines();
  }

  /** Removes the spool's file now rather than at exit. */
  dispose(): void {
    this.spool.dispose();
  }
}
