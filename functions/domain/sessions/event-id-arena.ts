import { hasLoneSurrogate, wtf8Bytes } from '../../../contract/wtf8.js';
import { writeUtf8 } from '../reading/buffer-text.js';
import { indexes, int32s } from './column-blocks.js';
import { Fnv } from './span-interner.js';

/**
 * Bytes per block of the arena; an id never straddles two blocks. A messageId has no length limit: an id
 * longer than a block gets a block of its own, as long as it needs, and the next id starts a new block.
 */
const ID_BLOCK_BITS = 20;
const ID_BLOCK_SIZE = 1 << ID_BLOCK_BITS;
const ID_BLOCK_MASK = ID_BLOCK_SIZE - 1;

/** Bytes each id takes beside its own: where it starts and its length (two int32s at their widest). */
const BYTES_PER_ID = 2 * 4;

const M = 0x6d;
const COLON = 0x3a;
const HYPHEN = 0x2d;

/**
 * An id `m:` + a lowercase UUID (`8-4-4-4-12` hex digits) is kept as this byte and its 16 bytes, 17 where
 * its text takes 38: most exports' messageIds, ~21 MiB less at a million events. No UTF-8 or WTF-8 text
 * holds the byte, and one text is always kept one way, so bytes still compare equal only for equal ids.
 */
const PACKED = 0xff;
/**
 * The same for an uppercase UUID (iOS's NSUUID, as Segment's iOS library sends it), tried only when the
 * lowercase packing fails: a UUID of digits alone is always {@link PACKED}. No text holds this byte either.
 */
const PACKED_UPPER = 0xfe;
const PACKED_LENGTH = 17;
const UUID_ID_LENGTH = 38;

/** Each hex digit's value by its byte, its letters in one case; -1 for any other byte. */
function hexValues(letters: (text: string) => string): Int8Array {
  const values = new Int8Array(256).fill(-1);
  for (let digit = 0; digit < 16; digit++) values[letters(digit.toString(16)).charCodeAt(0)] = digit;
  return values;
}
const HEX_VALUES = hexValues((digit) => digit);
const UPPER_HEX_VALUES = hexValues((digit) => digit.toUpperCase());
/** Each byte as its two hex digits, by case. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const UPPER_HEX_PAIRS = HEX_PAIRS.map((pair) => pair.toUpperCase());

/** Where an id is packed before it is copied over its own text, which a failed packing would spoil. */
const PACKING = Buffer.alloc(PACKED_LENGTH);

/** Packs the `m:` + UUID id at `block[offset, offset + length)` in place; its length as kept. */
function packed(block: Buffer, offset: number, length: number): number {
  if (length !== UUID_ID_LENGTH || block[offset] !== M || block[offset + 1] !== COLON) return length;
  if (!packedUuid(block, offset + 2, PACKING, 0)) return length;
  PACKING.copy(block, offset);
  return PACKED_LENGTH;
}

/** Where each group of a UUID's hex digits ends, with the hyphen after it (all but the last). */
const UUID_GROUP_ENDS = [8, 13, 18, 23, 36];

/**
 * Packs the UUID `bytes[start, start + 36)` into `block` at `offset`, as `mark` and its 16 bytes; false,
 * with the block's bytes there undefined, when it is not a UUID of the digits `values` reads.
 */
function packedFrom(
  bytes: Uint8Array,
  start: number,
  block: Buffer,
  offset: number,
  values: Int8Array,
  mark: number,
): boolean {
  let to = offset + 1;
  let from = start;
  for (const groupEnd of UUID_GROUP_ENDS) {
    const end = start + groupEnd;
    // Every group holds an even number of digits, so a byte's two digits never straddle a hyphen.
    for (; from < end; from += 2) {
      const high = values[bytes[from] as number] as number;
      const low = values[bytes[from + 1] as number] as number;
      if ((high | low) < 0) return false;
      block[to++] = (high << 4) | low;
    }
    if (groupEnd !== 36 && bytes[from++] !== HYPHEN) return false;
  }
  block[offset] = mark;
  return true;
}

/** An id given as a messageId's bytes, packed into `block` at `offset` when it is a UUID of either case. */
function packedUuid(bytes: Uint8Array, start: number, block: Buffer, offset: number): boolean {
  return (
    packedFrom(bytes, start, block, offset, HEX_VALUES, PACKED) ||
    packedFrom(bytes, start, block, offset, UPPER_HEX_VALUES, PACKED_UPPER)
  );
}

/**
 * The event ids of the columns (rule 3), as UTF-8 in arena blocks, no string object per event: deduping
 * hashes and compares their bytes in place, and an id becomes a string again only when it is read.
 */
export class EventIdArena {
  private readonly blocks: Buffer[] = [];
  private used = 0;
  private count = 0;
  private readonly starts = int32s();
  private readonly lengths = indexes();
  private allAscii = true;
  /** Ids holding a lone surrogate, whose bytes (WTF-8) do not decode back to them. */
  private readonly loneSurrogateIds = new Map<number, string>();

  get heldBytes(): number {
    return this.used + this.count * BYTES_PER_ID;
  }

