import { hexBytes, startsWith } from './peek.js';

/** A binary format a file starts like, by its magic bytes: what it is, and the bytes that say so. */
export interface BinaryFormat {
  readonly what: string;
  readonly magic: string;
}

/**
 * Formats an export folder may hold beside JSON (an export tool's other compressions, a columnar export),
 * none of which is read: named in the error of a file none of whose lines is JSON, instead of only that.
 */
const MAGIC_BYTES: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['zstd-compressed', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz-compressed', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2-compressed', [0x42, 0x5a, 0x68]],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['a Parquet file', [0x50, 0x41, 0x52, 0x31]],
];

export function binaryFormatOf(head: Uint8Array): BinaryFormat | undefined {
  for (const [what, magic] of MAGIC_BYTES) {
    if (startsWith(head, magic)) return { what, magic: hexBytes(magic) };
  }
  return undefined;
}
