import { StringDecoder } from 'node:string_decoder';

/** One candidate event of an export file, before JSON parsing: its text and where it starts. */
export interface ExportItem {
  /** 1-based line where the item starts. */
  readonly line: number;
  /** 1-based element index for JSON arrays; absent for NDJSON. */
  readonly index?: number;
  readonly text: string;
  /** Set when the file's structure, not the item, is broken here (e.g. an unterminated array). */
  readonly structuralError?: string;
}

export type ExportContainer = 'ndjson' | 'json-array';

export interface ExportShape {
  container: ExportContainer | undefined;
}

/** A file whose text cannot be read as an export. */
export class ExportFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportFileError';
  }
}

const NEWLINE = 10;

/** Splits NDJSON text into lines, carrying partial lines across chunks. */
class NdjsonSplitter {
  private pending = '';
  private line: number;

  constructor(firstLine = 1) {
    this.line = firstLine;
  }

  push(text: string, out: ExportItem[]): void {
    const buffer = this.pending + text;
    let start = 0;
    for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n', start)) {
      this.emit(buffer.slice(start, end), out);
      start = end + 1;
    }
    this.pending = buffer.slice(start);
  }

  end(out: ExportItem[]): void {
    this.emit(this.pending, out);
    this.pending = '';
  }

  private emit(rawLine: string, out: ExportItem[]): void {
    const line = this.line++;
    const text = rawLine.trim();
    if (text !== '') out.push({ line, text });
  }
}

const BYTE_ORDER_MARK = 0xfeff;

function indexOrEnd(text: string, search: string, from: number): number {
  const index = text.indexOf(search, from);
  return index === -1 ? text.length : index;
}

const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * Splits a JSON array into its element texts without parsing the whole array, so memory stays flat and a
 * broken element is reported alone while the ones after it are still read.
 */
class JsonArraySplitter {
  private buffer = '';
  private scanFrom = 0;
  private elementStart = -1;
  private elementLine = 0;
  private line = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private index = 0;
  private closed = false;
  /** After the closing bracket, any further lines are read as NDJSON rather than dropped. */
  private trailing: NdjsonSplitter | undefined;

  push(text: string, out: ExportItem[]): void {
    if (this.trailing) {
      this.trailing.push(text, out);
      return;
    }
    this.buffer += text;
    this.scan(out);
    // Drop everything already emitted so the buffer holds at most one element.
    const keepFrom = this.elementStart === -1 ? this.scanFrom : this.elementStart;
    if (keepFrom > 0) {
      this.buffer = this.buffer.slice(keepFrom);
      this.scanFrom -= keepFrom;
      if (this.elementStart !== -1) this.elementStart -= keepFrom;
    }
  }

  end(out: ExportItem[]): void {
    if (this.trailing) {
      this.trailing.end(out);
      return;
    }
    if (this.closed) return;
    const rest = this.elementStart === -1 ? '' : this.buffer.slice(this.elementStart).trim();
    const at = this.elementStart === -1 ? this.line : this.elementLine;
    out.push({
      line: at,
      ...(rest !== '' && { index: ++this.index }),
      text: rest,
      structuralError: 'unterminated JSON array: the file ends before its closing "]"',
    });
    this.closed = true;
  }

  // A plain charCodeAt loop: several times faster than regex hops over short JSON tokens.
  private scan(out: ExportItem[]): void {
    const buffer = this.buffer;
    const length = buffer.length;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let line = this.line;
    let position = this.scanFrom;
    // Inside strings, jump from quote to quote with indexOf; the next backslash and newline are cached so
    // each search covers new ground only.
    let nextBackslash = -1;
    let nextNewline = -1;
    for (; position < length; position++) {
      if (inString) {
        if (escaped) {
          escaped = false;
          continue;
        }
        if (nextBackslash < position) nextBackslash = indexOrEnd(buffer, '\\', position);
        const quote = indexOrEnd(buffer, '"', position);
        const stop = Math.min(quote, nextBackslash);
        // Raw newlines are invalid in JSON strings, but counting them keeps later line numbers right.
        for (;;) {
          if (nextNewline < position) nextNewline = indexOrEnd(buffer, '\n', position);
          if (nextNewline >= stop) break;
          line++;
          position = nextNewline + 1;
        }
        if (stop === length) {
          position = length - 1;
        } else {
          position = stop;
          if (stop === nextBackslash) escaped = true;
          else inString = false;
        }
        continue;
      }
      const code = buffer.charCodeAt(position);
      if (code === NEWLINE) {
        line++;
        continue;
      }
      if (code <= SPACE) continue;
      if (depth === 1 && this.elementStart === -1 && code !== COMMA && code !== CLOSE_BRACKET) {
        this.elementStart = position;
        this.elementLine = line;
      }
      if (code === QUOTE) inString = true;
      else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if (code === COMMA) {
        if (depth === 1) this.finishElement(position, out);
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        if (depth > 1) depth--;
        else if (code === CLOSE_BRACKET) {
          this.line = line;
          this.finishElement(position, out);
          this.closeArray(buffer, position + 1, out);
          return;
        }
        // A stray "}" at the top level stays in its element, which then fails to parse and is rejected alone.
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.line = line;
    this.scanFrom = position;
  }

  private closeArray(buffer: string, after: number, out: ExportItem[]): void {
    this.depth = 0;
    this.closed = true;
    this.scanFrom = buffer.length;
    const trailing = new NdjsonSplitter(this.line);
    this.trailing = trailing;
    trailing.push(buffer.slice(after), out);
  }

  private finishElement(end: number, out: ExportItem[]): void {
    if (this.elementStart === -1) return;
    out.push({
      line: this.elementLine,
      index: ++this.index,
      text: this.buffer.slice(this.elementStart, end).trim(),
    });
    this.elementStart = -1;
  }
}

/**
 * Streams the candidate events of a file's decompressed text: a JSON array or NDJSON, with or without a
 * UTF-8 BOM. Yields one batch per decoded chunk.
 */
export async function* readExportItems(
  source: AsyncIterable<Uint8Array>,
  shape: ExportShape = { container: undefined },
): AsyncGenerator<ExportItem[]> {
  // StringDecoder joins code points split across chunks, several times faster than TextDecoder here.
  const decoder = new StringDecoder('utf8');
  let splitter: NdjsonSplitter | JsonArraySplitter | undefined;
  let leading = '';
  let first = true;
  for await (const bytes of source) {
    let text = decoder.write(bytes as Buffer);
    if (first && text !== '') {
      first = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    const out: ExportItem[] = [];
    if (splitter === undefined) {
      leading += text;
      const firstVisible = leading.search(/\S/);
      if (firstVisible === -1) continue;
      splitter = leading[firstVisible] === '[' ? new JsonArraySplitter() : new NdjsonSplitter();
      shape.container = splitter instanceof JsonArraySplitter ? 'json-array' : 'ndjson';
      splitter.push(leading, out);
      leading = '';
    } else {
      splitter.push(text, out);
    }
    if (out.length > 0) yield out;
  }
  const out: ExportItem[] = [];
  const tail = decoder.end();
  if (splitter === undefined && (leading + tail).trim() === '') return;
  splitter ??= new NdjsonSplitter();
  if (tail !== '') splitter.push(tail, out);
  splitter.end(out);
  if (out.length > 0) yield out;
}
