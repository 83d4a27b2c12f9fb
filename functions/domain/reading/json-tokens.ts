/**
 * The lexical half of the scanner: JSON's tokens (whitespace, strings, numbers, literals) read from bytes,
 * with exactly JSON.parse's grammar. Each returns the position after the token, or {@link FAILED}.
 */
import { WordBits } from './byte-words.js';

/**
 * Flags of a string token in a scan's string flags (ScanResult.stringFlags): it holds a backslash escape,
 * and it holds a byte beyond ASCII.
 */
export enum StringFlag {
  Escaped = 1,
  NonAscii = 2,
}

export const FAILED = -1;

/**
 * The bytes of JSON's syntax. An enum, so that the bundler writes each use as its number: V8 reads a module
 * constant from the module's context at every use (a load and a check), which in the scanner's inner loops
 * cost about 3 % of the CLI's instructions.
 */
export enum Byte {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerE = 0x65,
  LowerF = 0x66,
  LowerN = 0x6e,
  LowerT = 0x74,
  LowerU = 0x75,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

/** A last byte no cut can leave inside a longer value: a closed object, array or string ends there. */
export function closesValue(byte: number): boolean {
  return byte === Byte.CloseBrace || byte === Byte.CloseBracket || byte === Byte.Quote;
}

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
    if (
      byte > Byte.Space ||
      (byte !== Byte.Space && byte !== Byte.LineFeed && byte !== Byte.CarriageReturn && byte !== Byte.Tab)
    )
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
  return byte < Byte.Space || byte === Byte.Quote || byte === Byte.Backslash;
}

/**
 * Validates the body of a string from just after its opening quote; returns the position after the closing
 * quote, or {@link FAILED}. Leaves the string's {@link StringFlag.Escaped}/{@link StringFlag.NonAscii} flags in `out`.
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
        if ((stops & WordBits.High) !== 0) break;
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
    if (byte === Byte.Quote) {
      // Invalid UTF-8 decodes to U+FFFD, which a string may hold: any byte beyond ASCII is accepted.
      out.lastStringFlags = escaped | ((seen & WordBits.High) === 0 ? 0 : StringFlag.NonAscii);
      return position + 1;
    }
    if (byte !== Byte.Backslash) return FAILED;
    escaped = StringFlag.Escaped;
    position++;
    if (position >= end) return FAILED;
    const escapeByte = bytes[position] as number;
    if (escapeByte === Byte.LowerU) {
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
    if (byte < Byte.Zero || byte > Byte.Nine) break;
    position++;
  }
  return position;
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; returns the position after it, or {@link FAILED}. */
export function scanNumber(bytes: Buffer, from: number, end: number): number {
  let position = from;
  if (bytes[position] === Byte.Minus) position++;
  if (position >= end) return FAILED;
  const first = bytes[position] as number;
  if (first === Byte.Zero) position++;
  else if (first > Byte.Zero && first <= Byte.Nine) position = skipDigits(bytes, position + 1, end);
  else return FAILED;
  if (position < end && bytes[position] === Byte.Dot) {
    const digits = position + 1;
    position = skipDigits(bytes, digits, end);
    if (position === digits) return FAILED;
  }
  if (position < end && (bytes[position] === Byte.LowerE || bytes[position] === Byte.UpperE)) {
    position++;
    if (position < end && (bytes[position] === Byte.Plus || bytes[position] === Byte.Minus)) position++;
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
  const literal = first === Byte.LowerT ? TRUE : first === Byte.LowerF ? FALSE : NULL;
  if (end - from < literal.length) return FAILED;
  for (let i = 0; i < literal.length; i++) if (bytes[from + i] !== literal[i]) return FAILED;
  return from + literal.length;
}
