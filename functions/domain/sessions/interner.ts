import { ownedText } from '../reading/owned-text.js';

/**
 * What a distinct value costs beyond its characters: its map entry, its slot and the value's own object (an
 * estimate, used to bound memory, not to account for it exactly).
 */
const INTERNED_ENTRY_BYTES = 96;

/**
 * Values seen over and over (users, names, pages) stored once; events hold their index. A value is kept
 * as `own` returns it: strings read from records are slices of them, copied here so that a distinct
 * value does not keep its whole record alive.
 */
export class Interner<T> {
  private readonly index = new Map<string, number>();
  readonly values: T[] = [];
  /** About what the distinct values hold: the key and the value (about as long) at up to 2 bytes a char. */
  heldBytes = 0;

  constructor(private readonly own: (value: T) => T) {}

  intern(key: string, value: T): number {
    let at = this.index.get(key);
    if (at === undefined) {
      at = this.values.length;
      const owned = this.own(value);
      this.values.push(owned);
      // A text that is its own key needs one copy, not two.
      this.index.set(typeof owned === 'string' && owned === key ? owned : ownedText(key), at);
      this.heldBytes += INTERNED_ENTRY_BYTES + 3 * key.length;
    }
    return at;
  }
}

/** An interner of strings, each kept as a string of its own. */
export function textInterner(): Interner<string> {
  return new Interner<string>(ownedText);
}
