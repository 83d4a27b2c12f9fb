/**
 * The lexical half of the scanner: JSON's tokens (whitespace, strings, numbers, literals) read from bytes,
 * with exactly JSON.parse's grammar. Each returns the position after the token, or {@link FAILED}.
 */
import { HIGH_BITS } from './byte-words.js';

/** Set in a scan's string flags (ScanResult.stringFlags) for a string token holding a backslash escape. */
export const STRING_ESCAPED = 1;
/** ... and for one holding a byte beyond ASCII. */
export const STRING_NON_ASCII = 2;

export const FAILED = -1;

export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const MINUS = 0x2d;
export const ZERO = 0x30;
export const NINE = 0x39;
export const COLON = 0x3a;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const LOWER_F = 0x66;
export const LOWER_N = 0x6e;
export const LOWER_T = 0x74;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
const TAB = 0x09;
export const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const PLUS = 0x2b;
const DOT = 0x2e;
export const BACKSLASH = 0x5c;

/** A last byte no cut can leave inside a longer value: a closed object, array or string ends there. */
export function closesValue(byte: number): boolean {
  return byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte === QUOTE;
}
const UPPER_E = 0x45;
const LOWER_E = 0x65;
const LOWER_U = 0x75;

/** Bytes that may follow a backslash, besides `u`. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const character of '"\\/bfnrt') SIMPLE_ESCAPE[character.charCodeAt(0)] = 1;

const HEX_DIGIT = new Uint8Array(256);
for (const digit of '0123456789abcdefABCDEF') HEX_DIGIT[digit.charCodeAt(0)] = 1;

/** Skips JSON's whitespace: space, tab, line feed and carriage return only. */
export function skipWhitespace(bytes: Buffer, from: number, end: number): number {
  let position = from;
  while (position < end) {
    const byte = bytes[position] as number;
    // Every token starts above the space: one comparison for the common case, no whitespace at all.
    if (byte > SPACE || (byte !== SPACE && byte !== LINE_FEED && byte !== CARRIAGE_RETURN && byte !== TAB))
      break;
    position++;
  }
  return position;
}

/** Where {@link scanString} leaves the flags of the string it read. */
export interface StringFlagsSink {
  lastStringFlags: number;
}

/** A byte that ends a run of plain string content: a control character, a quote or a backslash. */
function stopsString(byte: number): boolean {
  return byte < SPACE || byte === QUOTE || byte === BACKSLASH;
}

/**
 * Validates the body of a string from just after its opening quote; returns the position after the closing
 * quote, or {@link FAILED}. Leaves the string's {@link STRING_ESCAPED}/{@link STRING_NON_ASCII} flags in `out`.
 * Plain runs are skipped four bytes at a time.
 */
export function scanString(
  bytes: Buffer,
  words: Int32Array<ArrayBufferLike>,
  base: number,
  from: number,
  end: number,
  out: StringFlagsSink,
): number {
  let position = from;
  let escaped = 0;
  // The OR of every plain byte: its high bit says whether the string goes beyond ASCII.
  let seen = 0;
  for (;;) {
    while (position < end && ((base + position) & 3) !== 0) {
      const byte = bytes[position] as number;
      if (stopsString(byte)) break;
      seen |= byte;
      position++;
    }
    if (((base + position) & 3) === 0) {
      // Byte addresses in the words' view, advanced a word at a time.
      let address = base + position;
      const lastAddress = base + end - 4;
      while (address <= lastAddress) {
        const bits = words[address >>> 2] as number;
        // Whether a byte is a control character (below 0x20), a quote or a backslash. Written out here, not
        // called: V8 left such a call in, the scanner being past its inlining budget.
        const quotes = bits ^ 0x22222222;
        const backslashes = bits ^ 0x5c5c5c5c;
        const stops =
          (((bits - 0x20202020) | 0) & ~bits) |
          (((quotes - 0x01010101) | 0) & ~quotes) |
          (((backslashes - 0x01010101) | 0) & ~backslashes);
        if ((stops & HIGH_BITS) !== 0) break;
        seen |= bits;
        address += 4;
      }
      position = address - base;
      while (position < end) {
        const byte = bytes[position] as number;
        if (stopsString(byte)) break;
        seen |= byte;
        position++;
      }
    }
    if (position >= end) return FAILED;
    const byte = bytes[position] as number;
    if (byte === QUOTE) {
      // Invalid UTF-8 decodes to U+FFFD, which a string may hold: any byte beyond ASCII is accepted.
      out.lastStringFlags = escaped | ((seen & HIGH_BITS) === 0 ? 0 : STRING_NON_ASCII);
      return position + 1;
    }
    if (byte !== BACKSLASH) return FAILED;
    escaped = STRING_ESCAPED;
    position++;
    if (position >= end) return FAILED;
    const escapeByte = bytes[position] as number;
    if (escapeByte === LOWER_U) {
      if (
        position + 4 >= end ||
        HEX_DIGIT[bytes[position + 1] as number] === 0 ||
        HEX_DIGIT[bytes[position + 2] as number] === 0 ||
        HEX_DIGIT[bytes[position + 3] as number] === 0 ||
        HEX_DIGIT[bytes[position + 4] as number] === 0
      ) {
        return FAILED;
      }
      position += 5;
    } else if (SIMPLE_ESCAPE[escapeByte] === 1) {
      position++;
    } else {
      return FAILED;
    }
  }
}

function skipDigits(bytes: Buffer, from: number, end: number): number {
  let position = from;
  while (position < end) {
    const byte = bytes[position] as number;
    if (byte < ZERO || byte > NINE) break;
    position++;
  }
  return position;
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; returns the position after it, or {@link FAILED}. */
export function scanNumber(bytes: Buffer, from: number, end: number): number {
  let position = from;
  if (bytes[position] === MINUS) position++;
  if (position >= end) return FAILED;
  const first = bytes[position] as number;
  if (first === ZERO) position++;
  else if (first > ZERO && first <= NINE) position = skipDigits(bytes, position + 1, end);
  else return FAILED;
  if (position < end && bytes[position] === DOT) {
    const digits = position + 1;
    position = skipDigits(bytes, digits, end);
    if (position === digits) return FAILED;
  }
  if (position < end && (bytes[position] === LOWER_E || bytes[position] === UPPER_E)) {
    position++;
    if (position < end && (bytes[position] === PLUS || bytes[position] === MINUS)) position++;
    const digits = position;
    position = skipDigits(bytes, digits, end);
    if (position === digits) return FAILED;
  }
  return position;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/** The literal that starts at `from` (`true`, `false` or `null`, by its first byte). */
export function scanLiteral(bytes: Buffer, from: number, end: number): number {
  const first = bytes[from];
  const literal = first === LOWER_T ? TRUE : first === LOWER_F ? FALSE : NULL;
  if (end - from < literal.length) return FAILED;
  for (let i = 0; i < literal.length; i++) if (bytes[from + i] !== literal[i]) return FAILED;
  return from + literal.length;
}
