import {
  type ByteRecord,
  MAX_RECORD_BYTES,
  type MembersWanted,
  type StructuralFailure,
} from './byte-record.js';
import { HeldRecord } from './held-record.js';
import { Byte, closesValue } from './json-tokens.js';
import { countNewlines, LineColumns, LineNumbers } from './line-columns.js';
import { closingQuote, OPEN_ESCAPED } from './string-end.js';
import { INCOMPLETE, isAsciiWhitespace, trimEnd, trimStart, whitespaceLength } from './utf8-whitespace.js';

export const UNTERMINATED_ARRAY = 'unterminated JSON array: the file ends before its closing "]"';
export const EMPTY_ELEMENT = 'JSON array with an empty element (a comma with no value before or after it)';
export const TEXT_AFTER_ARRAY = 'text after the closing "]" of the JSON array';

/**
 * Splits a JSON array, from just after its opening bracket, into its element texts at depth-1 commas, without
 * parsing them: memory stays flat. Elements are trimmed like NDJSON lines. The array's structure breaks, and
 * nothing after the break is a record, at an empty element (`[1,,2]`, `[1,]`) and at text after the closing
 * bracket; an element that is not JSON (a stray `}`, two values without a comma) is the reader's to refuse.
 * An element longer than {@link MAX_RECORD_BYTES} is handed on as its first bytes, its length and the members
 * asked for then; its end is found as any element's is, by its strings and brackets.
 */
export class JsonArrayElements {
  private depth = 1;
  private inString = false;
  private escaped = false;
  private elementOpen = false;
  /** The open element's bytes from earlier chunks. */
  private readonly openElement: HeldRecord;
  private elementLine = 0;
  private elementColumn = 0;
  private readonly lines: LineNumbers;
  private readonly columns: LineColumns;
  private index = 0;
  /** Set once the closing bracket is read: what follows may only be whitespace. */
  private closed = false;
  /** Set where the structure broke: nothing more is read. */
  private failure: StructuralFailure | undefined;
  /** A depth-1 comma was read since the last element: the next must be one. */
  private afterComma = false;
  /**
   * Before an element or after the array: the first bytes of a character the chunk's end cut, which may be
   * white space; read with the next chunk.
   */
  private cutCharacter: Buffer | undefined;

  /** `line` and `column` are those of the first byte pushed, just after the opening bracket. */
  constructor(line: number, column: number, membersWanted?: MembersWanted) {
    this.lines = new LineNumbers(line);
    this.columns = new LineColumns(column);
    this.openElement = new HeldRecord(membersWanted);
  }

  /** Reads `bytes[from, bytes.length)`. */
  push(chunk: Buffer, chunkFrom: number, out: ByteRecord[]): void {
    if (this.failure !== undefined) return;
    let bytes = chunk;
    let from = chunkFrom;
    if (this.cutCharacter !== undefined) {
      // Rare (a chunk's end inside a wider white space between elements): the copy costs one chunk.
      bytes = Buffer.concat([this.cutCharacter, chunk.subarray(chunkFrom)]);
      from = 0;
      this.cutCharacter = undefined;
    }
    this.lines.startChunk(bytes, from);
    if (this.closed) {
      this.readAfterArray(bytes, from);
      return;
    }
    const length = bytes.length;
    this.columns.startChunk(bytes, from);
    let position = this.inString ? this.resumeString(bytes, from) : from;
    let elementStart = this.elementOpen ? from : -1;
    let depth = this.depth;
    for (; position < length; position++) {
      const byte = bytes[position] as number;
      if (elementStart === -1) {
        if (isAsciiWhitespace(byte)) continue;
        // Wider white space is not the element's either: an element is measured from its text (rules.md).
        if (byte >= 0x80) {
          const whitespace = whitespaceLength(bytes, position, length);
          if (whitespace > 0) {
            position += whitespace - 1;
            continue;
          }
          if (whitespace === INCOMPLETE) {
            this.cutCharacter = Buffer.from(bytes.subarray(position));
            break;
          }
        }
        if (byte === Byte.Comma || (byte === Byte.CloseBracket && this.afterComma)) {
          this.fail(bytes, position, this.index + 1, EMPTY_ELEMENT);
          return;
        }
        if (byte === Byte.CloseBracket) {
          this.closeArray(bytes, position);
          return;
        }
        elementStart = position;
        this.elementLine = this.lines.lineAt(bytes, position);
        this.elementColumn = this.columns.columnAt(bytes, position);
      }
      if (byte === Byte.Quote) {
        const quote = closingQuote(bytes, position + 1);
        if (quote < 0) {
          this.inString = true;
          this.escaped = quote === OPEN_ESCAPED;
          break;
        }
        position = quote;
      } else if (byte === Byte.OpenBrace || byte === Byte.OpenBracket) {
        depth++;
      } else if (depth > 1) {
        if (byte === Byte.CloseBrace || byte === Byte.CloseBracket) depth--;
      } else if (byte === Byte.Comma || byte === Byte.CloseBracket) {
        this.finishElement(bytes, elementStart, position, out);
        elementStart = -1;
        this.afterComma = byte === Byte.Comma;
        if (byte === Byte.CloseBracket) {
          this.closeArray(bytes, position);
          return;
        }
      }
      // A stray "}" at depth 1 stays in its element.
    }
    this.depth = depth;
    this.elementOpen = elementStart !== -1;
    if (this.elementOpen) this.openElement.add(bytes.subarray(elementStart, length));
    this.lines.lineAt(bytes, length);
    // A character cut at the chunk's end is counted with the next chunk, which starts with it.
    this.columns.columnAt(bytes, length - (this.cutCharacter?.length ?? 0));
  }

