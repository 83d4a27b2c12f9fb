import { type FlateError, Inflate } from 'fflate';
import type { MemberSink } from './zip-member-sink.js';

/** Turning a ZIP member's stored bytes into its content, by its compression method. */

export const STORED = 0;
export const DEFLATED = 8;
const EMPTY = new Uint8Array(0);

export type DataHandler = (error: FlateError | null, data: Uint8Array, final: boolean) => void;

/** Turns a member's stored bytes into its content; terminated, it drops the rest unread. */
export interface MemberDecoder extends MemberSink {
  ondata: DataHandler;
  /** The archive ends inside the member: decode what was given and is still held. */
  flush(): void;
  terminate(): void;
}

/**
 * Deflated bytes go to fflate in blocks this long from the member's start, whatever the archive's chunks:
 * fflate drops what it inflated in a push that meets damaged data, so the content before the damage is then
 * the same however the archive arrives (the CLI's reads, an S3 download's chunks).
 */
const INFLATE_BLOCK_BYTES = 16 * 1024;

export function decoderFor(compression: number): MemberDecoder {
  return compression === DEFLATED ? new StoppableInflate() : new StoredDecoder();
}

/** Stored bytes are the content; a discarded member's are dropped by the reader at no cost. */
class StoredDecoder implements MemberDecoder {
  ondata: DataHandler = () => {};

  data(chunk: Uint8Array): void {
    this.ondata(null, chunk, false);
  }

  end(): void {
    this.ondata(null, EMPTY, true);
  }

  flush(): void {}

  terminate(): void {}
}

/**
 * fflate's inflater made stoppable, so that a refused or abandoned member is skipped without inflating it.
 * Once ended or stopped it lets go of its block and its inflater (which keeps the last block it was given):
 * the reader keeps every member's state to the archive's end for the central directory's checks, and a
 * 16 KiB block kept per member made a ZIP of 60,000 one-line files take a gigabyte.
 */
class StoppableInflate implements MemberDecoder {
  ondata: DataHandler = () => {};
  private inflate: Inflate | undefined = new Inflate((data, final) => this.ondata(null, data, final));
  /** The start of the next block, copied from the chunks that brought it; allocated when one is needed. */
  private block: Uint8Array | undefined;
  private held = 0;

  data(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length && this.inflate) {
      const room = INFLATE_BLOCK_BYTES - this.held;
      if (this.held === 0 && chunk.length - offset >= INFLATE_BLOCK_BYTES) {
        // A whole block in the chunk: pushed where it lies.
        this.push(chunk.subarray(offset, offset + INFLATE_BLOCK_BYTES), false);
        offset += INFLATE_BLOCK_BYTES;
        continue;
      }
      const part = chunk.subarray(offset, offset + room);
      this.block ??= new Uint8Array(INFLATE_BLOCK_BYTES);
      this.block.set(part, this.held);
      this.held += part.length;
      offset += part.length;
      if (this.held === INFLATE_BLOCK_BYTES) this.push(this.takeHeld(), false);
    }
  }

  end(): void {
    // Inflated before the end is checked: a stream its stated size cuts short keeps its content up to the
    // cut, as a member the archive's end cuts does (flush), instead of losing its last block.
    this.push(this.takeHeld(), false);
    this.push(EMPTY, true);
    this.terminate();
  }

  flush(): void {
    if (this.held > 0) this.push(this.takeHeld(), false);
  }

  terminate(): void {
    this.inflate = undefined;
    this.block = undefined;
    this.held = 0;
  }

  /** The bytes held, handed over whole: fflate keeps a reference to what it is given. */
  private takeHeld(): Uint8Array {
    const bytes = this.block?.subarray(0, this.held) ?? EMPTY;
    this.block = undefined;
    this.held = 0;
    return bytes;
  }

  private push(chunk: Uint8Array, final: boolean): void {
    const inflate = this.inflate;
    if (!inflate) return;
    try {
      inflate.push(chunk, final);
    } catch (error) {
      this.terminate();
      this.ondata(error as FlateError, EMPTY, true);
    }
  }
}

/** A member that is skipped whole: its bytes pass by unread. */
export class DiscardingDecoder implements MemberDecoder {
  ondata: DataHandler = () => {};
  data(): void {}
  end(): void {
    this.ondata(null, EMPTY, true);
  }
  flush(): void {}
  terminate(): void {}
}

const METHOD_NAMES: Readonly<Record<number, string>> = {
  9: 'deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'xz',
  98: 'PPMd',
  99: 'AES encryption',
};

export function describeMethod(method: number): string {
  const name = METHOD_NAMES[method];
  return `compression method ${method}${name ? ` (${name})` : ''}`;
}
