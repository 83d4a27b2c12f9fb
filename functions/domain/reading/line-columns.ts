import { isAscii, isUtf8 } from 'node:buffer';

const LINE_FEED = 0x0a;

/**
 * Counts the characters a UTF-8 decoder gives for bytes read in order, in any chunking: as TextDecoder (the
 * WHATWG decoder) and an editor show them, each maximal part of a sequence that is not UTF-8 (a stray
 * continuation byte, an overlong form, a surrogate, a character cut short) is one U+FFFD, one column.
 * ASCII, as most exports are, is told so natively and counted by its length, valid UTF-8 by its lead bytes.
 */
class DecodedCharacters {
  count: number;
  /** Of the multi-byte character being read: its continuation bytes, those read, and the next one's range. */
  private needed = 0;
  private seen = 0;
  private lower = 0x80;
  private upper = 0xbf;

  constructor(count = 0) {
    this.count = count;
  }

  /** The characters so far, a character cut short by what comes next counted as its U+FFFD. */
  get settled(): number {
    return this.needed === 0 ? this.count : this.count + 1;
  }

  add(bytes: Buffer, start: number, end: number): void {
    if (end <= start) return;
    if (this.needed === 0) {
      const range = bytes.subarray(start, end);
      if (isAscii(range)) {
        this.count += end - start;
        return;
      }
      // Whole characters, all valid (told natively): each but its continuation bytes starts one.
      if (isUtf8(range)) {
        for (let at = start; at < end; at++) if (((bytes[at] as number) & 0xc0) !== 0x80) this.count++;
        return;
      }
    }
    for (let at = start; at < end; at++) this.byte(bytes[at] as number);
  }

  /** Starts a line: what was being read ended with the line feed. */
  restart(): void {
    this.count = 0;
    this.needed = 0;
  }

  private byte(byte: number): void {
    if (this.needed !== 0) {
      if (byte >= this.lower && byte <= this.upper) {
        this.lower = 0x80;
        this.upper = 0xbf;
        if (++this.seen === this.needed) {
          this.count++;
          this.needed = 0;
        }
        return;
      }
      // The sequence so far is one U+FFFD; the byte starts afresh.
      this.count++;
      this.needed = 0;
    }
    this.seen = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
    if (byte >= 0xc2 && byte <= 0xdf) this.needed = 1;
    else if (byte >= 0xe0 && byte <= 0xef) {
      this.needed = 2;
      if (byte === 0xe0) this.lower = 0xa0;
      if (byte === 0xed) this.upper = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      this.needed = 3;
      if (byte === 0xf0) this.lower = 0x90;
      if (byte === 0xf4) this.upper = 0x8f;
    } else this.count++; // ASCII, or a byte no UTF-8 character starts with (U+FFFD)
  }
}

/** The characters in UTF-8 `bytes[start, end)`, as {@link DecodedCharacters} counts them. */
export function characters(bytes: Buffer, start: number, end: number): number {
  const count = new DecodedCharacters();
  count.add(bytes, start, end);
  return count.settled;
}

/**
 * The 1-based column of positions in a file read in chunks, asked in increasing order within a chunk: each
 * byte is counted once, and only line feeds are searched for, natively, so the cost stays linear.
 */
export class LineColumns {
  /** The characters of the current line before `at`. */
  private readonly chars: DecodedCharacters;
  private at = 0;
  /** The next line feed at or after `at` in the chunk, or -1. */
  private next = -1;

  /** `column` is the 1-based column of the first byte of the first chunk read. */
  constructor(column: number) {
    this.chars = new DecodedCharacters(column - 1);
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
      this.chars.restart();
      this.next = bytes.indexOf(LINE_FEED, this.at);
    }
    this.chars.add(bytes, this.at, position);
    this.at = position;
    return this.chars.settled + 1;
  }
}

/**
 * The 1-based line of positions in a file read in chunks, asked in increasing order: lines are counted only
 * up to where they are needed, and the next line feed is kept so that no search repeats.
 */
export class LineNumbers {
  /** The line of the last position asked. */
  line: number;
  /** The next line feed in the chunk not yet counted, or -1. */
  private next = -1;

  /** `line` is that of the first byte of the first chunk read. */
  constructor(line: number) {
    this.line = line;
  }

  /** Starts reading `bytes` at `from`, which follows the last position counted. */
  startChunk(bytes: Buffer, from: number): void {
    this.next = bytes.indexOf(LINE_FEED, from);
  }

  /** The line of `bytes[position]`. */
  lineAt(bytes: Buffer, position: number): number {
    let next = this.next;
    while (next !== -1 && next < position) {
      this.line++;
      next = bytes.indexOf(LINE_FEED, next + 1);
    }
    this.next = next;
    return this.line;
  }
}

/** Line feeds in `bytes[start, end)`. */
export function countNewlines(bytes: Buffer, start: number, end: number): number {
  let count = 0;
  for (let at = start; at < end; at++) if (bytes[at] === LINE_FEED) count++;
  return count;
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
