/**
 * Bytes read four at a time, to skip long runs of string content. A buffer's words are an Int32Array over its
 * memory from the 4-byte boundary at or before its start; byte `position` of the buffer is byte
 * `wordBase(bytes) + position` of the view. The tests on a word are exact whatever the byte order: the classic
 * "has a zero byte" and "has a byte less than n" tricks may mislabel which byte matched, never whether one did.
 */

/**
 * Each byte's high bit: 0x80808080 as a 32-bit integer, so that word arithmetic stays in integers. An enum
 * member, so that the bundler writes it as its number (json-tokens.ts says why).
 */
export enum WordBits {
  High = 0x80808080 | 0,
}

let cachedBytes: Uint8Array | undefined;
let cachedWords: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** The buffer's words; records of one chunk share their buffer, so the last view is kept. */
export function wordsOf(bytes: Uint8Array): Int32Array<ArrayBufferLike> {
  if (bytes !== cachedBytes) {
    const base = wordBase(bytes);
    cachedWords = new Int32Array(
      bytes.buffer,
      bytes.byteOffset - base,
      Math.floor((base + bytes.length) / 4),
    );
    cachedBytes = bytes;
  }
  return cachedWords;
}

/** Where the buffer starts in its words: 0 to 3. */
export function wordBase(bytes: Uint8Array): number {
  return bytes.byteOffset & 3;
}
