import { CHUNK_PREFIX, DAY_PREFIX, userPk } from './keys.js';
import { itemKey, type Key, type Transport } from './transport.js';

/**
 * The head's memory of its latest commits, which makes the visibility of recent items exact
 * (docs/design.md, "Merges"). Every attempt writes its items under the version it hopes to commit; an attempt
 * that loses the race may still be writing for a while. So for each recent version the head names the
 * transaction that committed it, and only once no loser can still write (every attempt stops writing at its
 * deadline) are the losers' items of that version cleared and the version forgotten.
 */
export interface RecentCommit {
  readonly version: number;
  readonly txn: string;
  /** When it committed (epoch ms). */
  readonly at: number;
  /** The newest stored day before it: a losing append of this version wrote only after this day. */
  readonly afterDay: string | undefined;
}

/** An append stops writing this long after it read the head (a staged write's intent covers it longer). */
export const APPEND_DEADLINE_MS = 60_000;
/** A staged write stops writing this long after registering its intent. */
export const STAGED_DEADLINE_MS = 15 * 60_000;
/** Room for clocks that disagree. */
export const CLOCK_MARGIN_MS = 60_000;
/** How long a commit stays in the head's memory. */
export const RECENT_RETENTION_MS = APPEND_DEADLINE_MS + CLOCK_MARGIN_MS;
/**
 * A bound on the head's size under a burst of commits; past it the oldest are cleared early, which is exact
 * only if none of their losers is still writing. Commits to one user are serialized by the head, a few per
 * second at most, so 512 within the retention is far beyond any real burst (docs/design.md, limitations).
 */
export const MAX_RECENT = 512;

/** The history after a commit, and the commits that leave it (their losers must be cleared first). */
export function nextHistory(
  recent: readonly RecentCommit[],
  commit: RecentCommit,
  now: number,
): { recent: RecentCommit[]; expired: RecentCommit[] } {
  const kept: RecentCommit[] = [];
  const expired: RecentCommit[] = [];
  for (const entry of recent) (entry.at > now - RECENT_RETENTION_MS ? kept : expired).push(entry);
  kept.push(commit);
  while (kept.length > MAX_RECENT) expired.push(kept.shift() as RecentCommit);
  return { recent: kept, expired };
}

/**
 * Deletes what losing appends wrote for versions leaving the history: items of that version written by
 * another transaction, after the day that was newest when it committed. (Staged losers are found by their
 * intents instead.)
 */
export async function clearLosers(
  transport: Transport,
  user: string,
  expired: readonly RecentCommit[],
): Promise<void> {
  for (const commit of expired) {
    const losers = await keysWritten(
      transport,
      user,
      (prefix) => [commit.afterDay === undefined ? prefix : `${prefix}${commit.afterDay}#~`, `${prefix}~`],
      (version, txn) => version === String(commit.version) && txn !== commit.txn,
    );
    await transport.deleteKeys(losers);
  }
}

/**
 * The keys of `user`'s day pages and chunks between the sort keys `bounds` gives for each kind's prefix, among
 * them those whose version and transaction (`v`, `t`) `written` picks.
 */
export async function keysWritten(
  transport: Transport,
  user: string,
  bounds: (prefix: string) => readonly [first: string, last: string],
  written: (version: string | undefined, txn: string | undefined) => boolean,
): Promise<Key[]> {
  const pk = userPk(user);
  const keys: Key[] = [];
  for (const prefix of [DAY_PREFIX, CHUNK_PREFIX]) {
    const [first, last] = bounds(prefix);
    const items = await transport.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': { S: pk }, ':first': { S: first }, ':last': { S: last } },
      ProjectionExpression: 'sk, v, t',
      ConsistentRead: true,
    });
    for (const item of items) {
      if (written(item.v?.N, item.t?.S)) keys.push(itemKey(pk, item.sk?.S ?? ''));
    }
  }
  return keys;
}
