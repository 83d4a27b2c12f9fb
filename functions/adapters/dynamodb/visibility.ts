import type { Head } from './head-codec.js';

/**
 * Which stored items a reader or a merge may see (docs/design.md, "Merges"). Every item carries the version
 * and transaction that wrote it; the head names the last committed ones.
 *
 * - committed: written by a commit at or before the head's version;
 * - pending: a newer version, still being written (or abandoned): invisible until its commit;
 * - dead: written for the head's version by an attempt that lost the race: never visible, deleted.
 */
export type Visibility = 'committed' | 'pending' | 'dead';

export function visibilityOf(head: Head, version: number, txn: string): Visibility {
  if (version > head.version) return 'pending';
  if (version === head.version && txn !== head.txn) return 'dead';
  // A staged attempt that never committed is dead too, once its version is reached.
  const intent = head.intents.get(txn);
  if (intent !== undefined && intent.version === version) return version <= head.version ? 'dead' : 'pending';
  return 'committed';
}
