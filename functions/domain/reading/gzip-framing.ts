/**
 * The framing around each member of a gzip file (RFC 1952): the header before its deflate data and the
 * trailer after it, read from a pull-based byte input so the inflater only ever sees one member's deflate
 * data. What lies between and after members is judged here too.
 */
import { crc32 } from 'node:zlib';

export const GZIP_MAGIC = [0x1f, 0x8b] as const;
const DEFLATE = 8;
const FLAG_HEADER_CRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;
const RESERVED_FLAGS = 0xe0;
/** Magic, method, flags, modification time, extra flags, OS. */
const FIXED_HEADER_BYTES = 10;
/** CRC-32 and size mod 2^32 of the member's inflated bytes, little-endian. */
const TRAILER_BYTES = 8;

/** Compressed bytes pulled from a source a slice at a time; bytes read too far are given back. */
export class CompressedInput {
  private pending: Uint8Array = new Uint8Array(0);
  private open = true;
  /** Set when the source itself failed: thrown once everything before it is delivered. */
  failure: { error: unknown } | undefined;
  /** Bytes handed out so far (minus those given back): where the next byte is in the file. */
  offset = 0;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Up to `most` bytes; empty at the end of the source (or at its failure). */
  async next(most: number): Promise<Uint8Array> {
    while (this.pending.length === 0 && this.open) {
      const next = await this.source.next().catch((error: unknown) => {
        this.failure = { error };
        return { done: true, value: undefined } as const;
      });
      if (next.done) this.open = false;
      else this.pending = next.value;
    }
    const slice = this.pending.subarray(0, most);
    this.pending = this.pending.subarray(slice.length);
    this.offset += slice.length;
    return slice;
  }

  /** Exactly `count` bytes, or fewer when the source ends first. */
  async take(count: number): Promise<Uint8Array> {
    const first = await this.next(count);
    if (first.length === count || first.length === 0) return first;
    // The slice spans source chunks, so its bytes are joined, together with the rest of the last chunk it
    // reaches: what follows is then handed out as views of the join. Joining only the slice made every tiny
    // gzip member copy a whole 64 KiB slice again (and `unread` copy it back), ~60 µs a member.
    const parts = [first];
    let filled = first.length;
    while (filled < count) {
      const more = await this.next(Number.POSITIVE_INFINITY);
      if (more.length === 0) break;
      parts.push(more);
      filled += more.length;
    }
    const joined = new Uint8Array(filled);
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    const bytes = joined.subarray(0, Math.min(count, filled));
    this.unread(joined.subarray(bytes.length));
    return bytes;
  }

  /** Gives back the last bytes handed out, which belong to what comes next. */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.offset -= bytes.length;
    if (this.pending.length === 0) {
      this.pending = bytes;
      return;
    }
    // Bytes handed out as a view of what is still pending lie right before it: the view widens, no copy.
    if (bytes.buffer === this.pending.buffer && bytes.byteOffset + bytes.length === this.pending.byteOffset) {
      this.pending = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length + this.pending.length);
      return;
    }
    const joined = new Uint8Array(bytes.length + this.pending.length);
    joined.set(bytes);
    joined.set(this.pending, bytes.length);
    this.pending = joined;
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.source.return?.();
  }
}

/** A member's framing did not hold: `truncated` when the file ended inside it. */
export class FramingProblem {
  constructor(
    readonly kind: 'truncated' | 'corrupt',
    readonly reason: string,
  ) {}
}

const TRUNCATED = new FramingProblem('truncated', 'gzip data ends early (truncated file)');

