/**
 * A set of member paths (`['context', 'page', 'url']`) compiled into a trie the scanner walks while it reads an
 * object: a key is matched only against the members requested at that depth. Plain ASCII keys are matched
 * by a byte automaton in the same loop that validates them; others are decoded and compared as strings.
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
  readonly node: PathNode;
}

/** In {@link PathChildren.transitions}: the byte ends the automaton's run (quote, backslash, control, non-ASCII). */
export const KEY_STOP = -1;

export interface PathChildren {
  readonly all: readonly PathChild[];
  /**
   * The automaton over a key's bytes: `transitions[state * 256 + byte]` is the next state, or {@link KEY_STOP}.
   * State 0 starts; state 1 is the dead state of keys that match no child, which still validates the key.
   */
  readonly transitions: Int32Array;
  /** The child whose ASCII key ends in each state. */
  readonly accepting: readonly (PathNode | undefined)[];
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

const START = 0;
const DEAD = 1;

/** Bytes a plain key may hold: printable ASCII other than the quote and the backslash. */
function isPlainKeyByte(byte: number): boolean {
  return byte >= 0x20 && byte < 0x80 && byte !== 0x22 && byte !== 0x5c;
}

/** A key the automaton matches: one that JSON can only write as the same bytes, without escapes. */
function isPlainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (!isPlainKeyByte(key.charCodeAt(i))) return false;
  return true;
}

function indexChildren(all: PathChild[]): PathChildren {
  const plainKeys = all.filter((child) => isPlainKey(child.key));
  // A trie of the plain keys' bytes: one state per distinct prefix.
  const edges: Map<number, number>[] = [new Map(), new Map()];
  const accepting: (PathNode | undefined)[] = [undefined, undefined];
  for (const child of plainKeys) {
    let state = START;
    for (let i = 0; i < child.key.length; i++) {
      const byte = child.key.charCodeAt(i);
      let next = edges[state]?.get(byte);
      if (next === undefined) {
        next = edges.length;
        edges.push(new Map());
        accepting.push(undefined);
        edges[state]?.set(byte, next);
      }
      state = next;
    }
    accepting[state] = child.node;
  }
  const transitions = new Int32Array(edges.length * 256);
  edges.forEach((out, state) => {
    for (let byte = 0; byte < 256; byte++) {
      transitions[state * 256 + byte] = isPlainKeyByte(byte) ? (out.get(byte) ?? DEAD) : KEY_STOP;
    }
  });
  return { all, transitions, accepting };
}

/** The child whose key is `key`, decoded from a key token the automaton stopped in (an escape, a non-ASCII byte). */
export function matchDecodedKey(children: PathChildren, key: string): PathNode | undefined {
  for (const child of children.all) if (child.key === key) return child.node;
  return undefined;
}
