/**
 * Text as WTF-8: UTF-8, with each lone surrogate (what JSON's `\ud800` escape puts in a string) as the three
 * bytes of its code point where UTF-8 writes U+FFFD's. So `"q\ud800"` and `"q\ufffd"`, two ids by their
 * UTF-16 code units, stay two byte strings. Browser-safe: the viewer writes ids with it too.
 */

const LONE_SURROGATE = /\p{Cs}/u;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** The bytes of `text`; the same as UTF-8's for any well-formed text. */
export function wtf8Bytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000)
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
  }
  return Uint8Array.from(bytes);
}

/**
 * The text of WTF-8 bytes; undefined for bytes that are not such text. Lenient about form (an overlong
 * sequence, a surrogate pair written as two lone surrogates): a caller that wants the one form compares
 * {@link wtf8Bytes} of the result with what it was given.
 */
export function decodeWtf8(bytes: Uint8Array): string | undefined {
  let text = '';
  for (let at = 0; at < bytes.length; ) {
    const lead = bytes[at] as number;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    if (length === 0 || at + length > bytes.length) return undefined;
    let code = length === 1 ? lead : lead & (0x7f >> length);
    for (let next = at + 1; next < at + length; next++) {
      const byte = bytes[next] as number;
      if ((byte & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (byte & 0x3f);
    }
    if (code > 0x10ffff) return undefined;
    text += String.fromCodePoint(code);
    at += length;
  }
  return text;
}
