// One record of a ZIP archive's central directory: read from the archive's tail, or as it streams past.
import { CENTRAL_FILE_HEADER } from './zip-signatures.js';
import { readZip64Place } from './zip64-extra.js';

/** A member as the central directory lists it: its name's bytes, the CRC-32 of its content and its sizes. */
export interface DirectoryEntry {
  readonly name: Uint8Array;
  readonly crc: number;
  readonly compressedSize: number;
  readonly originalSize: number;
  /** Where the member's local header starts in the archive: to read a member the stream did not come to. */
  readonly headerOffset: number;
}

export const CENTRAL_FILE_HEADER_LENGTH = 46;

/** Where a record starting at `at` ends: before its comment (what is read of it), and in all. */
export interface RecordExtent {
  readonly read: number;
  readonly whole: number;
}

/** The extent of the record at `at`; undefined when no record starts there or its fixed part is cut off. */
export function centralRecordExtent(view: DataView, at: number): RecordExtent | undefined {
  if (at + CENTRAL_FILE_HEADER_LENGTH > view.byteLength || view.getUint32(at, true) !== CENTRAL_FILE_HEADER)
    return undefined;
  const read =
    at + CENTRAL_FILE_HEADER_LENGTH + view.getUint16(at + 28, true) + view.getUint16(at + 30, true);
  return { read, whole: read + view.getUint16(at + 32, true) };
}

/**
 * The entry of the record at `at`, whose extent was read. Its name is a view of the bytes, or a copy when they
 * do not stay (a stream's chunk).
 */
export function readCentralRecord(view: DataView, at: number, copyName: boolean): DirectoryEntry {
  const nameLength = view.getUint16(at + 28, true);
  const extraStart = at + CENTRAL_FILE_HEADER_LENGTH + nameLength;
  const extraEnd = extraStart + view.getUint16(at + 30, true);
  const name = new Uint8Array(view.buffer, view.byteOffset + at + CENTRAL_FILE_HEADER_LENGTH, nameLength);
  const declared = {
    compressedSize: view.getUint32(at + 20, true),
    originalSize: view.getUint32(at + 24, true),
    headerOffset: view.getUint32(at + 42, true),
  };
  return {
    name: copyName ? name.slice() : name,
    crc: view.getUint32(at + 16, true),
    ...readZip64Place(view, extraStart, extraEnd, declared),
  };
}