/** Reads one member's header, its magic included; a problem when it is not a header or the file ends in it. */
export async function readHeader(input: CompressedInput): Promise<FramingProblem | undefined> {
  const fixed = await input.take(FIXED_HEADER_BYTES);
  if (fixed.length < FIXED_HEADER_BYTES) return TRUNCATED;
  if (fixed[0] !== GZIP_MAGIC[0] || fixed[1] !== GZIP_MAGIC[1])
    return new FramingProblem('corrupt', 'corrupt gzip data (incorrect header check)');
  if (fixed[2] !== DEFLATE)
    return new FramingProblem('corrupt', 'corrupt gzip data (unknown compression method)');
  const flags = fixed[3] as number;
  if ((flags & RESERVED_FLAGS) !== 0)
    return new FramingProblem('corrupt', 'corrupt gzip data (unknown header flags set)');
  // The header CRC covers every header byte before it: summed as they pass, none of them kept.
  let crc = crc32(fixed);
  if ((flags & FLAG_EXTRA) !== 0) {
    const length = await input.take(2);
    if (length.length < 2) return TRUNCATED;
    const extraLength = (length[0] as number) | ((length[1] as number) << 8);
    const extra = await input.take(extraLength);
    if (extra.length < extraLength) return TRUNCATED;
    crc = crc32(extra, crc32(length, crc));
  }
  for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
    if ((flags & flag) === 0) continue;
    const skipped = await skipZeroTerminated(input, crc);
    if (skipped === undefined) return TRUNCATED;
    crc = skipped;
  }
  if ((flags & FLAG_HEADER_CRC) !== 0) {
    const stored = await input.take(2);
    if (stored.length < 2) return TRUNCATED;
    if ((crc & 0xffff) !== ((stored[0] as number) | ((stored[1] as number) << 8)))
      return new FramingProblem('corrupt', 'corrupt gzip data (header crc mismatch)');
  }
  return undefined;
}

/**
 * Header text and padding after the last member are passed over a slice at a time: a name the length of the
 * file is neither held nor read bytewise.
 */
const SKIP_SLICE_BYTES = 64 * 1024;

/** Skips a zero-terminated field (its zero too); the CRC-32 so far with its bytes, or undefined at the end. */
async function skipZeroTerminated(input: CompressedInput, crc: number): Promise<number | undefined> {
  let sum = crc;
  for (;;) {
    const slice = await input.next(SKIP_SLICE_BYTES);
    if (slice.length === 0) return undefined;
    const zero = slice.indexOf(0);
    if (zero === -1) {
      sum = crc32(slice, sum);
      continue;
    }
    input.unread(slice.subarray(zero + 1));
    return crc32(slice.subarray(0, zero + 1), sum);
  }
}

/** Checks a member's trailer against what it inflated to (its CRC-32 and its byte count). */
export async function readTrailer(
  input: CompressedInput,
  inflated: { crc: number; bytes: number },
): Promise<FramingProblem | undefined> {
  const trailer = await input.take(TRAILER_BYTES);
  if (trailer.length < TRAILER_BYTES) return TRUNCATED;
  const view = new DataView(trailer.buffer, trailer.byteOffset, TRAILER_BYTES);
  if (view.getUint32(0, true) !== inflated.crc >>> 0)
    return new FramingProblem('corrupt', 'corrupt gzip data (incorrect data check)');
  if (view.getUint32(4, true) !== inflated.bytes % 2 ** 32)
    return new FramingProblem('corrupt', 'corrupt gzip data (incorrect length check)');
  return undefined;
}

/**
 * What follows a complete member: another member, the end, or something else. Zero bytes are padding (as
 * gunzip takes them); anything else after the last member is not gzip data, which leaves what came before
 * it whole but the file not read to its end.
 */
export async function afterMember(input: CompressedInput): Promise<'member' | 'end' | FramingProblem> {
  for (;;) {
    // Padding is passed over a slice at a time: byte by byte, 100 MB of it took half a minute.
    const slice = await input.next(SKIP_SLICE_BYTES);
    if (slice.length === 0) return 'end';
    let first = 0;
    while (first < slice.length && slice[first] === 0) first++;
    if (first === slice.length) continue;
    input.unread(slice.subarray(first));
    if (slice[first] !== GZIP_MAGIC[0]) {
      return new FramingProblem(
        'corrupt',
        'corrupt gzip data (what follows the last member is not gzip data)',
      );
    }
    return 'member';
  }
}
