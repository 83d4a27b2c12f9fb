/**
 * `String.prototype.trim` on UTF-8 bytes, without decoding them.
 *
 * Trim removes WhiteSpace and LineTerminator: U+0009–U+000D, U+0020, U+00A0, U+1680, U+2000–U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF. A decoder starts a fresh character at every byte that
 * is not a continuation byte (0x80–0xBF), and replaces anything invalid with U+FFFD (not whitespace), so a
 * character is whitespace exactly when its bytes, starting at such a byte, are one of the encodings below.
 */

/** Returned by {@link whitespaceLength} when the bytes end inside what may still become a whitespace character. */
export const INCOMPLETE = -1;

/** Trim's single-byte whitespace: tab, line feed, vertical tab, form feed, carriage return, space. */
export function isAsciiWhitespace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * Length of the whitespace character that starts at `position` (a fresh character), 0 when it is not one,
 * or {@link INCOMPLETE} when `end` cuts a prefix of one (at the end of the input, that prefix decodes to
 * U+FFFD and is not whitespace).
 */
export function whitespaceLength(bytes: Uint8Array, position: number, end: number): number {
  const lead = bytes[position] as number;
  if (lead < 0x80) return isAsciiWhitespace(lead) ? 1 : 0;
  if (lead !== 0xc2 && lead !== 0xe1 && lead !== 0xe2 && lead !== 0xe3 && lead !== 0xef) return 0;
  if (position + 1 >= end) return INCOMPLETE;
  const second = bytes[position + 1] as number;
  if (lead === 0xc2) return second === 0xa0 ? 2 : 0;
  // Every remaining lead starts a three-byte character.
  const secondFits =
    (lead === 0xe1 && second === 0x9a) ||
    (lead === 0xe2 && (second === 0x80 || second === 0x81)) ||
    (lead === 0xe3 && second === 0x80) ||
    (lead === 0xef && second === 0xbb);
  if (!secondFits) return 0;
  if (position + 2 >= end) return INCOMPLETE;
  return isThreeByteWhitespace(lead, second, bytes[position + 2] as number) ? 3 : 0;
}

function isThreeByteWhitespace(lead: number, second: number, third: number): boolean {
  switch (lead) {
    case 0xe1: // U+1680
      return second === 0x9a && third === 0x80;
    case 0xe2:
      // U+2000–U+200A, U+2028, U+2029, U+202F; U+205F
      if (second === 0x80)
        return third <= 0x8a ? third >= 0x80 : third === 0xa8 || third === 0xa9 || third === 0xaf;
      return second === 0x81 && third === 0x9f;
    case 0xe3: // U+3000
      return second === 0x80 && third === 0x80;
    case 0xef: // U+FEFF
      return second === 0xbb && third === 0xbf;
    default:
      return false;
  }
}

/** First position in [start, end) that does not begin a whitespace character; `end` when there is none. */
export function trimStart(bytes: Uint8Array, start: number, end: number): number {
  let position = start;
  while (position < end) {
    const byte = bytes[position] as number;
    if (byte > 0x20 && byte < 0x80) return position;
    const length = whitespaceLength(bytes, position, end);
    if (length <= 0) return position;
    position += length;
  }
  return end;
}

/**
 * End of [start, end) without its trailing whitespace characters. `start` must begin a fresh character (the
 * start of a line, or a result of {@link trimStart}), so that no whitespace encoding reaches before it.
 */
export function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  let position = end;
  while (position > start) {
    const last = bytes[position - 1] as number;
    if (last < 0x80) {
      if (!isAsciiWhitespace(last)) return position;
      position--;
    } else if (last === 0xa0 && position - 2 >= start && bytes[position - 2] === 0xc2) {
      position -= 2;
    } else if (
      position - 3 >= start &&
      isThreeByteWhitespace(bytes[position - 3] as number, bytes[position - 2] as number, last)
    ) {
      position -= 3;
    } else {
      return position;
    }
  }
  return start;
}
