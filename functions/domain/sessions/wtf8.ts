import { writeUtf8 } from '../reading/buffer-text.js';

/** A lone (unpaired) surrogate: what JSON's `\ud800` escape can put in a string, and UTF-8 cannot hold. */
const LONE_SURROGATE = /\p{Cs}/u;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/**
 * Writes `text` as UTF-8 with each lone surrogate in the three bytes it would take as a code point (WTF-8),
 * where UTF-8 writes U+FFFD: so `"q\ud800"` and `"q\ufffd"`, two ids by their UTF-16 code units, stay two
 * byte strings. Returns the bytes written; the buffer must have room for three per code unit.
 */
export function writeWtf8(buffer: Buffer, text: string, offset: number): number {
  let at = offset;
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) {
      buffer[at++] = 0xe0 | (code >> 12);
      buffer[at++] = 0x80 | ((code >> 6) & 0x3f);
      buffer[at++] = 0x80 | (code & 0x3f);
    } else {
      at += writeUtf8(buffer, character, at);
    }
  }
  return at - offset;
}
