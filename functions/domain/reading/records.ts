import type { ByteRecord, MembersWanted, StructuralFailure } from './byte-record.js';
import { JsonArrayElements } from './json-array-elements.js';
import { NdjsonLines } from './ndjson-lines.js';
import { INCOMPLETE, whitespaceLength } from './utf8-whitespace.js';

export type { ByteRecord, StructuralFailure } from './byte-record.js';

export type RecordContainer = 'ndjson' | 'json-array';

export interface RecordBatch {
  readonly container: RecordContainer;
  readonly records: readonly ByteRecord[];
  /** Set on the last batch when the file's structure broke (an unterminated JSON array). */
  readonly failure: StructuralFailure | undefined;
}

const NEWLINE = 0x0a;
const OPEN_BRACKET = 0x5b;

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Splits decompressed export bytes, pushed in chunks of any size, into records. The container is decided by
 * the file's first character that is not whitespace (a UTF-8 BOM is whitespace): `[` makes a JSON array,
 * anything else NDJSON. Buffers at most one record and one chunk.
 */
export class RecordSplitter {
  private reader: NdjsonLines | JsonArrayElements | undefined;
  private kind: RecordContainer | undefined;
  /** Before the container is known: a chunk's last bytes that may begin a multi-byte whitespace character. */
  private carry: Buffer | undefined;
  private line = 1;
  /** The 1-based column of the next character read before the container is known. */
  private column = 1;

  constructor(private readonly membersWanted?: MembersWanted) {}

  /** Undefined until the file shows a character other than whitespace. */
  get container(): RecordContainer | undefined {
    return this.kind;
  }

  push(chunk: Uint8Array, out: ByteRecord[]): void {
    const bytes = asBuffer(chunk);
    if (this.reader !== undefined) {
      this.reader.push(bytes, 0, out);
      return;
    }
    this.detect(this.carry === undefined ? bytes : Buffer.concat([this.carry, bytes]), out);
  }

  /** Ends the file; returns the structural failure, if any, after pushing the last records. */
  finish(out: ByteRecord[]): StructuralFailure | undefined {
    if (this.reader === undefined) {
      // A file of whitespace is empty; an unfinished multi-byte character is not whitespace but U+FFFD.
      if (this.carry === undefined) return undefined;
      this.startReading(this.carry, 0, out);
      this.carry = undefined;
    }
    if (this.reader instanceof JsonArrayElements) return this.reader.end(out);
    // NDJSON has no structure to break.
    this.reader?.end(out);
    return undefined;
  }

  /**
   * The bytes broke off (truncated or corrupt compressed data): the last record when its value closed, as
   * at a file's end, an NDJSON line marked `cut`. The break itself is the caller's error, not a structural one.
   */
  cut(out: ByteRecord[]): void {
    if (this.reader instanceof JsonArrayElements) this.reader.end(out);
    else this.reader?.cut(out);
  }

  private detect(bytes: Buffer, out: ByteRecord[]): void {
    this.carry = undefined;
    const length = bytes.length;
    let position = 0;
    while (position < length) {
      if (bytes[position] === NEWLINE) this.line++;
      const whitespace = whitespaceLength(bytes, position, length);
      if (whitespace > 0) this.column = bytes[position] === NEWLINE ? 1 : this.column + 1;
      if (whitespace === 0) {
        this.startReading(bytes, position, out);
        return;
      }
      if (whitespace === INCOMPLETE) {
        this.carry = Buffer.from(bytes.subarray(position));
        return;
      }
      position += whitespace;
    }
  }

  private startReading(bytes: Buffer, first: number, out: ByteRecord[]): void {
    if (bytes[first] === OPEN_BRACKET) {
      this.kind = 'json-array';
      this.reader = new JsonArrayElements(this.line, this.column + 1, this.membersWanted);
      this.reader.push(bytes, first + 1, out);
    } else {
      this.kind = 'ndjson';
      this.reader = new NdjsonLines(this.line, this.column, this.membersWanted);
      this.reader.push(bytes, first, out);
    }
  }
}

/**
 * Streams the records of one decompressed export file, one batch per chunk that completes a record. A JSON
 * array that never closes ends with a batch carrying the failure; the complete elements before it are
 * yielded (the last one too when its value closed), an unfinished one is neither a record nor a rejection.
 * A blank file yields nothing; a file with no records but a container (`[]`) yields one empty batch. When
 * the source fails, its last record goes out first if its value closed (an NDJSON line marked `cut`). A record
 * too long to hold carries the members `membersWanted` asks for as it passes the limit.
 */
export async function* readRecords(
  source: AsyncIterable<Uint8Array>,
  membersWanted?: MembersWanted,
): AsyncGenerator<RecordBatch> {
  const splitter = new RecordSplitter(membersWanted);
  let yielded = false;
  try {
    for await (const chunk of source) {
      const records: ByteRecord[] = [];
      splitter.push(chunk, records);
      if (records.length > 0) {
        yielded = true;
        yield batch(splitter, records, undefined);
      }
    }
  } catch (error) {
    const records: ByteRecord[] = [];
    splitter.cut(records);
    if (records.length > 0) yield batch(splitter, records, undefined);
    throw error;
  }
  const records: ByteRecord[] = [];
  const failure = splitter.finish(records);
  // An empty array (`[]`) still says which container the file is.
  const containerUntold = !yielded && splitter.container !== undefined;
  if (records.length > 0 || failure !== undefined || containerUntold) yield batch(splitter, records, failure);
}

function batch(
  splitter: RecordSplitter,
  records: ByteRecord[],
  failure: StructuralFailure | undefined,
): RecordBatch {
  // Records or a failure exist only once the container is known.
  return { container: splitter.container as RecordContainer, records, failure };
}