  /**
   * Ends the file: the failure where the structure broke or the array never closed, if any. An element the
   * file ends after, whose value closed (`{...}`, `[...]`, a string), is complete and goes to `out` like any
   * other: truncation cannot have cut a value that ends in its closing character. An element cut short (an
   * open value, or a number or literal that may have gone on) goes to `out` marked `cut`: neither a record
   * nor a rejection, unless it starts with a complete value that text after it breaks.
   */
  end(out: ByteRecord[]): StructuralFailure | undefined {
    // An incomplete character at the very end decodes to U+FFFD, which is not whitespace.
    if (this.closed && this.failure === undefined && this.cutCharacter !== undefined)
      this.failure = { line: this.lines.line, index: undefined, reason: TEXT_AFTER_ARRAY };
    if (this.failure !== undefined || this.closed) return this.failure;
    if (this.cutCharacter !== undefined) {
      // A character cut by the file's end is U+FFFD, no white space: an element's text, cut short.
      this.elementOpen = true;
      this.elementLine = this.lines.line;
      this.openElement.add(this.cutCharacter);
      this.cutCharacter = undefined;
    }
    // Whether an element too long to hold closed is unknown: it is neither a record nor a rejection.
    if (this.elementOpen && this.openElement.isTooLong) {
      return { line: this.elementLine, index: this.index + 1, reason: UNTERMINATED_ARRAY };
    }
    if (this.elementOpen) {
      const element = this.openElement.take().bytes;
      const first = trimStart(element, 0, element.length);
      if (first < element.length) {
        const line = this.elementLine + countNewlines(element, 0, first);
        const last = trimEnd(element, first, element.length);
        if (this.depth === 1 && !this.inString && closesValue(element[last - 1] as number)) {
          out.push({
            bytes: element,
            start: first,
            end: last,
            line,
            column: this.elementColumn,
            index: ++this.index,
          });
          return { line: this.lines.line, index: undefined, reason: UNTERMINATED_ARRAY };
        }
        // Cut short, unless a complete value is followed by text that broke the array (`{…}x`): the reader
        // keeps that value, as it does where more of the file follows.
        const column = this.elementColumn;
        out.push({ bytes: element, start: first, end: last, line, column, index: this.index + 1, cut: true });
        return { line, index: this.index + 1, reason: UNTERMINATED_ARRAY };
      }
    }
    return { line: this.lines.line, index: undefined, reason: UNTERMINATED_ARRAY };
  }

  /** Continues a string left open by the previous chunk; returns where scanning goes on. */
  private resumeString(bytes: Buffer, from: number): number {
    const length = bytes.length;
    let position = from;
    if (this.escaped) {
      if (position === length) return length;
      position++;
      this.escaped = false;
    }
    if (position === length) return length;
    const quote = closingQuote(bytes, position);
    if (quote < 0) {
      this.escaped = quote === OPEN_ESCAPED;
      return length;
    }
    this.inString = false;
    return quote + 1;
  }

  /** Pushes the element `bytes[start, end)`, which starts at its text, with the pieces before it. */
  private finishElement(bytes: Buffer, start: number, end: number, out: ByteRecord[]): void {
    let buffer = bytes;
    let rawStart = start;
    let rawEnd = end;
    // Measured from its first character that is not white space to its comma or bracket, in any chunking.
    if (!this.openElement.isEmpty || end - start > MAX_RECORD_BYTES) {
      const taken = this.openElement.take(bytes.subarray(start, end));
      if (taken.tooLong !== undefined) {
        const prefix = taken.bytes;
        out.push({
          bytes: prefix,
          start: 0,
          end: prefix.length,
          line: this.elementLine,
          column: this.elementColumn,
          index: ++this.index,
          tooLong: taken.tooLong,
          members: taken.members,
        });
        return;
      }
      buffer = taken.bytes;
      rawStart = 0;
      rawEnd = buffer.length;
    }
    const last = trimEnd(buffer, rawStart, rawEnd);
    const column = this.elementColumn;
    out.push({
      bytes: buffer,
      start: rawStart,
      end: last,
      line: this.elementLine,
      column,
      index: ++this.index,
    });
  }

  private closeArray(bytes: Buffer, bracket: number): void {
    this.closed = true;
    this.lines.lineAt(bytes, bracket);
    this.readAfterArray(bytes, bracket + 1);
  }

  /** After the closing bracket only whitespace may follow (the text, trimmed, is the array). */
  private readAfterArray(bytes: Buffer, from: number): void {
    let position = from;
    while (position < bytes.length) {
      const whitespace = whitespaceLength(bytes, position, bytes.length);
      if (whitespace === 0) {
        this.fail(bytes, position, undefined, TEXT_AFTER_ARRAY);
        return;
      }
      if (whitespace === INCOMPLETE) {
        // A character cut at the chunk's end: whitespace or not, the next chunk tells.
        this.cutCharacter = Buffer.from(bytes.subarray(position));
        this.lines.lineAt(bytes, position);
        return;
      }
      position += whitespace;
    }
    this.lines.lineAt(bytes, bytes.length);
  }

  private fail(bytes: Buffer, position: number, index: number | undefined, reason: string): void {
    this.failure = { line: this.lines.lineAt(bytes, position), index, reason };
  }
}
