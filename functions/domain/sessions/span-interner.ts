import { latin1Text } from '../reading/buffer-text.js';
import type { PlainEvent, PlainText } from '../reading/plain-event.js';
import { doubledSlots } from './hash-slots.js';

/** Slots start at this many and double whenever they are half full. */
const INITIAL_SLOTS = 1 << 10;

/** FNV-1a's 32-bit prime: what each byte, or anything else mixed into a hash, is multiplied by. */
export const FNV_PRIME = 0x01000193;

/** FNV-1a over `bytes[start, end)`, mixed into `hash`: one text of a key after another. */
export function hashSpan(bytes: Uint8Array, start: number, end: number, hash: number): number {
  let mixed = hash;
  for (let i = start; i < end; i++) mixed = Math.imul(mixed ^ (bytes[i] as number), FNV_PRIME);
  // The length too, so that texts one after another hash apart wherever one ends.
  return Math.imul(mixed ^ (end - start), FNV_PRIME);
}

export const HASH_SEED = 0x811c9dc5 | 0;

/** Whether `text` is `bytes[start, end)` read as latin1 (as ASCII, which is all a plain event's texts hold). */
export function sameText(text: unknown, bytes: Uint8Array, start: number, end: number): boolean {
  if (typeof text !== 'string' || text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/**
 * An index of interned values by the hash of their bytes as a plain event holds them (reading/plain-event.ts):
 * open addressing, a slot holding the value's index + 1 (0 is empty) and its hash. It only finds values
 * again; what a value's index is stays the interner's to say, so events read as bytes and as strings get the
 * same indexes. Each caller compares the candidates (a hash is no proof): {@link find}, then {@link findNext}
 * until -1, then {@link add} for a value none of them was.
 */
export class SpanIndex {
  private slots = new Int32Array(2 * INITIAL_SLOTS);
  private count = 0;
  /** The hash the last {@link find} looks for, and the slot its probe is at. */
  private probeHash = 0;
  private probeSlot = 0;

  get heldBytes(): number {
    // An index no plain event used (the ingest's) holds nothing worth counting.
    return this.count === 0 ? 0 : 4 * this.slots.length;
  }

  /** The first value index held under `hash`, or -1 when there is none. */
  find(hash: number): number {
    this.probeHash = hash;
    return this.candidateFrom(hash & ((this.slots.length >> 1) - 1));
  }

  /** The next value index held under the hash of the last {@link find}, or -1 when there is none. */
  findNext(): number {
    return this.candidateFrom((this.probeSlot + 1) & ((this.slots.length >> 1) - 1));
  }

  /** Records `index` under the hash of the last {@link find}, at the empty slot its probe stopped at. */
  add(index: number): void {
    const slot = this.probeSlot;
    this.slots[2 * slot] = index + 1;
    this.slots[2 * slot + 1] = this.probeHash;
    if (++this.count * 4 > this.slots.length) this.rehash();
  }

  private candidateFrom(first: number): number {
    const slots = this.slots;
    const hash = this.probeHash;
    const mask = (slots.length >> 1) - 1;
    let slot = first;
    for (;;) {
      const entry = slots[2 * slot] as number;
      if (entry === 0 || slots[2 * slot + 1] === hash) {
        this.probeSlot = slot;
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private rehash(): void {
    this.slots = doubledSlots(this.slots);
  }
}

/** A text interner's values found by their bytes; a text not found is decoded and interned as usual. */
export class TextSpans {
  private readonly index = new SpanIndex();

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
    const hash = hashSpan(bytes, start, end, HASH_SEED);
    for (let found = index.find(hash); found !== -1; found = index.findNext())
      if (sameText(this.values[found], bytes, start, end)) return found;
    const found = this.intern(latin1Text(bytes, start, end));
    index.add(found);
    return found;
  }
}
