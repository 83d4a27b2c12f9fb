import { type ByteRecord, MAX_RECORD_BYTES, type MembersWanted, TOO_LONG_PREFIX } from './byte-record.js';
import { HeldRecord, presenceOf } from './held-record.js';
import { closesValue } from './json-tokens.js';
import { characters } from './line-columns.js';
import type { MemberPresence } from './member-presence.js';
import { INCOMPLETE, trimEnd, trimStart, whitespaceLength } from './utf8-whitespace.js';

const NEWLINE = 0x0a;

/**
 * Splits NDJSON bytes at line feeds into trimmed, non-blank records, carrying a partial line across chunks.
 * A line longer than {@link MAX_RECORD_BYTES} is handed on as its first bytes, its length and the members
 * asked for then.
 */
export class NdjsonLines {
  /** The unfinished last line, from its first byte that is not whitespace. */
  private readonly unfinished: HeldRecord;
  /**
   * Before the unfinished line's text: the first bytes of a character the chunk's end cut, which may be white
   * space. Read with the next chunk, so that a line is measured from its text however the chunks fall.
   */
  private leading: Buffer | undefined;
  private line: number;
  /** Characters before the unfinished line's text: white space, or the first line's before it was read. */
  private leadingChars: number;

  constructor(
    firstLine: number,
    firstColumn: number,
    private readonly membersWanted?: MembersWanted,
  ) {
    this.line = firstLine;
    this.leadingChars = firstColumn - 1;
    this.unfinished = new HeldRecord(membersWanted);
  }

  /** Reads `bytes[from, bytes.length)`. */
  push(chunk: Buffer, from: number, out: ByteRecord[]): void {
    let bytes = chunk;
    let start = from;
    if (this.leading !== undefined) {
      // Rare (a chunk's end inside a wider white space before a line's text): the copy costs one chunk.
      bytes = Buffer.concat([this.leading, chunk.subarray(from)]);
      start = 0;
      this.leading = undefined;
    }
    const length = bytes.length;
    let newline = bytes.indexOf(NEWLINE, start);
    if (!this.unfinished.isEmpty) {
      this.hold(bytes, start, newline === -1 ? length : newline);
      if (newline === -1) return;
      this.flushPieces(out);
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    let line = this.line;
    while (newline !== -1) {
      this.pushLine(bytes, start, newline, line++, out);
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    this.line = line;
    if (start < length) this.hold(bytes, start, length);
  }

  /** Reads the last line, which has no line feed after it. */
  end(out: ByteRecord[]): void {
    // A character cut by the file's end is U+FFFD, no white space: the line's text.
    if (this.leading !== undefined) this.unfinished.add(this.leading);
    this.leading = undefined;
    if (!this.unfinished.isEmpty) this.flushPieces(out);
  }

  /**
   * The file broke off here: the last line only when it ends as a value does (`}`, `]`, `"`), which a cut
   * cannot have made of a longer one; it is marked `cut` for the reader to keep only if it is JSON. A line
   * too long to be kept is not: its end is unknown.
   */
  cut(out: ByteRecord[]): void {
    const before = out.length;
    this.end(out);
    const last = out[before];
    if (last === undefined) return;
    out.length = before;
    if (last.tooLong === undefined && closesValue(last.bytes[last.end - 1] as number)) {
      out.push({ ...last, cut: true });
    }
  }

  /** Holds `bytes[start, end)` of the unfinished line (only counted once the line is too long). */
  private hold(bytes: Buffer, start: number, end: number): void {
    // Whitespace before the line's text is not its record: not kept, nor counted.
    const first = this.unfinished.isEmpty ? trimStart(bytes, start, end) : start;
    if (this.unfinished.isEmpty) this.leadingChars += characters(bytes, start, first);
    if (first === end) return;
    if (this.unfinished.isEmpty && whitespaceLength(bytes, first, end) === INCOMPLETE) {
      this.leading = Buffer.from(bytes.subarray(first, end));
      return;
    }
    this.unfinished.add(bytes.subarray(first, end));
  }

  private flushPieces(out: ByteRecord[]): void {
    const { bytes, tooLong: length, members } = this.unfinished.take();
    if (length === undefined) this.pushLine(bytes, 0, bytes.length, this.line++, out);
    else {
      out.push(tooLong(bytes, 0, this.line++, this.leadingChars + 1, length, members));
      this.leadingChars = 0;
    }
  }

  private pushLine(bytes: Buffer, start: number, end: number, line: number, out: ByteRecord[]): void {
    const first = trimStart(bytes, start, end);
    const column = this.leadingChars + characters(bytes, start, first) + 1;
    this.leadingChars = 0;
    if (first === end) return;
    // Measured as a line held across chunks is, to its line feed, so that the chunking never matters.
    if (end - first > MAX_RECORD_BYTES) {
      const members = presenceOf(this.membersWanted, [bytes.subarray(first, end)]);
      out.push(tooLong(bytes, first, line, column, end - first, members));
    } else {
      out.push({ bytes, start: first, end: trimEnd(bytes, first, end), line, column, index: undefined });
    }
  }
}

function tooLong(
  bytes: Buffer,
  start: number,
  line: number,
  column: number,
  length: number,
  members: MemberPresence | undefined,
): ByteRecord {
  const end = Math.min(bytes.length, start + TOO_LONG_PREFIX);
  return { bytes, start, end, line, column, index: undefined, tooLong: length, members };
}
