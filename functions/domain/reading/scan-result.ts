import { constants } from 'node:buffer';
import { isoInstantAt } from '../rules/timestamp.js';
import { latin1Text } from './buffer-text.js';
import type { CompiledPaths, PathNode } from './json-paths.js';
import { StringFlag } from './json-tokens.js';
import { placeIn, type TextStart } from './line-columns.js';

/** The longest string V8 makes: a text past it cannot be decoded whole. */
const LONGEST_TEXT = constants.MAX_STRING_LENGTH;

/**
 * The kind of a JSON value; `None` for a path the text does not hold. An enum, so that the bundler writes
 * each use as its number: a module constant is read from the module's context at every use (json-tokens.ts).
 */
export enum ValueKind {
  None = 0,
  String = 1,
  Number = 2,
  True = 3,
  False = 4,
  Null = 5,
  Object = 6,
  Array = 7,
}

const KIND_NAMES = ['none', 'string', 'number', 'true', 'false', 'null', 'object', 'array'] as const;

export function valueKindName(kind: ValueKind): (typeof KIND_NAMES)[number] {
  return KIND_NAMES[kind];
}

const INITIAL_DEPTH = 64;
const EMPTY = Buffer.alloc(0);

/**
 * What one scan found: whether the text is JSON, its root's kind, and each requested path's value as a span
 * of the scanned bytes, decoded only when asked. One instance serves every record of a file: a scan
 * overwrites it, so read what you need before the next scan.
 */
export class ScanResult {
  readonly paths: CompiledPaths;
  ok = false;
  rootKind: ValueKind = ValueKind.None;
  /** Byte offset of the token where the text stopped being JSON; -1 when it is JSON. */
  failedAt = -1;
  bytes: Buffer = EMPTY;
  start = 0;
  end = 0;
  /**
   * The record decoded as latin1 on its first plain string (one byte, one code unit): each such string is
   * then a slice of it. Reset by every scan; a slice kept past its record must be copied (owned-text.ts).
   */
  recordLatin1: string | undefined = undefined;

  // By slot, written by the scanner; read through the accessors, which take a path's position in `paths`.
  readonly kinds: Uint8Array;
  // Doubles, so that offsets past 2 GiB into a buffer stay exact.
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly stringFlags: Uint8Array;

  // The scanner's working state, kept here so that a scan allocates nothing: its stack of open containers
  // (growing for deep nesting) and the flags of the last string it read.
  frameIsArray = new Uint8Array(INITIAL_DEPTH);
  frameSlots = new Int32Array(INITIAL_DEPTH);
  frameNodes: (PathNode | undefined)[] = new Array(INITIAL_DEPTH).fill(undefined);
  lastStringFlags = 0;

  constructor(paths: CompiledPaths) {
    this.paths = paths;
    this.kinds = new Uint8Array(paths.slotCount);
    this.starts = new Float64Array(paths.slotCount);
    this.ends = new Float64Array(paths.slotCount);
    this.stringFlags = new Uint8Array(paths.slotCount);
  }

  /** Doubles the container stack; deep nesting costs memory, never call-stack depth. */
  growStack(): void {
    const depth = this.frameIsArray.length * 2;
    const isArray = new Uint8Array(depth);
    isArray.set(this.frameIsArray);
    this.frameIsArray = isArray;
    const slots = new Int32Array(depth);
    slots.set(this.frameSlots);
    this.frameSlots = slots;
    this.frameNodes.length = depth;
    this.frameNodes.fill(undefined, depth / 2);
  }

  private slot(path: number): number {
    const slot = this.paths.slotOfPath[path];
    if (slot === undefined) {
      throw new RangeError(`no path ${path}: ${this.paths.paths.length} paths were compiled`);
    }
    return slot;
  }

  /** The kind of the value at `paths[path]`, as the object JSON.parse builds would hold it. */
  kind(path: number): ValueKind {
    const slot = this.slot(path);
    return this.ok ? (this.kinds[slot] as ValueKind) : ValueKind.None;
  }

  /** The value's token: `[valueStart, valueEnd)` of {@link bytes}; meaningful only when {@link kind} is not None. */
  valueStart(path: number): number {
    return this.starts[this.slot(path)] as number;
  }

  valueEnd(path: number): number {
    return this.ends[this.slot(path)] as number;
  }

  /** The string at the path, decoded as JSON.parse would; undefined when the value is not a string. */
  string(path: number): string | undefined {
    const slot = this.slot(path);
    if (!this.ok || this.kinds[slot] !== ValueKind.String) return undefined;
    const start = this.starts[slot] as number;
    const end = this.ends[slot] as number;
    const flags = this.stringFlags[slot] as number;
    if (flags === 0) {
      this.recordLatin1 ??= latin1Text(this.bytes, this.start, this.end);
      return this.recordLatin1.slice(start + 1 - this.start, end - 1 - this.start);
    }
    if (flags === StringFlag.NonAscii) return this.bytes.toString('utf8', start + 1, end - 1);
    return JSON.parse(this.bytes.toString('utf8', start, end)) as string;
  }

  /** The instant of a string at the path in a form isoInstantAt reads, read in place; else undefined. */
  isoInstant(path: number): number | undefined {
    const slot = this.slot(path);
    if (!this.ok || this.kinds[slot] !== ValueKind.String || this.stringFlags[slot] !== 0) return undefined;
    return isoInstantAt(this.bytes, (this.starts[slot] as number) + 1, (this.ends[slot] as number) - 1);
  }

  /** The number at the path, the double JSON.parse would give; undefined when the value is not a number. */
  number(path: number): number | undefined {
    const slot = this.slot(path);
    if (!this.ok || this.kinds[slot] !== ValueKind.Number) return undefined;
    return numberAt(this.bytes, this.starts[slot] as number, this.ends[slot] as number);
  }

