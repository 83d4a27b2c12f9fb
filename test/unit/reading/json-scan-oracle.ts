/**
 * The scanner held against JSON.parse: what JSON.parse makes of a text and finds along each path, what the
 * scanner reports for the same bytes wherever they sit in memory, and the check that both agree.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  type CompiledPaths,
  compilePaths,
  ScanResult,
  scan,
  valueKindName,
} from '../../../functions/domain/reading/json-scan.js';
import { utf8 } from './byte-arbitraries.js';

export type Paths = readonly (readonly string[])[];

/** What JSON.parse makes of the bytes, and what walking its result along each path finds. */
export function expected(bytes: Uint8Array, paths: Paths) {
  let root: unknown;
  try {
    root = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    // The message quotes the text as it is; a reason writes its backslashes and control characters as JSON does.
    // The message may cut its quote of the text inside a surrogate pair: the half left is escaped too.
    const message = (error as Error).message.replace(/[\\\p{Cc}\ud800-\udfff]/gu, (char) =>
      char > '\u001f' && char < '\ud800' && char !== '\\' ? char : JSON.stringify(char).slice(1, -1),
    );
    return { ok: false as const, reason: `invalid JSON: ${message}` };
  }
  const values = paths.map((path) => {
    let value = root;
    for (const key of path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) {
        return { kind: 'none' };
      }
      value = (value as Record<string, unknown>)[key];
    }
    return { kind: kindOf(value), value };
  });
  return { ok: true as const, rootKind: kindOf(root), values };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === true || value === false) return String(value);
  return typeof value;
}

/** Where the text sits in the scanned buffer: after `offset` bytes, as a view of its own or a range of a larger buffer. */
interface Placement {
  offset: number;
  view: boolean;
}

/** Bytes around the text that would change the answer if the scanner read them. */
const SURROUNDING = utf8('"\\\u0001[{');

function place(bytes: Buffer, { offset, view }: Placement): { buffer: Buffer; start: number; end: number } {
  const before = Buffer.alloc(offset, SURROUNDING);
  const buffer = Buffer.concat([before, bytes, SURROUNDING]);
  if (view) return { buffer: buffer.subarray(offset, offset + bytes.length), start: 0, end: bytes.length };
  return { buffer, start: offset, end: offset + bytes.length };
}

/** The same, read through the scanner's accessors. */
function scanned(bytes: Buffer, compiled: CompiledPaths, result: ScanResult, placement: Placement) {
  const { buffer, start, end } = place(bytes, placement);
  if (!scan(buffer, start, end, compiled, result))
    return { ok: false as const, reason: result.failureReason() };
  const values = compiled.paths.map((_, path) => {
    const kind = valueKindName(result.kind(path));
    if (kind === 'none') return { kind };
    const raw = result.raw(path) as string;
    if (kind === 'string') return { kind, value: result.string(path) };
    if (kind === 'number') return { kind, value: result.number(path) };
    return { kind, value: JSON.parse(raw) };
  });
  return { ok: true as const, rootKind: valueKindName(result.rootKind), values };
}

export function check(bytes: Buffer, paths: Paths, placement: Placement = { offset: 0, view: false }): void {
  const compiled = compilePaths(paths);
  expect(scanned(bytes, compiled, new ScanResult(compiled), placement)).toStrictEqual(expected(bytes, paths));
}

/** Any alignment of the text in memory, which the four-bytes-at-a-time reads depend on. */
export const placement = fc.record({ offset: fc.integer({ min: 0, max: 7 }), view: fc.boolean() });

export function scanText(text: string | Buffer, paths: Paths) {
  const compiled = compilePaths(paths);
  const result = new ScanResult(compiled);
  const bytes = typeof text === 'string' ? utf8(text) : text;
  return { ok: scan(bytes, 0, bytes.length, compiled, result), result };
}
