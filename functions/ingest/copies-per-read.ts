/**
 * Copies whose texts an ingest call reads again at once, for the merges waiting on them (rule 3's ties with
 * copies read elsewhere) in a function of 1,024 MB or more (`copiesPerReadFor`: fewer in a smaller one); it
 * holds at most twice as many, some 0.5 KB of canonical JSON each: about 100 MB whatever the chunk. A file
 * overlapping an earlier one makes every merge of a chunk wait, on both copies of every event: a chunk's
 * texts passed the function's memory.
 */
export const COPIES_PER_READ = 100_000;

/** How many of the merges `waiting` (in merge order) one read of `perRead` copies serves: the first at least. */
export function servedByOneRead(
  waiting: readonly { readonly sources: readonly unknown[] }[],
  perRead: number,
) {
  let copies = 0;
  for (const [k, { sources }] of waiting.entries()) {
    copies += sources.length;
    if (copies > perRead) return Math.max(k, 1);
  }
  return waiting.length;
}
