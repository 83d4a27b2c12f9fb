/** Resolves once the output takes more; undefined when it already does. */
export type Pause = () => Promise<void> | undefined;

/**
 * Hands each item to `write`, waiting whenever the output is full: what a run holds back for its end (rows
 * of a table, rejected events) may be millions of lines, which a slow pipe would otherwise hold in memory.
 */
export async function paced<T>(items: Iterable<T>, pause: Pause, write: (item: T) => void): Promise<void> {
  for (const item of items) {
    write(item);
    const wait = pause();
    if (wait !== undefined) await wait;
  }
}
