/**
 * One pass over one record's bytes: validates it as JSON with exactly the acceptance of
 * `JSON.parse(new TextDecoder().decode(bytes))`, and captures the spans of the requested paths without
 * building any object. Iterative, so nesting depth is bounded by memory, not the call stack.
 */
import {
  type CompiledPaths,
  compilePaths,
  KEY_STOP,
  matchDecodedKey,
  type PathChildren,
  type PathNode,
} from './json-paths.js';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  FAILED,
  FALSE,
  LOWER_F,
  LOWER_N,
  LOWER_T,
  MINUS,
  NINE,
  NULL,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  scanLiteral,
  scanNumber,
  scanString,
  skipWhitespace,
  TRUE,
  WORD_ADDRESS_LIMIT,
  wordsOf,
  ZERO,
} from './json-tokens.js';
import { ScanResult, STRING_ESCAPED, ValueKind } from './scan-result.js';

export type { CompiledPaths } from './json-paths.js';
export { valueKindName } from './scan-result.js';
export { compilePaths, ScanResult, ValueKind };

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
  if (bytes.byteOffset + end > WORD_ADDRESS_LIMIT) {
    // Only a view deep into a buffer of 2 GiB or more: scan a copy of the record instead (spans index the copy).
    const copy = Buffer.from(bytes.subarray(start, end));
    return scan(copy, 0, copy.length, compiled, out);
  }
  out.bytes = bytes;
  out.start = start;
  out.end = end;
  out.ok = false;
  out.failedAt = -1;
  out.rootKind = ValueKind.None;
  out.kinds.fill(ValueKind.None);
  const { kinds, starts, ends, stringFlags } = out;
  const words = wordsOf(bytes);
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
    const parent = out.frameNodes[depth - 1];
    slot = -1;
    node = undefined;
    if (parent === undefined) {
      position = scanString(bytes, words, base, keyStart, end, out);
      if (position === FAILED) return fail(out, keyStart - 1);
    } else {
      const { transitions, accepting } = parent.children as PathChildren;
      let state = 0;
      let at = keyStart;
      while (at < end) {
        const next = transitions[(state << 8) | (bytes[at] as number)] as number;
        if (next === KEY_STOP) break;
        state = next;
        at++;
      }
      let matched: PathNode | undefined;
      if (at < end && bytes[at] === QUOTE) {
        position = at + 1;
        matched = accepting[state];
      } else {
        position = scanString(bytes, words, base, keyStart, end, out);
        if (position === FAILED) return fail(out, keyStart - 1);
        const key = decodeKey(bytes, keyStart, position - 1, out.lastStringFlags);
        matched = matchDecodedKey(parent.children as PathChildren, key);
      }
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
