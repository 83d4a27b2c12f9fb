/**
 * One pass over one record's bytes: validates it as JSON with exactly the acceptance of
 * `JSON.parse(new TextDecoder().decode(bytes))`, and captures the spans of the requested paths without
 * building any object. Iterative, so nesting depth is bounded by memory, not the call stack.
 */
import {
  type CompiledPaths,
  compilePaths,
  matchAsciiKey,
  matchDecodedKey,
  type PathNode,
} from './json-paths.js';
import { ScanResult, STRING_ESCAPED, STRING_NON_ASCII, ValueKind } from './scan-result.js';

export type { CompiledPaths } from './json-paths.js';
export { valueKindName } from './scan-result.js';
export { compilePaths, ScanResult, ValueKind };

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Bytes that may follow a backslash, besides `u`. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const character of '"\\/bfnrt') SIMPLE_ESCAPE[character.charCodeAt(0)] = 1;

const HEX_DIGIT = new Uint8Array(256);
for (const digit of '0123456789abcdefABCDEF') HEX_DIGIT[digit.charCodeAt(0)] = 1;

const FAILED = -1;

function skipWhitespace(bytes: Buffer, from: number, end: number): number {
  let position = from;
  while (position < end) {
    const byte = bytes[position];
    if (byte !== SPACE && byte !== LINE_FEED && byte !== CARRIAGE_RETURN && byte !== TAB) break;
    position++;
  }
  return position;
}

/** 0x80808080 as a 32-bit integer, so that word arithmetic stays in integers. */
const HIGH_BITS = 0x80808080 | 0;

/** A byte that ends a run of plain string content: a control character, a quote or a backslash. */
function stopsString(byte: number): boolean {
  return byte < SPACE || byte === QUOTE || byte === BACKSLASH;
}

/**
 * Whether any of the four bytes of `word` stops a string. Exact, whatever the byte order: the classic
 * "has a byte less than n" and "has a zero byte" tests, which may mislabel which byte but never whether.
 */
function wordStopsString(word: number): boolean {
  const quotes = word ^ 0x22222222;
  const backslashes = word ^ 0x5c5c5c5c;
  const controls = ((word - 0x20202020) | 0) & ~word;
  const quote = ((quotes - 0x01010101) | 0) & ~quotes;
  const backslash = ((backslashes - 0x01010101) | 0) & ~backslashes;
  return ((controls | quote | backslash) & HIGH_BITS) !== 0;
}

/**
 * Validates the body of a string from just after its opening quote; returns the position after the closing
 * quote, or {@link FAILED}. Leaves the string's {@link STRING_ESCAPED}/{@link STRING_NON_ASCII} flags in `out`.
 * Plain runs are skipped four bytes at a time.
 */
