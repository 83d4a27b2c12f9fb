// What the ingest holds at once, by the function's memory (Lambda gives it as AWS_LAMBDA_FUNCTION_MEMORY_SIZE):
// the events of a chunk it merges, and the copies it reads again for the merges waiting on them.

/** The events of a chunk, in the collector's estimate, in a function of 1,024 MB or more. */
export const DEFAULT_CHUNK_BYTES = 192 * 1024 ** 2;

/**
 * Copies whose texts an ingest call reads again at once, for the merges waiting on them (rule 3's ties with
 * copies read elsewhere) in a function of 1,024 MB or more (`copiesPerReadFor`: fewer in a smaller one); it
 * holds at most twice as many, some 0.5 KB of canonical JSON each: about 100 MB whatever the chunk. A file
 * overlapping an earlier one makes every merge of a chunk wait, on both copies of every event: a chunk's
 * texts passed the function's memory.
 */
export const COPIES_PER_READ = 100_000;

/**
 * The chunk a function of `memoryMb` can hold: a fifth of its memory past 64 MB (the runtime's own), which is
 * {@link DEFAULT_CHUNK_BYTES} at 1,024 MB, where a 10M-event file peaks at about 460 MiB; never more than that,
 * nor less than 8 MiB. Without a size (outside Lambda) the default.
 */
export function chunkBytesFor(memoryMb: number | undefined): number {
  if (memoryMb === undefined) return DEFAULT_CHUNK_BYTES;
  const fifth = Math.floor(((memoryMb - 64) * 1024 ** 2) / 5);
  return Math.min(DEFAULT_CHUNK_BYTES, Math.max(8 * 1024 ** 2, fifth));
}

/**
 * The copies a function of `memoryMb` reads again at once: {@link COPIES_PER_READ} where its chunks are the
 * default, fewer in proportion to them. Their texts (some 0.7 KB each, as a `Map`, up to twice as many held)
 * took 140 MB, past what a 256 MB function leaves beside its chunk.
 */
export function copiesPerReadFor(memoryMb: number | undefined): number {
  return Math.floor((COPIES_PER_READ * chunkBytesFor(memoryMb)) / DEFAULT_CHUNK_BYTES);
}
