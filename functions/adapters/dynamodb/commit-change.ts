/**
 * The commit protocol of one partition's prepared change (partition-change.ts), shared by the merge, the
 * rebuild and the stitching moves: write its items, commit the head on the version read, and when the race is
 * lost clear what was written.
 */
import { APPEND_DEADLINE_MS, clearLosers, nextHistory, STAGED_DEADLINE_MS } from './commit-history.js';
import { commitUpdate, decodeHead, headKey } from './head-codec.js';
import { abandonIntent, registerIntent } from './intents.js';
import { collectGarbage, type PreparedChange } from './partition-change.js';
import { putAll } from './put-combiner.js';
import { DeadlinePassed, isConditionFailure } from './request-errors.js';
import type { Key, Transport } from './transport.js';
import { namesCommit } from './visibility.js';

/**
 * Whether an attempt whose write failed lost the race; anything but a failed condition or a passed deadline
 * is thrown on. A failed commit (`commit`: the head it was sent to) may be this attempt's own, applied and
 * sent again: it did not lose when the head names its transaction.
 */
export async function lostRace(
  transport: Transport,
  error: unknown,
  commit: { readonly user: string; readonly txn: string } | undefined,
): Promise<boolean> {
  if (!isConditionFailure(error) && !(error instanceof DeadlinePassed)) throw error;
  return (
    commit === undefined || !namesCommit(decodeHead(await transport.get(headKey(commit.user))), commit.txn)
  );
}

/**
 * Writes a single partition's prepared change and commits it (docs/design.md, "Merges"). An append (new days
 * after the newest) is written as is: its items stay invisible until the head names its version. Anything
 * else registers an intent in the head first, so a crash between writes leaves nothing a later merge cannot
 * find and clear. The commit is an update of the head conditional on the version read.
 */
export async function commitChange(
  transport: Transport,
  change: PreparedChange,
  startedAt: number,
): Promise<'committed' | 'conflict'> {
  const { user, head } = change;
  const staged = !change.appendOnly;
  // Past its deadline an attempt writes nothing more: the head forgets a version only once its losers are done.
  const deadline = startedAt + (staged ? STAGED_DEADLINE_MS : APPEND_DEADLINE_MS);
  try {
    if (staged) await registerIntent(transport, user, head, change.commit.txn, change.intent);
  } catch (error) {
    if (isConditionFailure(error)) return 'conflict';
    throw error;
  }
  const written: Key[] = [];
  let committing = false;
  try {
    await putAll(transport, change.items, deadline, written);
    const now = Date.now();
    const history = nextHistory(
      head.recent,
      { version: change.commit.version, txn: change.commit.txn, at: now, afterDay: head.lastDay },
      now,
    );
    await clearLosers(transport, user, history.expired);
    const commit = { ...change.commit, recent: history.recent };
    const update = commitUpdate(
      staged ? { ...head, exists: true } : head,
      commit,
      staged ? commit.txn : undefined,
    );
    committing = true;
    await transport.update(headKey(user), update);
  } catch (error) {
    if (await lostRace(transport, error, committing ? { user, txn: change.commit.txn } : undefined)) {
      // Lost the race: what this attempt wrote can never become visible; clear it away.
      await transport.deleteKeys(written).catch(() => undefined);
      if (staged)
        await abandonIntent(transport, user, change.commit.txn, change.intent).catch(() => undefined);
      return 'conflict';
    }
  }
  await collectGarbage(transport, change.garbage, change.tombstones);
  return 'committed';
}