function scanString(
  bytes: Buffer,
  words: Int32Array<ArrayBufferLike>,
  base: number,
  from: number,
  end: number,
  out: ScanResult,
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
      let word = (base + position) >> 2;
      const lastWord = (base + end) >> 2;
      while (word < lastWord) {
        const bits = words[word] as number;
        if (wordStopsString(bits)) break;
        seen |= bits;
        word++;
      }
      position = (word << 2) - base;
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
function scanNumber(bytes: Buffer, from: number, end: number): number {
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

/** The position after `literal` when the bytes at `from` spell it, else {@link FAILED}. */
function scanLiteral(bytes: Buffer, from: number, end: number, literal: Buffer): number {
  if (end - from < literal.length) return FAILED;
  for (let i = 0; i < literal.length; i++) if (bytes[from + i] !== literal[i]) return FAILED;
  return from + literal.length;
}

function fail(out: ScanResult, position: number): false {
  out.ok = false;
  out.failedAt = position;
  out.rootKind = ValueKind.None;
  return false;
}

/** Forgets what was captured under a path whose key appears again: JSON.parse keeps the last duplicate. */
function clearSubtree(out: ScanResult, node: PathNode): void {
  for (let slot = node.firstSlot; slot < node.endSlot; slot++) out.kinds[slot] = ValueKind.None;
}

/**
 * Scans `bytes[start, end)` as one JSON text into `out` (whose paths say what to capture). Returns whether it
 * is JSON; on failure, {@link ScanResult.failureReason} explains it in JSON.parse's words.
 */
export function scan(
  bytes: Buffer,
  start: number,
  end: number,
  compiled: CompiledPaths,
  out: ScanResult,
): boolean {
  if (out.paths !== compiled) throw new Error('scan: the result was made for another set of paths');
  out.bytes = bytes;
  out.start = start;
  out.end = end;
  out.ok = false;
  out.failedAt = -1;
  out.rootKind = ValueKind.None;
  out.kinds.fill(ValueKind.None);
  const { kinds, starts, ends, stringFlags } = out;
  const words = out.wordsOf(bytes);
  const base = bytes.byteOffset;

  let position = start;
  // TextDecoder drops one byte-order mark at the start.
  if (end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) {
    position += 3;
  }
  let depth = 0;
  // What the value about to be read is: a requested path's slot, and its node when its members are wanted.
  let slot = compiled.root.slot;
  let node: PathNode | undefined = compiled.root;

  value: for (;;) {
    position = skipWhitespace(bytes, position, end);
    if (position >= end) return fail(out, position);
    const first = bytes[position] as number;
    const valueStart = position;
    let kind: ValueKind;
    let expectKey = false;
    if (first === QUOTE) {
      position = scanString(bytes, words, base, position + 1, end, out);
      if (position === FAILED) return fail(out, valueStart);
      kind = ValueKind.String;
      if (slot !== -1) stringFlags[slot] = out.lastStringFlags;
    } else if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      const isArray = first === OPEN_BRACKET;
      if (depth === out.frameIsArray.length) out.growStack();
      out.frameIsArray[depth] = isArray ? 1 : 0;
      out.frameSlots[depth] = slot;
      out.frameNodes[depth] = isArray || node === undefined || node.children === undefined ? undefined : node;
      depth++;
      if (depth === 1) out.rootKind = isArray ? ValueKind.Array : ValueKind.Object;
      if (slot !== -1) {
        kinds[slot] = isArray ? ValueKind.Array : ValueKind.Object;
        starts[slot] = valueStart;
      }
      position = skipWhitespace(bytes, position + 1, end);
      if (position < end && bytes[position] === (isArray ? CLOSE_BRACKET : CLOSE_BRACE)) {
        depth--;
        if (slot !== -1) ends[slot] = position + 1;
        position++;
        kind = ValueKind.None;
      } else if (isArray) {
        slot = -1;
        node = undefined;
        continue;
      } else {
        kind = ValueKind.None;
        expectKey = true;
      }
    } else if (first === MINUS || (first >= ZERO && first <= NINE)) {
      position = scanNumber(bytes, position, end);
      if (position === FAILED) return fail(out, valueStart);
      kind = ValueKind.Number;
    } else if (first === LOWER_T) {
      position = scanLiteral(bytes, position, end, TRUE);
      if (position === FAILED) return fail(out, valueStart);
      kind = ValueKind.True;
    } else if (first === LOWER_F) {
      position = scanLiteral(bytes, position, end, FALSE);
      if (position === FAILED) return fail(out, valueStart);
      kind = ValueKind.False;
    } else if (first === LOWER_N) {
      position = scanLiteral(bytes, position, end, NULL);
      if (position === FAILED) return fail(out, valueStart);
      kind = ValueKind.Null;
    } else {
      return fail(out, position);
    }
    // Containers were recorded when they opened.
    if (kind !== ValueKind.None) {
      if (depth === 0) out.rootKind = kind;
      if (slot !== -1) {
        kinds[slot] = kind;
        starts[slot] = valueStart;
        ends[slot] = position;
      }
    }

    // After a value: close containers until a comma or the end of the text.
    while (!expectKey) {
      if (depth === 0) {
        position = skipWhitespace(bytes, position, end);
        if (position !== end) return fail(out, position);
        out.ok = true;
        return true;
      }
      position = skipWhitespace(bytes, position, end);
      if (position >= end) return fail(out, position);
      const byte = bytes[position];
      const inArray = out.frameIsArray[depth - 1] === 1;
      if (byte === COMMA) {
        position++;
        if (inArray) {
          slot = -1;
          node = undefined;
          continue value;
        }
        expectKey = true;
      } else if (byte === (inArray ? CLOSE_BRACKET : CLOSE_BRACE)) {
        depth--;
        const closed = out.frameSlots[depth] as number;
        if (closed !== -1) ends[closed] = position + 1;
        position++;
      } else {
        return fail(out, position);
      }
    }

    // A member of the object at depth - 1: its key, matched against the paths wanted there, then a colon.
    position = skipWhitespace(bytes, position, end);
    if (position >= end || bytes[position] !== QUOTE) return fail(out, position);
    const keyStart = position + 1;
    position = scanString(bytes, words, base, keyStart, end, out);
    if (position === FAILED) return fail(out, keyStart - 1);
    const parent = out.frameNodes[depth - 1];
    slot = -1;
    node = undefined;
    if (parent !== undefined) {
      const children = parent.children as NonNullable<PathNode['children']>;
      const matched =
        out.lastStringFlags === 0
          ? matchAsciiKey(children, bytes, keyStart, position - 1)
          : matchDecodedKey(children, decodeKey(bytes, keyStart, position - 1, out.lastStringFlags));
      if (matched !== undefined) {
        clearSubtree(out, matched);
        slot = matched.slot;
        node = matched;
      }
    }
    position = skipWhitespace(bytes, position, end);
    if (position >= end || bytes[position] !== COLON) return fail(out, position);
    position++;
  }
}

function decodeKey(bytes: Buffer, start: number, end: number, flags: number): string {
  if ((flags & STRING_ESCAPED) === 0) return bytes.toString('utf8', start, end);
  return JSON.parse(bytes.toString('utf8', start - 1, end + 1)) as string;
}