  /** Keeps `id` as the id of the event at `at`. */
  store(at: number, id: string): void {
    const offset = this.reserve(id.length * 3);
    const block = this.blocks[this.blocks.length - 1] as Buffer;
    let written = writeUtf8(block, id, offset);
    if (written !== id.length) {
      this.allAscii = false;
      if (hasLoneSurrogate(id)) {
        // UTF-8 would write U+FFFD's bytes, making this id another's.
        const bytes = wtf8Bytes(id);
        block.set(bytes, offset);
        written = bytes.length;
        this.loneSurrogateIds.set(at, id);
        this.stored(at, written);
        return;
      }
    }
    this.stored(at, packed(block, offset, written));
  }

  /**
   * Keeps `m:` and the messageId `bytes[start, end)` as the id of the event at `at`: the id `store` would
   * keep for a plain event (reading/plain-event.ts), whose ASCII bytes are their own UTF-8.
   */
  storeMessageId(at: number, bytes: Uint8Array, start: number, end: number): void {
    const length = end - start + 2;
    const offset = this.reserve(length);
    const block = this.blocks[this.blocks.length - 1] as Buffer;
    // Most messageIds are UUIDs: packed straight from the record, not copied as text to be packed in place.
    if (length === UUID_ID_LENGTH && packedUuid(bytes, start, block, offset)) {
      this.stored(at, PACKED_LENGTH);
      return;
    }
    block[offset] = M;
    block[offset + 1] = COLON;
    for (let i = start, to = offset + 2; i < end; i++, to++) block[to] = bytes[i] as number;
    this.stored(at, length);
  }

  /** Where the next id of at most `most` bytes goes in the last block, after adding one if it has no room. */
  private reserve(most: number): number {
    const offset = this.used & ID_BLOCK_MASK;
    // Past the last block (an id longer than a block filled it), or no room left in it: a new block.
    if (this.used >>> ID_BLOCK_BITS >= this.blocks.length || offset + most > ID_BLOCK_SIZE) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(ID_BLOCK_SIZE, most)));
      this.used = (this.blocks.length - 1) * ID_BLOCK_SIZE;
      return 0;
    }
    return offset;
  }

  private stored(at: number, length: number): void {
    this.starts.set(at, this.used);
    this.lengths.set(at, length);
    this.used += length;
    this.count++;
  }

  private block(start: number): Buffer {
    return this.blocks[start >>> ID_BLOCK_BITS] as Buffer;
  }

  /** The id of the event at `at`. */
  text(at: number): string {
    const unpaired = this.loneSurrogateIds.size === 0 ? undefined : this.loneSurrogateIds.get(at);
    if (unpaired !== undefined) return unpaired;
    const global = this.starts.get(at);
    const start = global & ID_BLOCK_MASK;
    if (this.packing(at) !== 0) return unpacked(this.block(global), start);
    return this.block(global).toString(
      this.allAscii ? 'latin1' : 'utf8',
      start,
      start + this.lengths.get(at),
    );
  }

  /** FNV-1a over the id's bytes, mixed with `seed`. */
  hash(at: number, seed: number): number {
    const global = this.starts.get(at);
    const arena = this.block(global);
    const start = global & ID_BLOCK_MASK;
    const end = start + this.lengths.get(at);
    let hash = (Fnv.Seed ^ seed) >>> 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (arena[i] as number), Fnv.Prime);
    return hash >>> 0;
  }

  same(a: number, b: number): boolean {
    return this.lengths.get(a) === this.lengths.get(b) && this.compareBytes(a, b) === 0;
  }

  /** How the id of the event at `at` is kept: its mark ({@link PACKED}, {@link PACKED_UPPER}), 0 as text. */
  private packing(at: number): number {
    if (this.lengths.get(at) !== PACKED_LENGTH) return 0;
    const global = this.starts.get(at);
    const mark = this.block(global)[global & ID_BLOCK_MASK] as number;
    return mark === PACKED || mark === PACKED_UPPER ? mark : 0;
  }

  /**
   * Rule 5's tie order: ids by UTF-16 code units. Bytes agree with it while every id is ASCII and both are
   * kept alike: packed bytes of one case keep the order of their hex digits, whose hyphens stand at the same
   * places (a digit sorts before a letter in either case).
   */
  compare(a: number, b: number): number {
    if (this.allAscii && this.packing(a) === this.packing(b)) return this.compareBytes(a, b);
    const x = this.text(a);
    const y = this.text(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  /** The ids' UTF-8 bytes compared in order, the shorter first when one is a prefix of the other. */
  private compareBytes(a: number, b: number): number {
    const globalA = this.starts.get(a);
    const globalB = this.starts.get(b);
    const arenaA = this.block(globalA);
    const arenaB = this.block(globalB);
    const startA = globalA & ID_BLOCK_MASK;
    const startB = globalB & ID_BLOCK_MASK;
    const lengthA = this.lengths.get(a);
    const lengthB = this.lengths.get(b);
    const length = Math.min(lengthA, lengthB);
    for (let i = 0; i < length; i++) {
      const difference = (arenaA[startA + i] as number) - (arenaB[startB + i] as number);
      if (difference !== 0) return difference;
    }
    return lengthA - lengthB;
  }
}

/** The `m:` + UUID id packed at `block[start]`, as text. */
function unpacked(block: Buffer, start: number): string {
  const pairs = block[start] === PACKED ? HEX_PAIRS : UPPER_HEX_PAIRS;
  const hex = (from: number, to: number) => {
    let text = '';
    for (let i = start + 1 + from; i < start + 1 + to; i++) text += pairs[block[i] as number];
    return text;
  };
  return `m:${hex(0, 4)}-${hex(4, 6)}-${hex(6, 8)}-${hex(8, 10)}-${hex(10, 16)}`;
}
