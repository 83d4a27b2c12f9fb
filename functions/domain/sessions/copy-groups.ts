import type { EventColumns } from './event-columns.js';
import { doubledSlots } from './hash-slots.js';

function grow(array: Int32Array): Int32Array {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}

/**
 * Rule 3's dedupe table: one group per owner and event id, numbered in the order their first copies came,
 * each with its best copy so far (an event index). Open addressing; a slot holds a group number + 1 (0 is
 * empty) and the group's id hash, so a probe past another group's slot reads nothing else.
 */
export class CopyGroups {
  /** Pairs of (group + 1, id hash). */
  private slots: Int32Array = new Int32Array(2 << 16);
  private bestOf: Int32Array = new Int32Array(1 << 15);
  private ownerOf: Int32Array = new Int32Array(1 << 15);
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
    return 4 * (this.slots.length + 2 * this.bestOf.length);
  }

  /** The group of `owner`'s copy `at`; undefined when it is the first copy, which opens a group of its own. */
  find(owner: number, at: number): number | undefined {
    const mask = (this.slots.length >> 1) - 1;
    const hash = this.columns.hashId(at, owner) | 0;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[2 * slot] as number;
      if (entry === 0) {
        const group = this.groupCount++;
        if (group === this.bestOf.length) {
          this.bestOf = grow(this.bestOf);
          this.ownerOf = grow(this.ownerOf);
        }
        this.bestOf[group] = at;
        this.ownerOf[group] = owner;
        this.slots[2 * slot] = group + 1;
        this.slots[2 * slot + 1] = hash;
        if (this.groupCount * 4 > this.slots.length) this.rehash();
        return undefined;
      }
      if (this.slots[2 * slot + 1] !== hash) continue;
      const group = entry - 1;
      if (this.ownerOf[group] === owner && this.columns.sameId(this.bestOf[group] as number, at))
        return group;
    }
  }

  private rehash(): void {
    this.slots = doubledSlots(this.slots);
  }
}
