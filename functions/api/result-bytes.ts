/**
 * Lambda answers at most 6 MB, counted in the result it returns: JSON holding the body as a JSON string, so
 * every `"` and `\` of the body is escaped once more there (a control character's `\u0001`, 6 bytes, takes 7).
 * A page stops before what it lists passes this many of those bytes, leaving room for the rest of the answer.
 */
export const PAGE_RESULT_BYTES = 4 * 1024 * 1024;

/** The bytes a value of the body takes in the result Lambda returns (see {@link PAGE_RESULT_BYTES}). */
export function resultBytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(value))) - 2;
}

/** How many of `items`, from the first, fit `budget` bytes as Lambda returns them: always at least one. */
export function countFitting(items: readonly unknown[], budget = PAGE_RESULT_BYTES): number {
  let bytes = 0;
  for (let index = 0; index < items.length; index++) {
    bytes += resultBytesOf(items[index]) + 1;
    if (bytes > budget && index > 0) return index;
  }
  return items.length;
}
