/**
 * The growth of a {@link HashIndex}: the same pairs of (entry + 1, hash) in twice the slots.
 */
function doubledSlots(old: Int32Array): Int32Array<ArrayBuffer> {
  const slots = new Int32Array(old.length * 2);
  const mask = (slots.length >> 1) - 1;
  for (let at = 0; at < old.length; at += 2) {
    const entry = old[at] as number;
    if (entry === 0) continue;
    const hash = old[at + 1] as number;
    let slot = hash & mask;
    while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = entry;
    slots[2 * slot + 1] = hash;
  }
  return slots;
}

/**
 * The open-addressing index of the batch's tables (the dedupe table, the span indexes): an entry (an index
 * into the table's own arrays) by a hash, a slot holding the entry + 1 (0 is empty) and its hash in one
 * Int32Array, doubled whenever it is half full. It only finds entries again; each caller compares the
 * candidates (a hash is no proof): {@link find}, then {@link findNext} until -1, then {@link add} for an
 * entry none of them was.
 */
export class HashIndex {
  private slots: Int32Array;
  private count = 0;
  /** The hash the last {@link find} looks for, and the slot its probe is at. */
  private probeHash = 0;
  private probeSlot = 0;

  constructor(initialSlots: number) {
    this.slots = new Int32Array(2 * initialSlots);
  }

  /** What its slots hold. */
  get slotBytes(): number {
    return 4 * this.slots.length;
  }

  /** {@link slotBytes}, but nothing for an index nothing was added to (the ingest's span indexes). */
  get heldBytes(): number {
    return this.count === 0 ? 0 : this.slotBytes;
  }

  /** The first entry held under `hash`, or -1 when there is none. */
  find(hash: number): number {
    this.probeHash = hash;
    return this.candidateFrom(hash & ((this.slots.length >> 1) - 1));
  }

  /** The next entry held under the hash of the last {@link find}, or -1 when there is none. */
  findNext(): number {
    return this.candidateFrom((this.probeSlot + 1) & ((this.slots.length >> 1) - 1));
  }

  /** Records `entry` under the hash of the last {@link find}, at the empty slot its probe stopped at. */
  add(entry: number): void {
    const slot = this.probeSlot;
    this.slots[2 * slot] = entry + 1;
    this.slots[2 * slot + 1] = this.probeHash;
    if (++this.count * 4 > this.slots.length) this.slots = doubledSlots(this.slots);
  }

  /** Hands over the slots (at least 4 int32s an entry) for other use; the index is empty and unusable after. */
  release(): Int32Array {
    const slots = this.slots;
    this.slots = new Int32Array(0);
    this.count = 0;
    return slots;
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
}
