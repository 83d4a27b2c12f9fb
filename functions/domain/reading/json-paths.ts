/**
 * A set of member paths (`['context', 'page', 'url']`) compiled into a trie the scanner walks while it reads an
 * object: a key is matched only against the members requested at that depth. A key token is first compared in
 * place, as bytes, with the requested plain keys of its first byte; others are decoded and compared as strings.
 */

import { Byte } from './json-tokens.js';

export interface PathNode {
  /** Where this path's value is captured, or -1 when the node only leads to longer paths. */
  readonly slot: number;
  /** Slots of this node and everything under it, [firstSlot, endSlot): cleared when a later duplicate key replaces it. */
  readonly firstSlot: number;
  readonly endSlot: number;
  /** Undefined for a leaf: its value's members are not read. */
  readonly children: PathChildren | undefined;
}

interface PathChild {
  readonly key: string;
  readonly node: PathNode;
}

/** A requested key that JSON can only write as these bytes: printable ASCII, no quote, no backslash. */
export interface PlainKey {
  readonly bytes: Uint8Array;
  readonly node: PathNode;
}

export interface PathChildren {
  readonly all: readonly PathChild[];
  /**
   * The plain keys by their first byte (the empty key under the quote that closes it), so a key token is
   * compared with a few at most, before its length is known.
   */
  readonly plainByFirstByte: readonly (readonly PlainKey[] | undefined)[];
}

/** 1 for a byte a plain key may hold ({@link isPlainKeyByte}), else 0. */
export const PLAIN_KEY_BYTE = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) PLAIN_KEY_BYTE[byte] = isPlainKeyByte(byte) ? 1 : 0;

export interface CompiledPaths {
  readonly paths: readonly (readonly string[])[];
  readonly root: PathNode;
  readonly slotCount: number;
  /** Slot of each requested path, by its position in `paths`; duplicate paths share a slot. */
  readonly slotOfPath: Int32Array;
}

interface DraftNode {
  requested: boolean;
  readonly children: Map<string, DraftNode>;
}

/** Compiles paths once, for a scan of every record. The empty path is the root value itself. */
export function compilePaths(paths: readonly (readonly string[])[]): CompiledPaths {
  const draftRoot: DraftNode = { requested: false, children: new Map() };
  for (const path of paths) {
    let node = draftRoot;
    for (const key of path) {
      let child = node.children.get(key);
      if (child === undefined) {
        child = { requested: false, children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
    node.requested = true;
  }
  let nextSlot = 0;
  const slotOfDraft = new Map<DraftNode, number>();
  // Pre-order numbering gives every subtree a contiguous range of slots.
  const build = (draft: DraftNode): PathNode => {
    const firstSlot = nextSlot;
    const slot = draft.requested ? nextSlot++ : -1;
    if (slot !== -1) slotOfDraft.set(draft, slot);
    const all: PathChild[] = [];
    for (const [key, child] of draft.children) {
      all.push({ key, node: build(child) });
    }
    return {
      slot,
      firstSlot,
      endSlot: nextSlot,
      children: all.length === 0 ? undefined : indexChildren(all),
    };
  };
  const root = build(draftRoot);
  const slotOfPath = new Int32Array(paths.length);
  paths.forEach((path, index) => {
    let node = draftRoot;
    for (const key of path) node = node.children.get(key) as DraftNode;
    slotOfPath[index] = slotOfDraft.get(node) as number;
  });
  return { paths, root, slotCount: nextSlot, slotOfPath };
}

/** Bytes a plain key may hold: printable ASCII other than the quote and the backslash. */
function isPlainKeyByte(byte: number): boolean {
  return byte >= 0x20 && byte < 0x80 && byte !== 0x22 && byte !== 0x5c;
}

/** A key JSON can only write as the same bytes, without escapes. */
function isPlainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (!isPlainKeyByte(key.charCodeAt(i))) return false;
  return true;
}

function indexChildren(all: PathChild[]): PathChildren {
  const plainByFirstByte: (PlainKey[] | undefined)[] = new Array(256).fill(undefined);
  for (const child of all) {
    if (!isPlainKey(child.key)) continue;
    const first = child.key.length === 0 ? Byte.Quote : child.key.charCodeAt(0);
    const keys = plainByFirstByte[first] ?? [];
    keys.push({ bytes: Buffer.from(child.key, 'latin1'), node: child.node });
    plainByFirstByte[first] = keys;
  }
  return { all, plainByFirstByte };
}

/**
 * The requested plain key that the key token from `start` (just after its opening quote) is, compared in
 * place: its bytes, then the closing quote. Undefined when it is none of them, or not plain: a plain key's
 * bytes need no escape, so a token that holds them followed by a quote is exactly that key, and is a valid
 * string token. The key's token then ends `bytes.length + 1` bytes after `start`.
 */
export function matchPlainKeyAt(
  children: PathChildren,
  bytes: Uint8Array,
  start: number,
  end: number,
): PlainKey | undefined {
  if (start >= end) return undefined;
  const candidates = children.plainByFirstByte[bytes[start] as number];
  if (candidates === undefined) return undefined;
  for (let c = 0; c < candidates.length; c++) {
    const candidate = candidates[c] as PlainKey;
    const key = candidate.bytes;
    const length = key.length;
    if (start + length >= end || bytes[start + length] !== Byte.Quote) continue;
    let i = 1;
    while (i < length && key[i] === bytes[start + i]) i++;
    if (i >= length) return candidate;
  }
  return undefined;
}

/** The child whose key is `key`, decoded from a key token the automaton stopped in (an escape, a non-ASCII byte). */
export function matchDecodedKey(children: PathChildren, key: string): PathNode | undefined {
  for (const child of children.all) if (child.key === key) return child.node;
  return undefined;
}
