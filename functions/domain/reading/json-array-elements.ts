import type { ByteRecord, StructuralFailure } from './byte-record.js';
import { NdjsonLines } from './ndjson-lines.js';
import { isAsciiWhitespace, trimEnd, trimStart } from './utf8-whitespace.js';

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** {@link closingQuote} found no quote before the end of the chunk. */
const OPEN = -1;
/** ... and the chunk ends with an escaping backslash, so the next chunk's first byte is escaped. */
const OPEN_ESCAPED = -2;

/**
 * Position of the quote that ends a string body resumed at `from` (a byte that is not escaped), or
 * {@link OPEN}/{@link OPEN_ESCAPED}. Jumps from quote to quote; a quote is escaped when an odd run of
 * backslashes precedes it.
 */
function closingQuote(bytes: Buffer, from: number): number {
  let search = from;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, search);
    let backslashes = 0;
    for (let at = (quote === -1 ? bytes.length : quote) - 1; at >= search && bytes[at] === BACKSLASH; at--) {
      backslashes++;
    }
    const escaped = (backslashes & 1) === 1;
    if (quote === -1) return escaped ? OPEN_ESCAPED : OPEN;
    if (!escaped) return quote;
    search = quote + 1;
  }
}

export const UNTERMINATED_ARRAY = 'unterminated JSON array: the file ends before its closing "]"';

/**
 * Splits a JSON array, from just after its opening bracket, into its element texts at depth-1 commas, without
 * parsing them: memory stays flat, and a broken element is rejected alone while the ones after it are read.
 * Elements are trimmed like NDJSON lines; blank ones (`[1,,2]`) are skipped without a number. A stray `}` at
 * depth 1 stays in its element, which then fails to parse. Text after the closing bracket is read as NDJSON.
 */
export class JsonArrayElements {
  private depth = 1;
  private inString = false;
  private escaped = false;
  private elementOpen = false;
  /** The open element's bytes from earlier chunks, joined once when it ends. */
  private readonly pieces: Buffer[] = [];
  private elementLine = 0;
  private index = 0;
  /** Lines are counted only up to where they are needed; the next line feed is cached so searches never repeat. */
  private line: number;
  private nextNewline = -1;
  private trailing: NdjsonLines | undefined;

  constructor(line: number) {
    this.line = line;
  }

  /** Reads `bytes[from, bytes.length)`. */
  push(bytes: Buffer, from: number, out: ByteRecord[]): void {
    if (this.trailing !== undefined) {
      this.trailing.push(bytes, from, out);
      return;
    }
    const length = bytes.length;
    this.nextNewline = bytes.indexOf(NEWLINE, from);
    let position = this.inString ? this.resumeString(bytes, from) : from;
    let elementStart = this.elementOpen ? from : -1;
    let depth = this.depth;
    for (; position < length; position++) {
      const byte = bytes[position] as number;
      if (elementStart === -1) {
        if (byte === COMMA || isAsciiWhitespace(byte)) continue;
        if (byte === CLOSE_BRACKET) {
          this.closeArray(bytes, position, out);
          return;
        }
        elementStart = position;
        this.elementLine = this.lineAt(bytes, position);
      }
      if (byte === QUOTE) {
        const quote = closingQuote(bytes, position + 1);
        if (quote < 0) {
          this.inString = true;
          this.escaped = quote === OPEN_ESCAPED;
          break;
        }
        position = quote;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        depth++;
      } else if (depth > 1) {
        if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
      } else if (byte === COMMA) {
        this.finishElement(bytes, elementStart, position, out);
        elementStart = -1;
      } else if (byte === CLOSE_BRACKET) {
        this.finishElement(bytes, elementStart, position, out);
        this.closeArray(bytes, position, out);
        return;
      }
      // A stray "}" at depth 1 stays in its element.
    }
    this.depth = depth;
    this.elementOpen = elementStart !== -1;
    if (this.elementOpen) this.pieces.push(bytes.subarray(elementStart, length));
    this.lineAt(bytes, length);
  }

  /** Ends the file: a failure when the array never closed, else the last NDJSON line after it. */
  end(out: ByteRecord[]): StructuralFailure | undefined {
    if (this.trailing !== undefined) {
      this.trailing.end(out);
      return undefined;
    }
    if (this.elementOpen) {
      const element = Buffer.concat(this.pieces);
      this.pieces.length = 0;
      const first = trimStart(element, 0, element.length);
      if (first < element.length) {
        const line = this.elementLine + countNewlines(element, 0, first);
        return { line, index: this.index + 1, reason: UNTERMINATED_ARRAY };
      }
    }
    return { line: this.line, index: undefined, reason: UNTERMINATED_ARRAY };
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

  private finishElement(bytes: Buffer, start: number, end: number, out: ByteRecord[]): void {
    let buffer = bytes;
    let rawStart = start;
    let rawEnd = end;
    if (this.pieces.length > 0) {
      this.pieces.push(bytes.subarray(start, end));
      buffer = Buffer.concat(this.pieces);
      this.pieces.length = 0;
      rawStart = 0;
      rawEnd = buffer.length;
    }
    const first = trimStart(buffer, rawStart, rawEnd);
    if (first === rawEnd) return;
    // The element started at its first byte that is not ASCII whitespace; wider whitespace may precede the text.
    const line =
      first === rawStart ? this.elementLine : this.elementLine + countNewlines(buffer, rawStart, first);
    out.push({ bytes: buffer, start: first, end: trimEnd(buffer, first, rawEnd), line, index: ++this.index });
  }

  private closeArray(bytes: Buffer, bracket: number, out: ByteRecord[]): void {
    this.trailing = new NdjsonLines(this.lineAt(bytes, bracket));
    this.trailing.push(bytes, bracket + 1, out);
  }

  private lineAt(bytes: Buffer, position: number): number {
    let next = this.nextNewline;
    while (next !== -1 && next < position) {
      this.line++;
      next = bytes.indexOf(NEWLINE, next + 1);
    }
    this.nextNewline = next;
    return this.line;
  }
}

function countNewlines(bytes: Buffer, start: number, end: number): number {
  let count = 0;
  for (let at = start; at < end; at++) if (bytes[at] === NEWLINE) count++;
  return count;
}
