import type { Head } from './head.js';

/**
 * Which stored items a reader or a merge may see (docs/design.md, "Merges"). Every item carries the version
 * and transaction that wrote it; the head names the last committed ones.
 *
 * - committed: written by a commit at or before the head's version;
 * - pending: a newer version, still being written (or abandoned): invisible until its commit;
 * - dead: written for the head's version by an attempt that lost the race: never visible, deleted.
 */
export type Visibility = 'committed' | 'pending' | 'dead';

/** Reads that met a newer commit start over with the new head, at most this often. */
export const MAX_READ_ATTEMPTS = 3;

export function visibilityOf(head: Head, version: number, txn: string): Visibility {
  if (version > head.version) return 'pending';
  // A recent version: the head names the one transaction that committed it.
  const recent = head.recent.find((commit) => commit.version === version);
  if (recent !== undefined) return recent.txn === txn ? 'committed' : 'dead';
  if (version === head.version) return txn === head.txn ? 'committed' : 'dead';
  // A staged attempt's items stay registered (its intent) until they are deleted.
  const intent = head.intents.get(txn);
  if (intent !== undefined && intent.version === version) return 'dead';
  // Older than every recent commit: losers of those versions have been cleared.
  return 'committed';
}

/**
 * Whether the head names `txn`'s commit, as its last or a recent one: a commit DynamoDB applied but answered
 * with an error, sent again, fails its own condition, and must not be taken for a lost race.
 */
export function namesCommit(head: Head, txn: string): boolean {
  return head.txn === txn || head.recent.some((commit) => commit.txn === txn);
}
