import { ownedText } from '../reading/owned-text.js';

/**
 * What a distinct value costs beyond its characters: its map entry, its slot and the value's own object (an
 * estimate, used to bound memory, not to account for it exactly).
 */
const INTERNED_ENTRY_BYTES = 96;

/**
 * Values seen over and over (users, names, pages) stored once; events hold their index. Strings read from
 * records are slices of them (owned-text.ts): an interner that outlives the records copies each new value
 * with `own`, and its key, so that no distinct value keeps its whole record alive.
 */
export class Interner<T> {
  private readonly index = new Map<string, number>();
  readonly values: T[] = [];
  /** About what the distinct values hold: the key and the value (about as long) at up to 2 bytes a char. */
  heldBytes = 0;

  /** Without `own`, values and keys are kept as given: for tables that die with the values they come from. */
  constructor(private readonly own?: (value: T) => T) {}

  intern(key: string, value: T): number {
    let at = this.index.get(key);
    if (at === undefined) {
      at = this.values.length;
      const kept = this.own === undefined ? value : this.own(value);
      this.values.push(kept);
      this.index.set(this.keyToKeep(key, kept), at);
      this.heldBytes += INTERNED_ENTRY_BYTES + 3 * key.length;
    }
    return at;
  }

  private keyToKeep(key: string, kept: T): string {
    if (this.own === undefined) return key;
    // A text that is its own key needs one copy, not two.
    return typeof kept === 'string' && kept === key ? kept : ownedText(key);
  }
}

/** An interner of strings, each kept as a string of its own. */
export function textInterner(): Interner<string> {
  return new Interner<string>(ownedText);
}
