// Fixed-width columns of numbers for the event store (event-columns.ts).

/** Events per block of a column: columns grow a block at a time, so nothing is copied or left twice. */
const BLOCK_BITS = 16;
const BLOCK_SIZE = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_SIZE - 1;

type TypedArray = Float64Array | Int32Array | Uint8Array;

/**
 * One column of numbers in fixed-size blocks. A doubling array would copy everything at each step and hold
 * the old copy until the next full collection: at a million events, half again of what the columns need.
 */
class Column<T extends TypedArray> {
  private readonly blocks: T[] = [];

  constructor(private readonly newBlock: (length: number) => T) {}

  get(at: number): number {
    return (this.blocks[at >>> BLOCK_BITS] as T)[at & BLOCK_MASK] as number;
  }

  set(at: number, value: number): void {
    const block = at >>> BLOCK_BITS;
    if (block === this.blocks.length) this.blocks.push(this.newBlock(BLOCK_SIZE));
    (this.blocks[block] as T)[at & BLOCK_MASK] = value;
  }
}

export const float64s = () => new Column((length) => new Float64Array(length));
export const int32s = () => new Column((length) => new Int32Array(length));
export const uint8s = () => new Column((length) => new Uint8Array(length));
