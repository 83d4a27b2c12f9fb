import type { EventColumns } from './event-columns.js';
import { HashIndex } from './hash-slots.js';

const INITIAL_SLOTS = 1 << 16;

function grow(array: Int32Array): Int32Array {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}

/**
 * Rule 3's dedupe table: one group per owner and event id, numbered in the order their first copies came,
 * each with its best copy so far (an event index), found by its id hash ({@link HashIndex}, whose slots hold
 * the hash, so a probe past another group's slot reads nothing else). A group's owner is its copies' owner,
 * read from its best copy (`ownerOf`) when a hash matches: no array of owners (4 MiB at 1M events).
 */
export class CopyGroups {
  /** Groups by the hash of their id, seeded with their owner; undefined once {@link endLookups} took it. */
  private index: HashIndex | undefined = new HashIndex(INITIAL_SLOTS);
  private bestOf: Int32Array = new Int32Array(1 << 15);
  private groupCount = 0;

  constructor(
    private readonly columns: EventColumns,
    private readonly ownerOf: (at: number) => number,
  ) {}

  get count(): number {
    return this.groupCount;
  }

  /** Each group's best copy, by group number (longer than {@link count}). */
  get best(): Int32Array {
    return this.bestOf;
  }

  get heldBytes(): number {
    return (this.index?.slotBytes ?? 0) + 4 * this.bestOf.length;
  }

  /** The group of `owner`'s copy `at`; undefined when it is the first copy, which opens a group of its own. */
  find(owner: number, at: number): number | undefined {
    const index = this.index ?? this.rebuiltIndex();
    for (let group = index.find(this.columns.hashId(at, owner) | 0); group !== -1; group = index.findNext())
      if (
        this.ownerOf(this.bestOf[group] as number) === owner &&
        this.columns.sameId(this.bestOf[group] as number, at)
      )
        return group;
    const group = this.groupCount++;
    if (group === this.bestOf.length) this.bestOf = grow(this.bestOf);
    this.bestOf[group] = at;
    index.add(group);
    return undefined;
  }

  /**
   * Collecting is over: the index's slots (16 MiB at 1M events) are handed over as scratch, at least
   * 3 × {@link count} int32s of arbitrary content, for the arrays the groups are sorted with. New arrays
   * beside them came at the peak of a run, while the slots were dead but not yet collected. A later
   * {@link find} builds the index again; a second call hands over a new array.
   */
  endLookups(): Int32Array {
    const index = this.index;
    if (index === undefined) return new Int32Array(3 * this.groupCount);
    this.index = undefined;
    return index.release();
  }

  private rebuiltIndex(): HashIndex {
    const index = new HashIndex(INITIAL_SLOTS);
    for (let group = 0; group < this.groupCount; group++) {
      const best = this.bestOf[group] as number;
      let found = index.find(this.columns.hashId(best, this.ownerOf(best)) | 0);
      while (found !== -1) found = index.findNext();
      index.add(group);
    }
    this.index = index;
    return index;
  }
}
