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
