import { createGunzip } from 'node:zlib';
import { ContainerError, formatByteCount } from './container-error.js';
import { startsWith } from './peek.js';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** zlib's output chunk size: few, large chunks for the text splitter downstream. */
const OUTPUT_CHUNK_BYTES = 64 * 1024;
/** Inflated bytes that may wait for the consumer while zlib goes on with the next slice. */
const READ_AHEAD_BYTES = 256 * 1024;
/** Input is fed in slices so one slice of a gzip bomb inflates to at most ~16 MiB before the size check. */
const INPUT_SLICE_BYTES = 16 * 1024;

export function isGzip(head: Uint8Array): boolean {
  return startsWith(head, GZIP_MAGIC);
}

/**
 * Gunzips a stream the way `gunzip` does: concatenated gzip members are one file. Every byte inflated before
 * a corrupt or truncated spot is delivered first, then a ContainerError says how far reading got. An error
 * of the source itself passes through unchanged; stopping early closes the source.
 */
export async function* gunzip(
  file: string,
  source: AsyncIterator<Uint8Array>,
  maxBytes = Number.POSITIVE_INFINITY,
): AsyncGenerator<Uint8Array> {
  const inflater = createGunzip({ chunkSize: OUTPUT_CHUNK_BYTES });
  // zlib's output is collected from 'data' events rather than read from the stream: a stream destroyed by
  // a zlib error drops what it still buffers, and those bytes precede the break.
  const inflated: Buffer[] = [];
  let inflateError: (Error & { code?: string }) | undefined;
  let inflaterEnded = false;
  let sliceInFlight = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  let queuedBytes = 0;
  inflater.on('data', (chunk: Buffer) => {
    inflated.push(chunk);
    queuedBytes += chunk.length;
    notify();
  });
  inflater.on('end', () => {
    inflaterEnded = true;
    notify();
  });
  inflater.on('error', (error) => {
    inflateError ??= error;
    notify();
  });

  let sourceOpen = true;
  let sourceFailure: { error: unknown } | undefined;
  let pending: Uint8Array = new Uint8Array(0);
  let delivered = 0;
  try {
    for (;;) {
      // zlib inflates on a thread of its own: the next slice goes in before a chunk is handed on, so that
      // it inflates while the consumer parses instead of the two taking turns.
      if (!sliceInFlight && queuedBytes < READ_AHEAD_BYTES && inflateError === undefined && !inflaterEnded) {
        if (pending.length === 0 && sourceOpen) {
          // A failure of the source is thrown once everything inflated before it is delivered.
          const next = await source.next().catch((error: unknown) => {
            sourceFailure = { error };
            return { done: true, value: undefined } as const;
          });
          if (!next.done) {
            pending = next.value;
          } else {
            sourceOpen = false;
            if (sourceFailure === undefined) inflater.end();
          }
        }
        if (pending.length > 0) {
          const slice = pending.subarray(0, INPUT_SLICE_BYTES);
          pending = pending.subarray(slice.length);
          sliceInFlight = true;
          inflater.write(slice, () => {
            sliceInFlight = false;
            notify();
          });
        }
      }
      const chunk = inflated.shift();
      if (chunk) {
        queuedBytes -= chunk.length;
        if (delivered + chunk.length > maxBytes) {
          throw new ContainerError(
            'too-large',
            file,
            `inflates past the ${formatByteCount(maxBytes)} limit; refused`,
            { deliveredBytes: delivered, compressedOffset: inflater.bytesWritten },
          );
        }
        delivered += chunk.length;
        yield chunk;
        continue;
      }
      if (inflateError) throw gzipError(file, inflateError, delivered, inflater.bytesWritten);
      if (sourceFailure !== undefined && !sliceInFlight) throw sourceFailure.error;
      if (inflaterEnded) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    inflater.destroy();
    if (sourceOpen) {
      sourceOpen = false;
      await source.return?.();
    }
  }
}

function gzipError(
  file: string,
  error: Error & { code?: string },
  deliveredBytes: number,
  compressedOffset: number,
): ContainerError {
  const progress = { deliveredBytes, compressedOffset };
  if (error.code === 'Z_BUF_ERROR') {
    return new ContainerError('truncated', file, 'gzip data ends early (truncated file)', progress, {
      cause: error,
    });
  }
  return new ContainerError('corrupt', file, `corrupt gzip data (${error.message})`, progress, {
    cause: error,
  });
}
