// Fixed-width columns of numbers for the event store (event-columns.ts).

/** Events per block of a column: columns grow a block at a time, so nothing is copied or left twice. */
const BLOCK_BITS = 16;
const BLOCK_SIZE = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_SIZE - 1;

type TypedArray = Float64Array | Int32Array | Uint8Array;
type IndexBlock = Uint8Array | Uint16Array | Int32Array;

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

/** The largest value a block of each width (its bytes per element) holds. */
const WIDTH_LIMITS = [0, 0xff, 0xffff, 0, 0x7fffffff] as const;

/**
 * A new block of an index column whose blocks are one byte wide, until one of its events has a value: one
 * block, never written, read by all (a column past one byte starts each block at its width). A column that
 * no event of a file fills (campaigns, devices, array positions of NDJSON) then takes no memory,
 * and reading it, one event after another of a user spread through the file, reads the same 64 KB, which
 * stays in the processor's cache, where a block of its own would be a read from memory for nearly every event.
 */
const NONE_BLOCK = new Uint8Array(BLOCK_SIZE);

/**
 * A column of interned indexes, or -1 for none. Most tables are small (a file's event names, platforms,
 * devices, files), so a block starts one byte wide and widens to two or four bytes the first time one of
 * its values needs them; a new block starts as wide as the one before. Stored as the index + 1, so that
 * none is 0. Most events then take a byte a column instead of four: some 30 MiB of the CLI's peak at 1M events.
 */
class IndexColumn {
  private readonly blocks: IndexBlock[] = [];

  get(at: number): number {
    return ((this.blocks[at >>> BLOCK_BITS] as IndexBlock)[at & BLOCK_MASK] as number) - 1;
  }

  set(at: number, index: number): void {
    const stored = index + 1;
    const number = at >>> BLOCK_BITS;
    if (number === this.blocks.length) this.blocks.push(this.newBlock(number));
    let block = this.blocks[number] as IndexBlock;
    if (block === NONE_BLOCK) {
      if (stored === 0) return;
      block = new Uint8Array(BLOCK_SIZE);
      this.blocks[number] = block;
    }
    if (stored > (WIDTH_LIMITS[block.BYTES_PER_ELEMENT as 1 | 2 | 4] as number))
      block = this.widen(number, stored);
    block[at & BLOCK_MASK] = stored;
  }

  private newBlock(number: number): IndexBlock {
    const width = number === 0 ? 1 : (this.blocks[number - 1] as IndexBlock).BYTES_PER_ELEMENT;
    return width === 1 ? NONE_BLOCK : width === 2 ? new Uint16Array(BLOCK_SIZE) : new Int32Array(BLOCK_SIZE);
  }

  private widen(number: number, stored: number): IndexBlock {
    if (stored > WIDTH_LIMITS[4]) throw new RangeError(`index ${stored - 1} does not fit a column`);
    const old = this.blocks[number] as IndexBlock;
    const wider = stored <= WIDTH_LIMITS[2] ? new Uint16Array(BLOCK_SIZE) : new Int32Array(BLOCK_SIZE);
    wider.set(old);
    this.blocks[number] = wider;
    return wider;
  }
}

export const float64s = () => new Column((length) => new Float64Array(length));
export const indexes = () => new IndexColumn();
export const int32s = () => new Column((length) => new Int32Array(length));
export const uint8s = () => new Column((length) => new Uint8Array(length));