  /** The value's JSON text exactly as sent; undefined when the path is absent. */
  raw(path: number): string | undefined {
    const slot = this.slot(path);
    if (!this.ok || this.kinds[slot] === ValueKind.None) return undefined;
    return this.bytes.toString('utf8', this.starts[slot], this.ends[slot]);
  }

  isObject(path: number): boolean {
    return this.kind(path) === ValueKind.Object;
  }

  isArray(path: number): boolean {
    return this.kind(path) === ValueKind.Array;
  }

  /**
   * Why the text is not JSON, in the words of JSON.parse (which runs only here, on failure). Naming an
   * unexpected token, JSON.parse quotes up to ~20 characters of the text around it: `quoting: false` says
   * what and where without them, for a reason that is logged (a file error), since event text may be
   * personal data and logs must not hold it. Given where the text starts in its file (`at`), the place JSON.parse
   * names by its 0-based position in the text is named by the file's 1-based line and column instead.
   */
  failureReason({ quoting = true, at }: { quoting?: boolean; at?: TextStart } = {}): string {
    if (this.ok) throw new Error('failureReason() called on a text that is valid JSON');
    // A text longer than a string can be is not decoded: JSON.parse would only say that.
    if (this.end - this.start > LONGEST_TEXT) return this.failedAtReason();
    const text = new TextDecoder().decode(this.bytes.subarray(this.start, this.end));
    try {
      JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!quoting && quotesText(message)) return this.unexpectedReason(at);
      const placed =
        at === undefined
          ? message
          : message.replace(
              PARSE_POSITION,
              (_, position: string) => ` at ${this.placeOf(text, Number(position), at)}`,
            );
      return `invalid JSON: ${asJsonText(placed)}`;
    }
    return this.failedAtReason();
  }

  /** The place of JSON.parse's `position` in `text`, which a default decoder left without a leading BOM. */
  private placeOf(text: string, position: number, at: TextStart): string {
    const bom = this.end - this.start >= 3 && this.bytes.readUIntBE(this.start, 3) === UTF8_BOM;
    return bom ? placeIn(`\ufeff${text}`, position + 1, at) : placeIn(text, position, at);
  }

  private failedAtReason(): string {
    return `invalid JSON: unexpected byte at offset ${this.failedAt - this.start}`;
  }

  /** Where the scan failed, as JSON.parse counts positions (UTF-16 units), and a structural character found there. */
  private unexpectedReason(textStart: TextStart | undefined): string {
    const at = Math.min(Math.max(this.failedAt, this.start), this.end);
    if (at >= this.end) return 'invalid JSON: unexpected end of the text';
    const before = KEEP_BOM.decode(this.bytes.subarray(this.start, at));
    const place =
      textStart === undefined ? `position ${before.length}` : placeIn(before, before.length, textStart);
    const char = String.fromCodePoint(
      KEEP_BOM.decode(this.bytes.subarray(at, Math.min(at + 4, this.end))).codePointAt(0) ?? 0,
    );
    return `invalid JSON: unexpected ${describeUnexpected(char)} at ${place}`;
  }
}

/**
 * A decoder that keeps a leading U+FEFF: the character a failure stopped at may be one (no JSON white space),
 * and a default decoder drops it, naming the character after it instead.
 */
const KEEP_BOM = new TextDecoder('utf-8', { ignoreBOM: true });

const UTF8_BOM = 0xefbbbf;

/** JSON's own punctuation, which is no one's text: naming it says what is wrong. */
const STRUCTURAL = '{}[],:';

/**
 * A structural character as itself; any other but a letter or digit (a control character, a stray space of
 * another kind, often invisible) by its code point, which tells what to look for and quotes no text.
 */
function describeUnexpected(char: string): string {
  if (STRUCTURAL.includes(char)) return `'${char}'`;
  if (/[\p{L}\p{N}]/u.test(char)) return 'character';
  const code = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return `character U+${code}`;
}

/**
 * Where a JSON.parse message names the place it failed: a 0-based position in the text, which newer V8 follows
 * with its own line and column in the text (not the file's).
 */
const PARSE_POSITION = / at position (\d+)(?: \(line \d+ column \d+\))?$/;

/** Whether a JSON.parse message quotes the text (`Unexpected token 'x', "…abc…" is not valid JSON`). */
const quotesText = (message: string) => message.includes('"') || message.startsWith('Unexpected token');

/** What JSON text escapes in a string: a control character, a backslash, a lone surrogate. */
const JSON_ESCAPED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\\\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * JSON.parse's message quotes the text it failed on as it is (`Unexpected token 'x', "x\x1b" is ...`), where
 * every other reason quotes what was sent as JSON text: escaped the same way, a reason's backslashes are all
 * escapes, a sent ESC reads `\u001b` and a sent backslash `\\`, told apart however an output shows them.
 */
function asJsonText(message: string): string {
  return message.replace(JSON_ESCAPED, (char) => JSON.stringify(char).slice(1, -1));
}

const MINUS = 0x2d;
const ZERO = 0x30;
/** Integers of up to 15 digits are exact in a double, so summing their digits gives JSON.parse's value. */
const EXACT_DIGITS = 15;

function numberAt(bytes: Buffer, start: number, end: number): number {
  const negative = bytes[start] === MINUS;
  const first = negative ? start + 1 : start;
  if (end - first <= EXACT_DIGITS) {
    let value = 0;
    let at = first;
    for (; at < end; at++) {
      const digit = (bytes[at] as number) - ZERO;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (at === end) return negative ? -value : value;
  }
  return Number(bytes.toString('latin1', start, end));
}
