/** The end-of-central-directory record, read from the last bytes of a streamed archive. */

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

/**
 * Finds the end-of-central-directory record in the last bytes of an archive; `entryCount` is undefined
 * when the archive does not say (a zip64 count the tail does not reach).
 */
export function readEndOfCentralDirectory(
  tail: Uint8Array,
  archiveLength: number,
): { entryCount: number | undefined } | undefined {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const tailOffset = archiveLength - tail.length;
  const lowest = Math.max(0, tail.length - END_OF_CENTRAL_DIRECTORY_LENGTH - MAX_COMMENT_LENGTH);
  for (let at = tail.length - END_OF_CENTRAL_DIRECTORY_LENGTH; at >= lowest; at--) {
    if (view.getUint32(at, true) !== 0x06054b50) continue;
    // Writers that pad after the comment exist, so the record need not end the file exactly.
    if (at + END_OF_CENTRAL_DIRECTORY_LENGTH + view.getUint16(at + 20, true) > tail.length) continue;
    const entryCount = view.getUint16(at + 10, true);
    if (entryCount !== 0xffff) return { entryCount };
    return { entryCount: readZip64EntryCount(view, at - ZIP64_LOCATOR_LENGTH, tailOffset) };
  }
  return undefined;
}

function readZip64EntryCount(view: DataView, locator: number, tailOffset: number): number | undefined {
  if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) return undefined;
  const record = Number(view.getBigUint64(locator + 8, true)) - tailOffset;
  if (record < 0 || record + ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH > locator) return undefined;
  if (view.getUint32(record, true) !== 0x06064b50) return undefined;
  return Number(view.getBigUint64(record + 32, true));
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
