import type { CompiledPaths } from './json-paths.js';
import type { MemberPresence } from './member-presence.js';

/**
 * The longest record read, in bytes from its first character that is not whitespace to its end (the line
 * feed, or the comma or bracket after an array element). A record is held whole while it is split, made a
 * string and parsed (a content id parses it into objects, tens of bytes each of its bytes); a longer one is
 * skipped as its bytes stream past, so that one line, say a gzip bomb without a line feed, cannot exhaust
 * the ingest's memory. Far above any real event (Segment caps an event at 32 KB).
 */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;
/** Of a record past {@link MAX_RECORD_BYTES}, the first bytes kept to quote it. */
export const TOO_LONG_PREFIX = 1024;

/**
 * Asked when a record grows past {@link MAX_RECORD_BYTES}: the member paths to find in it as its bytes stream
 * past (the reader may still need its keys), or undefined for none.
 */
export type MembersWanted = () => CompiledPaths | undefined;

/**
 * One candidate event of an export file: the trimmed bytes `bytes[start, end)`, never empty. `bytes` is an
 * input chunk shared with the other records of its batch, or a copy when the record spans chunks; holding a
 * record keeps that buffer alive, so decode what must outlive the batch.
 */
export interface ByteRecord {
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
  /** 1-based line where the record starts. */
  readonly line: number;
  /** 1-based column (in characters) of the record's first character on its line; 1 when not told. */
  readonly column?: number;
  /** 1-based element number in a JSON array; undefined for NDJSON lines (also those after an array). */
  readonly index: number | undefined;
  /**
   * The last line of a file that broke off (truncated or corrupt compressed data) without its line feed: it
   * counts only if it is JSON, else it may be a record cut short, which is neither an event nor a rejection.
   * The last element of an array the file ends inside whose value did not close: it counts only as far as
   * a complete value that text after it breaks.
   */
  readonly cut?: true;
  /**
   * Set on a record longer than {@link MAX_RECORD_BYTES}: its length. Its bytes were not kept: `bytes[start,
   * end)` holds only its first {@link TOO_LONG_PREFIX} at most.
   */
  readonly tooLong?: number;
  /** Of a record too long, when {@link MembersWanted} asked for some: the members its bytes showed. */
  readonly members?: MemberPresence;
}

/** Where reading stopped because the file's structure broke; the records before it stand. */
export interface StructuralFailure {
  /** 1-based line of the unfinished element, or the file's last line when no element had started. */
  readonly line: number;
  /** The unfinished element's number, when one had started. */
  readonly index: number | undefined;
  readonly reason: string;
}
