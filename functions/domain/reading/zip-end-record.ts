/** The end-of-central-directory record, read from the last bytes of a streamed archive. */
import { centralRecordExtent, type DirectoryEntry, readCentralRecord } from './zip-central-record.js';
import {
  END_OF_CENTRAL_DIRECTORY,
  viewOf,
  ZIP64_END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR,
} from './zip-signatures.js';

const END_OF_CENTRAL_DIRECTORY_LENGTH = 22;
const MAX_COMMENT_LENGTH = 0xffff;
const ZIP64_LOCATOR_LENGTH = 20;
const ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH = 56;
/** The record, its longest comment and the zip64 record and locator before it. */
export const END_OF_CENTRAL_DIRECTORY_SEARCH_BYTES =
  END_OF_CENTRAL_DIRECTORY_LENGTH +
  MAX_COMMENT_LENGTH +
  ZIP64_LOCATOR_LENGTH +
  ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH;

export interface EndOfCentralDirectory {
  /** Undefined when the archive does not say (a zip64 count the tail does not reach). */
  readonly entryCount: number | undefined;
  /** The central directory's entries, when all of it lies in the tail (a zip64 archive's too). */
  readonly entries: readonly DirectoryEntry[] | undefined;
  /**
   * Bytes after the record and its comment other than zero padding (another archive, text): 0 when there
   * are none; undefined when some follow but how many is unknown (the archive's own record is not in the tail).
   */
  readonly appendedBytes: number | undefined;
  /** Where the directory starts in the archive and how long it is, when the records say. */
  readonly span: DirectorySpan | undefined;
}

export interface DirectorySpan {
  readonly offset: number;
  readonly size: number;
}

const UINT32_MAX = 0xffffffff;

/**
 * Finds the end-of-central-directory record in the last bytes of an archive, with what it says. The archive
 * starts with a local header, so its own record is the one whose directory ends where the record starts:
 * the last record of a stream need not be it (a second archive appended to the first ends in its own).
 */
export function readEndOfCentralDirectory(
  tail: Uint8Array,
  archiveLength: number,
): EndOfCentralDirectory | undefined {
  const view = viewOf(tail);
  const tailOffset = archiveLength - tail.length;
  const lowest = Math.max(0, tail.length - END_OF_CENTRAL_DIRECTORY_LENGTH - MAX_COMMENT_LENGTH);
  let foreignRecord = false;
  for (let at = tail.length - END_OF_CENTRAL_DIRECTORY_LENGTH; at >= lowest; at--) {
    if (view.getUint32(at, true) !== END_OF_CENTRAL_DIRECTORY) continue;
    const end = at + END_OF_CENTRAL_DIRECTORY_LENGTH + view.getUint16(at + 20, true);
    if (end > tail.length) continue;
    const zip64 = hasZip64Locator(view, at);
    const size = view.getUint32(at + 12, true);
    const offset = view.getUint32(at + 16, true);
    if (!zip64 && offset !== UINT32_MAX && offset + size !== tailOffset + at) {
      foreignRecord = true;
      continue;
    }
    // Writers that pad after the comment exist, so the record need not end the file exactly.
    const appendedBytes = tail.subarray(end).some((byte) => byte !== 0) ? tail.length - end : 0;
    // A zip64 archive's own record says what does not fit the end record's fields.
    const record = zip64 ? readZip64Record(view, at - ZIP64_LOCATOR_LENGTH, tailOffset) : undefined;
    const listedCount = view.getUint16(at + 10, true);
    const entryCount = record?.entryCount ?? (listedCount === 0xffff ? undefined : listedCount);
    const span = record ?? (offset === UINT32_MAX || size === UINT32_MAX ? undefined : { offset, size });
    const start = span === undefined ? -1 : span.offset - tailOffset;
    return {
      entryCount,
      entries:
        span === undefined || entryCount === undefined
          ? undefined
          : readDirectory(view, start, start + span.size, at, entryCount),
      appendedBytes,
      span: span && { offset: span.offset, size: span.size },
    };
  }
  return foreignRecord
    ? { entryCount: undefined, entries: undefined, appendedBytes: undefined, span: undefined }
    : undefined;
}

function hasZip64Locator(view: DataView, record: number): boolean {
  const locator = record - ZIP64_LOCATOR_LENGTH;
  return locator >= 0 && view.getUint32(locator, true) === ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR;
}

/** The entries of a central directory at `[start, end)` of the tail; undefined when it does not read. */
function readDirectory(
  view: DataView,
  start: number,
  end: number,
  endRecord: number,
  count: number,
): DirectoryEntry[] | undefined {
  if (start < 0 || end > endRecord) return undefined;
  const entries: DirectoryEntry[] = [];
  let at = start;
  while (entries.length < count) {
    const extent = centralRecordExtent(view, at);
    if (extent === undefined || extent.whole > end) return undefined;
    entries.push(readCentralRecord(view, at, false));
    at = extent.whole;
  }
  return entries;
}

/** What the zip64 end record says: the member count, and where the directory is. */
function readZip64Record(
  view: DataView,
  locator: number,
  tailOffset: number,
): { entryCount: number; offset: number; size: number } | undefined {
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR)
    return undefined;
  const record = Number(view.getBigUint64(locator + 8, true)) - tailOffset;
  if (record < 0 || record + ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH > locator) return undefined;
  if (view.getUint32(record, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) return undefined;
  return {
    entryCount: Number(view.getBigUint64(record + 32, true)),
    size: Number(view.getBigUint64(record + 40, true)),
    offset: Number(view.getBigUint64(record + 48, true)),
  };
}

/** The last `capacity` bytes of a stream, copied into a ring so that a long run of tiny chunks stays cheap. */
export class TailWindow {
  private readonly ring: Uint8Array;
  private end = 0;
  private filled = 0;

  constructor(capacity: number) {
    this.ring = new Uint8Array(capacity);
  }

  push(chunk: Uint8Array): void {
    const capacity = this.ring.length;
    const part = chunk.length > capacity ? chunk.subarray(chunk.length - capacity) : chunk;
    const untilWrap = Math.min(part.length, capacity - this.end);
    this.ring.set(part.subarray(0, untilWrap), this.end);
    this.ring.set(part.subarray(untilWrap), 0);
    this.end = (this.end + part.length) % capacity;
    this.filled = Math.min(capacity, this.filled + part.length);
  }

  bytes(): Uint8Array {
    if (this.filled < this.ring.length) return this.ring.subarray(0, this.filled);
    const ordered = new Uint8Array(this.ring.length);
    ordered.set(this.ring.subarray(this.end));
    ordered.set(this.ring.subarray(0, this.end), this.ring.length - this.end);
    return ordered;
  }
}
