/** A byte stream whose first bytes were read ahead to sniff its format, with nothing lost. */
export interface PeekedBytes {
  /** The first bytes (fewer than asked for when the stream is shorter or failed early). */
  readonly head: Uint8Array;
  /**
   * Every byte of the stream, the peeked ones included, as the source chunked them; single use. A read
   * error met while peeking is thrown here, after the bytes read before it.
   */
  readonly bytes: AsyncGenerator<Uint8Array>;
  /** Closes the source, whether or not `bytes` was ever iterated. */
  close(): Promise<void>;
}

/** Reads at least `count` bytes ahead (unless the stream ends or fails first); never throws. */
export async function peekBytes(source: AsyncIterator<Uint8Array>, count: number): Promise<PeekedBytes> {
  const chunks: Uint8Array[] = [];
  let peekedLength = 0;
  let sourceOpen = true;
  let failure: { error: unknown } | undefined;
  try {
    while (peekedLength < count) {
      const next = await source.next();
      if (next.done) {
        sourceOpen = false;
        break;
      }
      if (next.value.length === 0) continue;
      chunks.push(next.value);
      peekedLength += next.value.length;
    }
  } catch (error) {
    // A source that threw is finished; the error reaches the caller through `bytes`, in order.
    sourceOpen = false;
    failure = { error };
  }

  const closeSource = async (): Promise<void> => {
    if (!sourceOpen) return;
    sourceOpen = false;
    await source.return?.();
  };

  async function* replay(): AsyncGenerator<Uint8Array> {
    try {
      while (chunks.length > 0) yield chunks.shift() as Uint8Array;
      if (failure) throw failure.error;
      while (sourceOpen) {
        const next = await source.next();
        if (next.done) sourceOpen = false;
        else yield next.value;
      }
    } catch (error) {
      sourceOpen = false;
      throw error;
    } finally {
      // A reader that stops early must still close the source: an open file or socket otherwise lingers.
      await closeSource();
    }
  }

  const bytes = replay();
  return {
    head: firstBytes(chunks, count),
    bytes,
    async close() {
      // return() runs replay's finally only if it started; closeSource covers the case where it did not.
      await bytes.return(undefined);
      await closeSource();
    },
  };
}

/** The first `count` bytes of the chunks; copies only when they span chunks. */
export function firstBytes(chunks: readonly Uint8Array[], count: number): Uint8Array {
  const first = chunks[0];
  if (first === undefined) return new Uint8Array(0);
  if (first.length >= count || chunks.length === 1) return first.subarray(0, count);
  const head = new Uint8Array(
    Math.min(
      count,
      chunks.reduce((sum, chunk) => sum + chunk.length, 0),
    ),
  );
  let filled = 0;
  for (const chunk of chunks) {
    if (filled === head.length) break;
    const part = chunk.subarray(0, head.length - filled);
    head.set(part, filled);
    filled += part.length;
  }
  return head;
}

/** Drops the first `count` bytes of a stream (a byte-order mark), passing the rest through uncopied. */
export async function* skipBytes(
  source: AsyncIterable<Uint8Array>,
  count: number,
): AsyncGenerator<Uint8Array> {
  let toSkip = count;
  for await (const chunk of source) {
    if (toSkip >= chunk.length) {
      toSkip -= chunk.length;
      continue;
    }
    yield toSkip === 0 ? chunk : chunk.subarray(toSkip);
    toSkip = 0;
  }
}

export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

/** Bytes as an error names them: `FF FE`. */
export function hexBytes(bytes: readonly number[]): string {
  return bytes.map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}
