/**
 * One pass over one record's bytes: validates it as JSON with exactly the acceptance of
 * `JSON.parse(new TextDecoder().decode(bytes))`, and captures the spans of the requested paths without
 * building any object. Iterative, so nesting depth is bounded by memory, not the call stack.
 */

import { wordBase, wordsOf } from './byte-words.js';
import {
  type CompiledPaths,
  compilePaths,
  matchDecodedKey,
  matchPlainKeyAt,
  type PathChildren,
  type PathNode,
  PLAIN_KEY_BYTE,
} from './json-paths.js';
import {
  Byte,
  FAILED,
  StringFlag,
  scanLiteral,
  scanNumber,
  scanString,
  skipWhitespace,
} from './json-tokens.js';
import { ScanResult, ValueKind } from './scan-result.js';

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
  out.bytes = bytes;
  out.recordLatin1 = undefined;
  out.start = start;
  out.end = end;
  out.ok = false;
  out.failedAt = -1;
  out.rootKind = ValueKind.None;
  out.kinds.fill(ValueKind.None);
  const { kinds, starts, ends, stringFlags } = out;
  const words = wordsOf(bytes);
  const base = wordBase(bytes);

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
    if (first === Byte.Quote) {
      position = scanString(bytes, words, base, position + 1, end, out);
      if (position === FAILED) return fail(out, valueStart);
      kind = ValueKind.String;
      if (slot !== -1) stringFlags[slot] = out.lastStringFlags;
    } else if (first === Byte.OpenBrace || first === Byte.OpenBracket) {
      const isArray = first === Byte.OpenBracket;
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
      kind = ValueKind.None;
      // An empty container is closed by the same code as any other, so that code always has type feedback.
      if (position >= end || bytes[position] !== (isArray ? Byte.CloseBracket : Byte.CloseBrace)) {
        if (isArray) {
          slot = -1;
          node = undefined;
          continue;
        }
        expectKey = true;
      }
    } else if (first === Byte.Minus || (first >= Byte.Zero && first <= Byte.Nine)) {
      position = scanNumber(bytes, position, end);
      if (position === FAILED) return fail(out, valueStart);
      kind = ValueKind.Number;
    } else if (first === Byte.LowerT || first === Byte.LowerF || first === Byte.LowerN) {
      position = scanLiteral(bytes, position, end);
      if (position === FAILED) return fail(out, valueStart);
      kind =
        first === Byte.LowerT ? ValueKind.True : first === Byte.LowerF ? ValueKind.False : ValueKind.Null;
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
      if (byte === Byte.Comma) {
        position++;
        if (inArray) {
          slot = -1;
          node = undefined;
          continue value;
        }
        expectKey = true;
      } else if (byte === (inArray ? Byte.CloseBracket : Byte.CloseBrace)) {
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
    if (position >= end || bytes[position] !== Byte.Quote) return fail(out, position);
    const keyStart = position + 1;
    const parent = out.frameNodes[depth - 1];
    slot = -1;
    node = undefined;
    if (parent === undefined) {
      position = scanString(bytes, words, base, keyStart, end, out);
      if (position === FAILED) return fail(out, keyStart - 1);
    } else {
      const children = parent.children as PathChildren;
      const plain = matchPlainKeyAt(children, bytes, keyStart, end);
      let matched: PathNode | undefined;
      if (plain !== undefined) {
        position = keyStart + plain.bytes.length + 1;
        matched = plain.node;
      } else {
        // No requested plain key: a plain token is none of the requested keys, another is decoded to tell.
        let at = keyStart;
        while (at < end && PLAIN_KEY_BYTE[bytes[at] as number] === 1) at++;
        if (at < end && bytes[at] === Byte.Quote) {
          position = at + 1;
        } else {
          position = scanString(bytes, words, base, keyStart, end, out);
          if (position === FAILED) return fail(out, keyStart - 1);
          const key = decodeKey(bytes, keyStart, position - 1, out.lastStringFlags);
          matched = matchDecodedKey(children, key);
        }
      }
      if (matched !== undefined) {
        clearSubtree(out, matched);
        slot = matched.slot;
        node = matched;
      }
    }
    position = skipWhitespace(bytes, position, end);
    if (position >= end || bytes[position] !== Byte.Colon) return fail(out, position);
    position++;
  }
}

function decodeKey(bytes: Buffer, start: number, end: number, flags: number): string {
  if ((flags & StringFlag.Escaped) === 0) return bytes.toString('utf8', start, end);
  return JSON.parse(bytes.toString('utf8', start - 1, end + 1)) as string;
}

/**
 * Texts that take every branch of {@link scan}, failures included. V8 optimizes the scanner after a few
 * hundred records; a branch they never took (a literal, an empty object, an escaped key, a broken record)
 * then has no type feedback, and taking it later deoptimizes the scanner, after which V8 may leave it running
 * through on-stack replacement, a third slower, for the rest of the process. Scanning these once when the
 * module loads gives every branch its feedback first.
 */
const PRIMERS = [
  `{"a":"x","b":{"c":[1,-2.5e+3,true,false,null,{},[]],"c":{}},"\\u0061":"\\né","é":0,"d":${'['.repeat(70)}${']'.repeat(70)}}`,
  ' [ "\\"" , 0 ] ',
  '"s"',
  // Each failure site once.
  '',
  'x',
  '-',
  'nul',
  '1 x',
  '[1',
  '[1 x',
  ' {',
  '{1}',
  '{"a" 1}',
  '{"a":1 ]',
  '"\u0001"',
  '{"x":{"\u0001":1}}',
  '{"b":{"\u0001":1}}',
  '{"b":{"\\x":1}}',
];

/** V8 records feedback only after a function's first few calls, hence the rounds. */
const PRIMING_ROUNDS = 4;

function primeScanner(): void {
  const compiled = compilePaths([['a'], ['b', 'c'], ['b', 'c', 'e'], ['é']]);
  const result = new ScanResult(compiled);
  const texts = PRIMERS.map((text) => Buffer.from(text, 'utf8'));
  for (let round = 0; round < PRIMING_ROUNDS; round++) {
    for (const bytes of texts) scan(bytes, 0, bytes.length, compiled, result);
  }
}

primeScanner();
