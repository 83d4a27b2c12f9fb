import { latin1Text } from '../reading/buffer-text.js';
import type { PlainEvent, PlainText } from '../reading/plain-event.js';
import { HashIndex } from './hash-slots.js';

/** Slots an index of plain events' values starts with. */
export const SPAN_SLOTS = 1 << 10;

/**
 * FNV-1a's 32-bit prime (what each byte, or anything else mixed into a hash, is multiplied by) and offset
 * basis. An enum, so that each use is bundled as its number: V8 reads a module constant from the module's
 * context at every use, here at every byte hashed (reading/json-tokens.ts).
 */
export enum Fnv {
  Prime = 0x01000193,
  Seed = 0x811c9dc5 | 0,
}

/** FNV-1a over `bytes[start, end)`, mixed into `hash`: one text of a key after another. */
export function hashSpan(bytes: Uint8Array, start: number, end: number, hash: number): number {
  let mixed = hash;
  for (let i = start; i < end; i++) mixed = Math.imul(mixed ^ (bytes[i] as number), Fnv.Prime);
  // The length too, so that texts one after another hash apart wherever one ends.
  return Math.imul(mixed ^ (end - start), Fnv.Prime);
}

/** Whether `text` is `bytes[start, end)` read as latin1 (as ASCII, which is all a plain event's texts hold). */
export function sameText(text: unknown, bytes: Uint8Array, start: number, end: number): boolean {
  if (typeof text !== 'string' || text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/**
 * A text interner's values found by the hash of their bytes as a plain event holds them
 * (reading/plain-event.ts); a text not found is decoded and interned as usual. What a value's index is stays
 * the interner's to say, so events read as bytes and as strings get the same indexes.
 */
export class TextSpans {
  private readonly index = new HashIndex(SPAN_SLOTS);

  constructor(
    private readonly values: readonly string[],
    private readonly intern: (text: string) => number,
  ) {}

  get heldBytes(): number {
    return this.index.heldBytes;
  }

  /** The index of a plain event's text, or -1 when the event has none. */
  plainIndex(event: PlainEvent, text: PlainText): number {
    const start = event.start(text);
    return start === -1 ? -1 : this.indexOf(event.bytes, start, event.end(text));
  }

  indexOf(bytes: Buffer, start: number, end: number): number {
    const index = this.index;
    const hash = hashSpan(bytes, start, end, Fnv.Seed);
    for (let found = index.find(hash); found !== -1; found = index.findNext())
      if (sameText(this.values[found], bytes, start, end)) return found;
    const found = this.intern(latin1Text(bytes, start, end));
    index.add(found);
    return found;
  }
}
