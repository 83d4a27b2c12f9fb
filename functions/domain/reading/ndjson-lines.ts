import type { ByteRecord } from './byte-record.js';
import { closesValue } from './json-tokens.js';
import { trimEnd, trimStart } from './utf8-whitespace.js';

const NEWLINE = 0x0a;

/** Splits NDJSON bytes at line feeds into trimmed, non-blank records, carrying a partial line across chunks. */
export class NdjsonLines {
  /** The unfinished last line, as views of the chunks it spans: joined once, when it ends. */
  private readonly pieces: Buffer[] = [];
  private line: number;

  constructor(firstLine: number) {
    this.line = firstLine;
  }

  /** Reads `bytes[from, bytes.length)`. */
  push(bytes: Buffer, from: number, out: ByteRecord[]): void {
    const length = bytes.length;
    let start = from;
    let newline = bytes.indexOf(NEWLINE, start);
    if (this.pieces.length > 0) {
      if (newline === -1) {
        if (start < length) this.pieces.push(bytes.subarray(start));
        return;
      }
      this.pieces.push(bytes.subarray(start, newline));
      this.flushPieces(out);
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    let line = this.line;
    while (newline !== -1) {
      pushLine(bytes, start, newline, line++, out);
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    this.line = line;
    if (start < length) this.pieces.push(bytes.subarray(start));
  }

  /** Reads the last line, which has no line feed after it. */
  end(out: ByteRecord[]): void {
    if (this.pieces.length > 0) this.flushPieces(out);
  }

  /**
   * The file broke off here: the last line only when it ends as a value does (`}`, `]`, `"`), which a cut
   * cannot have made of a longer one; it is marked `cut` for the reader to keep only if it is JSON.
   */
  cut(out: ByteRecord[]): void {
    const before = out.length;
    this.end(out);
    const last = out[before];
    if (last === undefined) return;
    out.length = before;
    if (closesValue(last.bytes[last.end - 1] as number)) out.push({ ...last, cut: true });
  }

  private flushPieces(out: ByteRecord[]): void {
    const joined = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
    this.pieces.length = 0;
    pushLine(joined, 0, joined.length, this.line++, out);
  }
}

function pushLine(bytes: Buffer, start: number, end: number, line: number, out: ByteRecord[]): void {
  const first = trimStart(bytes, start, end);
  if (first === end) return;
  out.push({ bytes, start: first, end: trimEnd(bytes, first, end), line, index: undefined });
}
