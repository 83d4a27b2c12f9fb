import type { EventColumns } from './event-columns.js';

function grow(array: Int32Array): Int32Array {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}

/**
 * Rule 3's dedupe table: one group per owner and event id, numbered in the order their first copies came,
 * each with its best copy so far (an event index). Open addressing over group numbers + 1 (0 is empty).
 */
export class CopyGroups {
  private slots: Int32Array = new Int32Array(1 << 16);
  private bestOf: Int32Array = new Int32Array(1 << 15);
  private ownerOf: Int32Array = new Int32Array(1 << 15);
  /** Each group's id hash, kept so growing the table does not read the ids again. */
  private hashOf: Int32Array = new Int32Array(1 << 15);
  private groupCount = 0;

  constructor(private readonly columns: EventColumns) {}

  get count(): number {
    return this.groupCount;
  }

  /** Each group's best copy, by group number (longer than {@link count}). */
  get best(): Int32Array {
    return this.bestOf;
  }

  /** Each group's owner, by group number (longer than {@link count}). */
  get owners(): Int32Array {
    return this.ownerOf;
  }

  get heldBytes(): number {
    return 4 * (this.slots.length + 3 * this.bestOf.length);
  }

  /** The group of `owner`'s copy `at`; undefined when it is the first copy, which opens a group of its own. */
  find(owner: number, at: number): number | undefined {
    const mask = this.slots.length - 1;
    const hash = this.columns.hashId(at, owner);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) {
        const group = this.groupCount++;
        if (group === this.bestOf.length) {
          this.bestOf = grow(this.bestOf);
          this.ownerOf = grow(this.ownerOf);
          this.hashOf = grow(this.hashOf);
        }
        this.bestOf[group] = at;
        this.ownerOf[group] = owner;
        this.hashOf[group] = hash;
        this.slots[slot] = group + 1;
        if (this.groupCount * 2 > this.slots.length) this.rehash();
        return undefined;
      }
      const group = entry - 1;
      if (this.ownerOf[group] === owner && this.columns.sameId(this.bestOf[group] as number, at))
        return group;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let group = 0; group < this.groupCount; group++) {
      let slot = (this.hashOf[group] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = group + 1;
    }
    this.slots = slots;
  }
}
