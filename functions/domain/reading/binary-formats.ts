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

/** Where a tar header says `ustar` (POSIX `ustar\0`, GNU `ustar  \0`), and its fields this checks. */
const TAR_MAGIC_AT = 257;
const TAR_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72];
const TAR_BLOCK_BYTES = 512;
const TAR_NAME_BYTES = 100;
/** mode, uid, gid, size and mtime: octal numbers (or GNU's base-256 for big ones). */
const TAR_NUMBER_FIELDS: ReadonlyArray<readonly [number, number]> = [
  [100, 108],
  [108, 116],
  [116, 124],
  [124, 136],
  [136, 148],
];
const TAR_CHECKSUM_AT = 148;
const TAR_CHECKSUM_END = 156;
const TAR_TYPE_AT = 156;
const TAR_LINK_NAME: readonly [number, number] = [157, 257];

/** Which header a tar archive starts with: POSIX or GNU (`ustar` magic), or pre-POSIX V7 (none). */
export type TarHeader = 'ustar' | 'v7';

/**
 * A tar archive (`tar cf`; `.tar.gz` once gunzipped): its first 512-byte header has a checksum that adds up
 * and either `ustar` at byte 257 or, from a pre-POSIX (V7) tar, the fields of one: a NUL-padded name, octal
 * numbers ended by NULs or spaces, a file type. Unlike the formats above, a tar stores its files' bytes as
 * they are, so its JSON lines would read as events, each file's first glued to the header before it: it is
 * refused whole.
 */
export function tarHeaderOf(head: Uint8Array): TarHeader | undefined {
  if (head.length < TAR_BLOCK_BYTES) return undefined;
  if (startsWith(head.subarray(TAR_MAGIC_AT), TAR_MAGIC)) {
    const next = head[TAR_MAGIC_AT + TAR_MAGIC.length];
    return (next === 0x00 || next === 0x20) && checksumAddsUp(head) ? 'ustar' : undefined;
  }
  return isV7Header(head) && checksumAddsUp(head) ? 'v7' : undefined;
}

/**
 * The fields of a V7 header. Its numbers end with NULs, which JSON text never holds raw, and UTF-16
 * text (NULs between its characters) has no NUL-padded name nor octal numbers: neither reads as one.
 */
function isV7Header(head: Uint8Array): boolean {
  if (head[0] === 0x00 || !isNulPadded(head, 0, TAR_NAME_BYTES)) return false;
  if (!isNulPadded(head, ...TAR_LINK_NAME)) return false;
  if (!head.subarray(TAR_NAME_BYTES, TAR_CHECKSUM_END).includes(0x00)) return false;
  const type = head[TAR_TYPE_AT] as number;
  if (type !== 0x00 && (type < 0x30 || type > 0x37)) return false;
  return TAR_NUMBER_FIELDS.every(([from, to]) => isTarNumber(head.subarray(from, to)));
}

/** A name field: its text, then NULs to its end (none when it fills the field). */
function isNulPadded(head: Uint8Array, from: number, to: number): boolean {
  const end = head.subarray(from, to).indexOf(0x00);
  return end < 0 || head.subarray(from + end, to).every((byte) => byte === 0x00);
}

/** A number field: octal digits padded with spaces or NULs, or GNU's base-256 (its first byte's high bit). */
function isTarNumber(field: Uint8Array): boolean {
  if (((field[0] as number) & 0x80) !== 0) return true;
  return /^ *[0-7]*[ \0]*$/.test(Buffer.from(field).toString('latin1'));
}

/** The checksum sums the header's bytes with its own field read as spaces (old tars summed signed bytes). */
function checksumAddsUp(head: Uint8Array): boolean {
  const field = Buffer.from(head.subarray(TAR_CHECKSUM_AT, TAR_CHECKSUM_END)).toString('latin1');
  const octal = field.replace(/^[ \0]+|[ \0]+$/g, '');
  if (!/^[0-7]+$/.test(octal)) return false;
  let sum = 0;
  let signedSum = 0;
  for (let at = 0; at < TAR_BLOCK_BYTES; at++) {
    const byte = at >= TAR_CHECKSUM_AT && at < TAR_CHECKSUM_END ? 0x20 : (head[at] as number);
    sum += byte;
    signedSum += byte < 0x80 ? byte : byte - 0x100;
  }
  const stated = Number.parseInt(octal, 8);
  return stated === sum || stated === signedSum;
}
