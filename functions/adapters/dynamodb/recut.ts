import { sameRules } from '../../domain/rules/session-rules.js';
import type { CopyTexts } from '../../domain/store/copy-choice.js';
import { commitChange } from './commit-change.js';
import { clearLosers, nextHistory } from './commit-history.js';
import { conflictOnStaleRead } from './day-loader.js';
import { newTxn } from './day-writes.js';
import type { Head } from './head.js';
import { commitUpdate, headKey } from './head-codec.js';
import { cleanDeadIntents } from './intents.js';
import { prepareChange } from './partition-change.js';
import { backoff, isConditionFailure } from './request-errors.js';
import { type DynamoDbSessionWriter, MergeConflictError } from './session-writer.js';

/** A change that removes nothing but makes the whole partition load, so every session is cut again. */
const KEEP_EVERY_EVENT = { add: [], remove: () => false } as const;

export type Recut = { readonly status: 'rebuilt' | 'current' | 'skipped'; readonly sessionsWritten: number };

/**
 * One attempt to cut the user's stored sessions again under `writer`'s rules: one staged change over the whole
 * partition, committed with the rules' fingerprint; 'conflict' where a concurrent commit got there first.
 * `offers`: the user's stored links are offered after the recut, which marks its head until they are.
 */
export async function recut(
  writer: DynamoDbSessionWriter,
  user: string,
  texts: CopyTexts | undefined,
  offers: boolean,
): Promise<Recut | 'conflict'> {
  const startedAt = Date.now();
  let head = await writer.readHead(user);
  // Cleaning first, so what is decided below holds for the head the recut commits on.
  if (await cleanDeadIntents(writer.transport, user, head)) head = await writer.readHead(user);
  // A head without rules never committed anything (an intent that died before its commit).
  if (!head.exists || head.erased || head.rules === undefined)
    return { status: 'skipped', sessionsWritten: 0 };
  if (sameRules(head.rules, writer.rules.fingerprint)) return { status: 'current', sessionsWritten: 0 };
  const txn = newTxn();
  const offersPending = offers ? txn : null;
  const change = await prepareChange(
    writer.changeContext,
    user,
    head,
    { ...KEEP_EVERY_EVENT, ...(texts !== undefined && { texts }) },
    head.version + 1,
    txn,
  );
  if (change === undefined) {
    // The sessions come out the same under the target: only the head moves to it.
    return (await commitRulesOnly(writer, user, head, txn, offersPending))
      ? { status: 'rebuilt', sessionsWritten: 0 }
      : 'conflict';
  }
  const marked = { ...change, commit: { ...change.commit, offersPending } };
  return (await commitChange(writer.transport, marked, startedAt)) === 'committed'
    ? { status: 'rebuilt', sessionsWritten: change.plan.sessionsWritten }
    : 'conflict';
}

/** A new version, so a writer that read the old head (under the old rules) fails its commit. */
async function commitRulesOnly(
  writer: DynamoDbSessionWriter,
  user: string,
  head: Head,
  txn: string,
  offersPending: string | null,
): Promise<boolean> {
  const version = head.version + 1;
  const now = Date.now();
  const history = nextHistory(head.recent, { version, txn, at: now, afterDay: head.lastDay }, now);
  await clearLosers(writer.transport, user, history.expired);
  try {
    await writer.transport.update(
      headKey(user),
      commitUpdate(head, {
        version,
        txn,
        lastDay: head.lastDay,
        recent: history.recent,
        rules: writer.rules.fingerprint,
        offersPending,
        totals: head.totals,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * `attempt` again, after a backoff, while it loses to a concurrent commit ('conflict', or what it read went
 * stale); the user's {@link MergeConflictError} once the writer's attempts are spent.
 */
export async function retryConflicts<T>(
  writer: DynamoDbSessionWriter,
  user: string,
  attempt: () => Promise<T | 'conflict'>,
): Promise<T> {
  for (let tried = 1; tried <= writer.attempts; tried++) {
    const outcome = await attempt().catch(conflictOnStaleRead);
    if (outcome !== 'conflict') return outcome;
    await backoff(tried, writer.transport.baseDelayMs);
  }
  throw new MergeConflictError(user, writer.attempts);
}
