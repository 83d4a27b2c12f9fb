import fc from 'fast-check';

/** Decodes as the project's reference does: invalid UTF-8 becomes U+FFFD; a BOM is kept as a character. */
const keepBom = new TextDecoder('utf-8', { ignoreBOM: true });
export const decode = (bytes: Uint8Array): string => keepBom.decode(bytes);

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Every character `String.prototype.trim` removes. */
export const TRIM_WHITESPACE = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\u00a0',
  '\u1680',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];

/** Characters that look like whitespace, or sit next to a whitespace encoding, but are not trimmed. */
export const NOT_WHITESPACE = [
  '\u0000',
  '\u001c',
  '\u001f',
  '\u0085',
  '\u180e',
  '\u200b',
  '\u2027',
  '\u202a',
  '\u205e',
  '\u2060',
  '\u3001',
  '\ufffd',
  '\ufefe',
  '\uff00',
  'x',
  'é',
  '😀',
].filter((character) => !TRIM_WHITESPACE.includes(character));

/**
 * Byte sequences that are not valid UTF-8, many of them prefixes or look-alikes of whitespace encodings
 * (truncated, overlong, a surrogate, stray continuation bytes).
 */
export const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xa0],
  [0xbf],
  [0xc2],
  [0xc0, 0xa0],
  [0xc1, 0xbf],
  [0xe1],
  [0xe1, 0x9a],
  [0xe2],
  [0xe2, 0x80],
  [0xe2, 0x81],
  [0xe3, 0x80],
  [0xef, 0xbb],
  [0xe0, 0x80, 0xa0],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x90, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

const whitespace = fc.constantFrom(...TRIM_WHITESPACE).map(utf8);
const notWhitespace = fc.constantFrom(...NOT_WHITESPACE).map(utf8);
const invalid = fc.constantFrom(...INVALID_UTF8).map((bytes) => Buffer.from(bytes));

/** Short byte runs made of whitespace, its look-alikes and invalid UTF-8, in any mix. */
export const trickyBytes = (maxPieces = 8): fc.Arbitrary<Buffer> =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: whitespace }, notWhitespace, invalid), { maxLength: maxPieces })
    .map((pieces) => Buffer.concat(pieces));

/** Whitespace only, of every kind trim removes. */
export const padding = (maxPieces = 4): fc.Arbitrary<Buffer> =>
  fc.array(whitespace, { maxLength: maxPieces }).map((pieces) => Buffer.concat(pieces));

/** Sorted cut offsets inside `length` bytes: anywhere, including inside a multi-byte character. */
export const cutOffsets = (maxCuts = 12): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.integer({ min: 1, max: 4000 }), { maxLength: maxCuts });

/** The bytes cut at the given offsets (those inside the bytes), as a stream would hand them out. */
export function cutAt(bytes: Uint8Array, offsets: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    if (offset <= start || offset >= bytes.length) continue;
    chunks.push(Buffer.from(bytes.subarray(start, offset)));
    start = offset;
  }
  chunks.push(Buffer.from(bytes.subarray(start)));
  return chunks;
}
