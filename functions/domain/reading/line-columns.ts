import { isAscii } from 'node:buffer';

const LINE_FEED = 0x0a;

/**
 * The characters in UTF-8 `bytes[start, end)`: its bytes but the continuation bytes of a multi-byte character.
 * Text that is ASCII, as most exports are, is told so natively and counted by its length.
 */
export function characters(bytes: Buffer, start: number, end: number): number {
  if (end <= start) return 0;
  if (isAscii(bytes.subarray(start, end))) return end - start;
  let count = 0;
  for (let at = start; at < end; at++) if (((bytes[at] as number) & 0xc0) !== 0x80) count++;
  return count;
}

/**
 * The 1-based column of positions in a file read in chunks, asked in increasing order within a chunk: each
 * byte is counted once, and only line feeds are searched for, natively, so the cost stays linear.
 */
export class LineColumns {
  /** The characters of the current line before `at`. */
  private chars: number;
  private at = 0;
  /** The next line feed at or after `at` in the chunk, or -1. */
  private next = -1;

  /** `column` is the 1-based column of the first byte of the first chunk read. */
  constructor(column: number) {
    this.chars = column - 1;
  }

  /** Starts reading `bytes` at `from`, which follows the last position counted. */
  startChunk(bytes: Buffer, from: number): void {
    this.at = from;
    this.next = bytes.indexOf(LINE_FEED, from);
  }

  /** The column of `bytes[position]`; every byte before it on its line is counted. */
  columnAt(bytes: Buffer, position: number): number {
    while (this.next !== -1 && this.next < position) {
      this.at = this.next + 1;
      this.chars = 0;
      this.next = bytes.indexOf(LINE_FEED, this.at);
    }
    this.chars += characters(bytes, this.at, position);
    this.at = position;
    return this.chars + 1;
  }
}

/**
 * Where a text that starts at `start` in its file has its UTF-16 `position` (JSON.parse's count): the 1-based
 * line and column, columns counted in characters as {@link characters} does.
 */
export function placeIn(text: string, position: number, start: TextStart): string {
  const before = text.slice(0, position);
  const lastLineFeed = before.lastIndexOf('\n');
  let lines = 0;
  for (let at = before.indexOf('\n'); at !== -1; at = before.indexOf('\n', at + 1)) lines++;
  const column =
    lastLineFeed === -1 ? start.column + codePoints(before) : codePoints(before.slice(lastLineFeed + 1)) + 1;
  return `line ${start.line + lines}, column ${column}`;
}

/** Where a record's text starts in its file: its 1-based line and column. */
export interface TextStart {
  readonly line: number;
  readonly column: number;
}

/** Where a record starts; its column is 1 when the reader did not tell it. */
export const textStart = ({ line, column }: { line: number; column?: number }): TextStart => ({
  line,
  column: column ?? 1,
});

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
