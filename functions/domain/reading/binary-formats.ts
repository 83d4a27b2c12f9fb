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

/** Where a tar header says `ustar` (POSIX `ustar\0`, GNU `ustar  \0`), and its checksum field. */
const TAR_MAGIC_AT = 257;
const TAR_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72];
const TAR_CHECKSUM_AT = 148;
const TAR_CHECKSUM_END = 156;
const TAR_BLOCK_BYTES = 512;

/**
 * A tar archive (`tar cf`; `.tar.gz` once gunzipped): its first 512-byte header has `ustar` at byte 257 and
 * a checksum that adds up. Unlike the formats above, a tar stores its files' bytes as they are, so its JSON
 * lines would read as events, each file's first glued to the header before it: it is refused whole.
 */
export function isTarArchive(head: Uint8Array): boolean {
  if (head.length < TAR_BLOCK_BYTES || !startsWith(head.subarray(TAR_MAGIC_AT), TAR_MAGIC)) return false;
  const next = head[TAR_MAGIC_AT + TAR_MAGIC.length];
  if (next !== 0x00 && next !== 0x20) return false;
  // The checksum sums the header's bytes with its own field read as spaces: text with `ustar` there is no tar.
  const field = Buffer.from(head.subarray(TAR_CHECKSUM_AT, TAR_CHECKSUM_END)).toString('latin1');
  const octal = field.replace(/^[ \0]+|[ \0]+$/g, '');
  if (!/^[0-7]+$/.test(octal)) return false;
  let sum = 0;
  for (let at = 0; at < TAR_BLOCK_BYTES; at++) {
    sum += at >= TAR_CHECKSUM_AT && at < TAR_CHECKSUM_END ? 0x20 : (head[at] as number);
  }
  return Number.parseInt(octal, 8) === sum;
}
