import { CLOCK_MARGIN_MS, keysWritten, STAGED_DEADLINE_MS } from './commit-history.js';
import type { Head, Intent } from './head.js';
import { addIntentUpdate, dropIntentUpdate, headKey, intentHeadItem } from './head-codec.js';
import { errorName } from './request-errors.js';
import type { Transport } from './transport.js';

/** Registers a staged write in the head before its items are written, so a crash leaves nothing hidden. */
export async function registerIntent(
  transport: Transport,
  user: string,
  head: Head,
  txn: string,
  intent: Intent,
) {
  if (!head.exists) {
    await transport.put(intentHeadItem(user, txn, intent), {
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    return;
  }
  await transport.update(headKey(user), addIntentUpdate(head, txn, intent));
}

/** Deletes a staged write's items (day pages and chunks written under its transaction), then its intent. */
export async function abandonIntent(
  transport: Transport,
  user: string,
  txn: string,
  intent: Intent,
): Promise<void> {
  const own = await keysWritten(
    transport,
    user,
    (prefix) => [`${prefix}${intent.firstDay}#`, `${prefix}${intent.lastDay}#~`],
    (version, written) => written === txn && version === String(intent.version),
  );
  await transport.deleteKeys(own);
  try {
    await transport.update(headKey(user), dropIntentUpdate(txn));
  } catch (error) {
    if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
  }
}

/**
 * Cleans every intent that can no longer commit (its version was reached by another commit) and whose writer
 * can no longer write (past its deadline); until then its items stay registered, and so invisible.
 */
export async function cleanDeadIntents(
  transport: Transport,
  user: string,
  head: Head,
  now = Date.now(),
): Promise<boolean> {
  let cleaned = false;
  for (const [txn, intent] of head.intents) {
    if (intent.version > head.version) continue;
    if (intent.at + STAGED_DEADLINE_MS + CLOCK_MARGIN_MS > now) continue;
    await abandonIntent(transport, user, txn, intent);
    cleaned = true;
  }
  return cleaned;
}
