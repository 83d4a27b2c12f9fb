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
  terminate(): void;
}

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

  terminate(): void {}
}

/** fflate's inflater made stoppable, so that a refused or abandoned member is skipped without inflating it. */
class StoppableInflate implements MemberDecoder {
  ondata: DataHandler = () => {};
  private stopped = false;
  private readonly inflate = new Inflate((data, final) => this.ondata(null, data, final));

  data(chunk: Uint8Array): void {
    this.push(chunk, false);
  }

  end(): void {
    this.push(EMPTY, true);
  }

  terminate(): void {
    this.stopped = true;
  }

  private push(chunk: Uint8Array, final: boolean): void {
    if (this.stopped) return;
    try {
      this.inflate.push(chunk, final);
    } catch (error) {
      this.stopped = true;
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
