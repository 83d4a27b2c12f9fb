/**
 * A set of member paths (`['context', 'page', 'url']`) compiled into a trie the scanner walks while it reads an
 * object: a key is matched only against the members requested at that depth, by byte comparison when the key
 * is plain ASCII.
 */

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
  /** The key's bytes when it is ASCII; keys beyond ASCII are compared as decoded strings. */
  readonly asciiKey: Uint8Array | undefined;
  readonly node: PathNode;
}

export interface PathChildren {
  readonly all: readonly PathChild[];
  /** ASCII keys by length, so a key is compared with at most a few candidates. */
  readonly asciiByLength: readonly (readonly PathChild[] | undefined)[];
}

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

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
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
      all.push({ key, asciiKey: isAscii(key) ? Buffer.from(key, 'latin1') : undefined, node: build(child) });
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

function indexChildren(all: PathChild[]): PathChildren {
  const asciiByLength: PathChild[][] = [];
  for (const child of all) {
    if (child.asciiKey === undefined) continue;
    const length = child.asciiKey.length;
    while (asciiByLength.length <= length) asciiByLength.push([]);
    (asciiByLength[length] as PathChild[]).push(child);
  }
  return { all, asciiByLength: asciiByLength.map((list) => (list.length === 0 ? undefined : list)) };
}

/** The child whose key is `bytes[start, end)`, a key without escapes and with ASCII bytes only. */
export function matchAsciiKey(
  children: PathChildren,
  bytes: Uint8Array,
  start: number,
  end: number,
): PathNode | undefined {
  const candidates = children.asciiByLength[end - start];
  if (candidates === undefined) return undefined;
  for (let c = 0; c < candidates.length; c++) {
    const candidate = candidates[c] as PathChild;
    const key = candidate.asciiKey as Uint8Array;
    let i = 0;
    while (i < key.length && key[i] === bytes[start + i]) i++;
    if (i === key.length) return candidate.node;
  }
  return undefined;
}

/** The child whose key is `key`, decoded from a key token with escapes or non-ASCII bytes. */
export function matchDecodedKey(children: PathChildren, key: string): PathNode | undefined {
  for (const child of children.all) if (child.key === key) return child.node;
  return undefined;
}
