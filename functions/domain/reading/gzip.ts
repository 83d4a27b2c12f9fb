import { constants, crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { ContainerError, formatByteCount } from './container-error.js';
import {
  afterMember,
  CompressedInput,
  FramingProblem,
  GZIP_MAGIC,
  readHeader,
  readTrailer,
} from './gzip-framing.js';
import { startsWith } from './peek.js';

// Each output chunk and each input slice is a round trip between zlib's thread and this one: at 64 KiB chunks
// and 16 KiB slices, reading the benchmark's 1M-event file took ~0.4 s more CPU and wall time than now.
/** zlib's output chunk size: few, large chunks for the text splitter downstream. */
const OUTPUT_CHUNK_BYTES = 256 * 1024;
/** Inflated bytes that may wait for the consumer while zlib goes on with the next slice. */
const READ_AHEAD_BYTES = 1024 * 1024;
/**
 * Input is fed in slices so one slice of a gzip bomb inflates to at most ~64 MiB before the size check; each
 * is this long (the last of a member excepted), wherever the source's chunks end.
 */
const INPUT_SLICE_BYTES = 64 * 1024;

export function isGzip(head: Uint8Array): boolean {
  return startsWith(head, GZIP_MAGIC);
}

/** Where reading a file has got: for the limit and for saying how far it got. */
interface Progress {
  readonly file: string;
  readonly input: CompressedInput;
  readonly maxBytes: number;
  delivered: number;
}

/**
 * Gunzips a stream the way `gunzip` does: concatenated gzip members are one file, zero bytes after the last
 * are padding. Each member's header and trailer are read here and only its deflate data goes to zlib, so
 * a member that ends is delivered whole (its CRC and length checked) before whatever follows it is judged:
 * text after the last member, a corrupt header or a bad check is a ContainerError after every byte before
 * it. Inside a member, a truncated file delivers everything zlib inflated; corrupt deflate data, what zlib
 * inflated before its last slice (slices are fixed from the member's start, so that is the same for any
 * chunking). An error of the source itself passes through unchanged after the bytes before it; stopping
 * early closes the source.
 */
export async function* gunzip(
  file: string,
  source: AsyncIterator<Uint8Array>,
  maxBytes = Number.POSITIVE_INFINITY,
): AsyncGenerator<Uint8Array> {
  const progress: Progress = { file, input: new CompressedInput(source), maxBytes, delivered: 0 };
  const { input } = progress;
  try {
    for (;;) {
      const header = await readHeader(input);
      if (header !== undefined) throw framingError(progress, header);
      const inflated = yield* inflateMember(progress);
      const trailer = await readTrailer(input, inflated);
      if (trailer !== undefined) throw framingError(progress, trailer);
      const next = await afterMember(input);
      if (next === 'end') break;
      if (next instanceof FramingProblem) throw framingError(progress, next);
    }
    if (input.failure !== undefined) throw input.failure.error;
  } finally {
    await input.close();
  }
}

/** A framing problem as the file's error, unless the source failed first (then that is the error). */
function framingError(progress: Progress, problem: FramingProblem): unknown {
  if (progress.input.failure !== undefined) return progress.input.failure.error;
  return new ContainerError(problem.kind, progress.file, problem.reason, {
    deliveredBytes: progress.delivered,
    compressedOffset: progress.input.offset,
  });
}

/**
 * Inflates one member's deflate data, yielding it chunk by chunk; returns its CRC-32 and length. zlib
 * inflates on a thread of its own: the next slice goes in before a chunk is handed on, so that it inflates
 * while the consumer parses instead of the two taking turns. Bytes past the end of the deflate data go
 * back to the input for the trailer.
 */
async function* inflateMember(
  progress: Progress,
): AsyncGenerator<Uint8Array, { crc: number; bytes: number }> {
  const whole = await inflateWhole(progress);
  if (whole !== undefined) {
    if (whole.length > 0) {
      progress.delivered += whole.length;
      yield whole;
    }
    return { crc: crc32(whole), bytes: whole.length };
  }
  return yield* inflateStreamed(progress);
}

/**
 * A member whose deflate data ends inside its first slice and inflates to one output chunk, inflated at once
 * on this thread: a zlib stream and its thread's round trips cost ~60 µs a member, which made a file of
 * many one-line members (`cat a.gz b.gz …`) ten times slower than one member of the same lines. Whatever
 * else (a longer member, one that breaks, ends early or passes the size limit) gets its first slice back
 * and is streamed from its start, so its outcome does not depend on this try.
 */
async function inflateWhole(progress: Progress): Promise<Buffer | undefined> {
  const { input } = progress;
  const slice = await input.take(INPUT_SLICE_BYTES);
  const room = Math.min(OUTPUT_CHUNK_BYTES, progress.maxBytes - progress.delivered);
  if (slice.length > 0 && room >= 1) {
    try {
      const { buffer, engine } = inflateRawSync(slice, {
        info: true,
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: room,
      }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      // zlib stops short of the slice's end only where the deflate data ends; all of it used may be an end.
      const used = engine.bytesWritten;
      if (used < slice.length) {
        input.unread(slice.subarray(used));
        return buffer;
      }
    } catch {
      // Corrupt, or past the room: the stream below meets the same data and says what it says about it.
    }
  }
  input.unread(slice);
  return undefined;
}

/** Inflates one member's deflate data through a zlib stream (see inflateMember). */
async function* inflateStreamed(
  progress: Progress,
): AsyncGenerator<Uint8Array, { crc: number; bytes: number }> {
  const { input, file } = progress;
  // A truncated member flushes what it inflated instead of failing; the missing trailer then says truncated.
  const inflater = createInflateRaw({ chunkSize: OUTPUT_CHUNK_BYTES, finishFlush: constants.Z_SYNC_FLUSH });
  // Output is collected from 'data' events rather than read from the stream: a stream destroyed by a zlib
  // error drops what it still buffers, and those bytes precede the break.
  const inflated: Buffer[] = [];
  let inflateError: (Error & { code?: string }) | undefined;
  let ended = false;
  let finishing = false;
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
    ended = true;
    notify();
  });
  inflater.on('error', (error) => {
    inflateError ??= error;
    notify();
  });

  const dataStart = input.offset;
  let lastSlice: Uint8Array = new Uint8Array(0);
  let lastSliceStart = dataStart;
  let crc = 0;
  let bytes = 0;
  try {
    for (;;) {
      if (
        !sliceInFlight &&
        !finishing &&
        !ended &&
        inflateError === undefined &&
        queuedBytes < READ_AHEAD_BYTES
      ) {
        // Whole slices from the member's start, however the source cuts its bytes: zlib drops what it inflated
        // from the slice in which the data breaks, so the text before a break depends on the slices alone.
        const slice = await input.take(INPUT_SLICE_BYTES);
        if (slice.length === 0) {
          finishing = true;
          inflater.end();
        } else {
          lastSlice = slice;
          lastSliceStart = input.offset - slice.length;
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
        if (progress.delivered + chunk.length > progress.maxBytes) {
          throw new ContainerError(
            'too-large',
            file,
            `inflates past the ${formatByteCount(progress.maxBytes)} limit; refused`,
            { deliveredBytes: progress.delivered, compressedOffset: dataStart + inflater.bytesWritten },
          );
        }
        crc = crc32(chunk, crc);
        bytes += chunk.length;
        progress.delivered += chunk.length;
        yield chunk;
        continue;
      }
      if (inflateError !== undefined) {
        if (input.failure !== undefined) throw input.failure.error;
        throw new ContainerError(
          'corrupt',
          file,
          `corrupt gzip data (${inflateError.message})`,
          {
            deliveredBytes: progress.delivered,
            compressedOffset: dataStart + inflater.bytesWritten,
          },
          { cause: inflateError },
        );
      }
      if (ended) {
        // The deflate data ended inside the last slice given: the rest of it is the trailer and beyond.
        const used = dataStart + inflater.bytesWritten - lastSliceStart;
        if (used < 0 || used > lastSlice.length)
          throw new Error(`gunzip: zlib ended outside its last slice (${used})`);
        input.unread(lastSlice.subarray(used));
        return { crc, bytes };
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    inflater.destroy();
  }
}
