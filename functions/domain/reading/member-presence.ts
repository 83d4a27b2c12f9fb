/**
 * Which of a set of member paths an object has, told from its bytes as they stream past: for a record too
 * long to hold, whose members `auto` still needs to choose the file's format by (rule 1b). Like an array
 * element's end, its members are found by its strings and brackets alone, unchecked; a key is decoded as
 * JSON.parse decodes it, and a later duplicate replaces an earlier member and its members, as in the scan
 * of a record held whole (json-scan.ts). Memory stays flat at any length or depth.
 */
import type { RecordFields } from '../events/formats/format.js';
import { type CompiledPaths, matchDecodedKey, type PathNode } from './json-paths.js';
import { Byte } from './json-tokens.js';
import { closingQuote, OPEN_ESCAPED } from './string-end.js';
import { isAsciiWhitespace } from './utf8-whitespace.js';

const State = {
  /** Before the record's first character that is not whitespace. */
  BeforeRoot: 0,
  Structure: 1,
  InString: 2,
  /** The root object closed, or the record is no object: nothing more to find. */
  Done: 3,
} as const;
type State = (typeof State)[keyof typeof State];

/** The longest key a path may ask for, every character of it written as a six-byte `\u` escape. */
function longestKeyBytes(compiled: CompiledPaths): number {
  let longest = 0;
  for (const path of compiled.paths) for (const key of path) longest = Math.max(longest, key.length);
  return 6 * longest;
}

export class MemberPresence implements Pick<RecordFields, 'has'> {
  private readonly present: Uint8Array;
  private readonly maxKeyBytes: number;
  private state: State = State.BeforeRoot;
  /** The open objects, from the root, whose members are asked for: each one's path node. */
  private readonly wanted: PathNode[] = [];
  /** Open objects and arrays: those past `wanted` hold nothing asked for and are only counted. */
  private depth = 0;
  /** In the innermost wanted object, the next string is a key. */
  private keyNext = false;
  /** The open string is a key of the innermost wanted object: its bytes so far, unless past any asked for. */
  private key: Buffer[] | undefined;
  private keyBytes = 0;
  private escaped = false;
  /** The member whose value comes next, when asked for. */
  private member: PathNode | undefined;

  constructor(private readonly compiled: CompiledPaths) {
    this.present = new Uint8Array(compiled.slotCount);
    this.maxKeyBytes = longestKeyBytes(compiled);
  }

  has(path: number): boolean {
    return this.present[this.compiled.slotOfPath[path] as number] === 1;
  }

  /** Reads the record's next bytes. */
  push(bytes: Buffer): void {
    const length = bytes.length;
    let position = this.state === State.InString ? this.readString(bytes, 0) : 0;
    while (position < length && this.state !== State.Done) {
      if (this.depth > this.wanted.length) {
        position = this.skipNested(bytes, position);
        continue;
      }
      const byte = bytes[position++] as number;
      if (this.state === State.BeforeRoot) {
        if (byte === Byte.OpenBrace) {
          this.state = State.Structure;
          this.open(byte, this.compiled.root);
        } else if (byte < 0x80 && !isAsciiWhitespace(byte)) {
          // Wider whitespace (its bytes are all past ASCII) may precede the root; anything else is no object.
          this.state = State.Done;
        }
      } else if (byte === Byte.Quote) {
        this.startString();
        position = this.readString(bytes, position);
      } else if (byte === Byte.OpenBrace || byte === Byte.OpenBracket) {
        const member = this.member;
        this.member = undefined;
        this.open(byte, member);
      } else if (byte === Byte.CloseBrace || byte === Byte.CloseBracket) {
        this.close();
      } else if (byte === Byte.Comma) {
        this.member = undefined;
        this.keyNext = true;
      }
    }
  }

  /**
   * Inside values that hold nothing asked for (nearly all of a long record): only brackets are counted and
   * strings passed over, in one tight loop. Returns where a wanted object is reached again, or the chunk's end.
   */
  private skipNested(bytes: Buffer, from: number): number {
    const length = bytes.length;
    const floor = this.wanted.length;
    let depth = this.depth;
    let position = from;
    while (position < length) {
      const byte = bytes[position++] as number;
      if (byte === Byte.Quote) {
        this.depth = depth;
        this.startString();
        position = this.readString(bytes, position);
      } else if (byte === Byte.OpenBrace || byte === Byte.OpenBracket) {
        depth++;
      } else if (byte === Byte.CloseBrace || byte === Byte.CloseBracket) {
        if (--depth === floor) break;
      }
    }
    this.depth = depth;
    if (depth === floor) {
      // Closed back into the wanted object, whose next token is a comma or its end.
      this.keyNext = false;
      this.member = undefined;
    }
    return position;
  }

  private open(byte: number, member: PathNode | undefined): void {
    const wantedHere = this.depth === this.wanted.length;
    this.depth++;
    if (wantedHere && byte === Byte.OpenBrace && member?.children !== undefined) {
      this.wanted.push(member);
      this.keyNext = true;
    }
  }

  private close(): void {
    this.member = undefined;
    this.keyNext = false;
    if (this.depth === this.wanted.length) this.wanted.pop();
    this.depth--;
    if (this.depth <= 0) this.state = State.Done;
  }

  private startString(): void {
    const isKey = this.keyNext && this.depth === this.wanted.length;
    this.keyNext = false;
    this.member = undefined;
    this.key = isKey ? [] : undefined;
    this.keyBytes = 0;
    this.state = State.InString;
  }

  /** Reads a string's body from `from`; returns the position after its closing quote, or the chunk's end. */
  private readString(bytes: Buffer, from: number): number {
    let position = from;
    if (this.escaped) {
      if (position === bytes.length) return position;
      this.keep(bytes, position, position + 1);
      position++;
      this.escaped = false;
    }
    const quote = closingQuote(bytes, position);
    if (quote < 0) {
      this.escaped = quote === OPEN_ESCAPED;
      this.keep(bytes, position, bytes.length);
      return bytes.length;
    }
    this.keep(bytes, position, quote);
    this.state = State.Structure;
    if (this.key !== undefined) this.keyEnds(Buffer.concat(this.key));
    this.key = undefined;
    return quote + 1;
  }

  /** Keeps `bytes[start, end)` of a key, copied; a key longer than any asked for is only counted. */
  private keep(bytes: Buffer, start: number, end: number): void {
    if (this.key === undefined || start === end) return;
    this.keyBytes += end - start;
    if (this.keyBytes > this.maxKeyBytes) this.key.length = 0;
    else this.key.push(Buffer.from(bytes.subarray(start, end)));
  }

  private keyEnds(body: Buffer): void {
    const children = this.wanted[this.wanted.length - 1]?.children;
    if (children === undefined || this.keyBytes > this.maxKeyBytes) return;
    let name: string;
    try {
      name = JSON.parse(`"${body.toString('utf8')}"`) as string;
    } catch {
      // No JSON string: no member JSON.parse would see.
      return;
    }
    const member = matchDecodedKey(children, name);
    if (member === undefined) return;
    // A later duplicate replaces the earlier member, and whatever was found inside it.
    this.present.fill(0, member.firstSlot, member.endSlot);
    if (member.slot !== -1) this.present[member.slot] = 1;
    this.member = member;
  }
}
