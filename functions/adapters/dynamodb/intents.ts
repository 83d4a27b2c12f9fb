import { CLOCK_MARGIN_MS, keysWritten, STAGED_DEADLINE_MS } from './commit-history.js';
import { encodeIntent, type Head, headKey, type Intent } from './head-codec.js';
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
  const value = encodeIntent(intent);
  if (!head.exists) {
    await transport.put(
      { ...headKey(user), v: { N: '0' }, t: { S: '' }, in: { M: { [txn]: value } } },
      { ConditionExpression: 'attribute_not_exists(pk)' },
    );
    return;
  }
  await transport.update(headKey(user), {
    UpdateExpression: 'SET #in.#txn = :intent',
    ConditionExpression: '#v = :read',
    ExpressionAttributeNames: { '#in': 'in', '#txn': txn, '#v': 'v' },
    ExpressionAttributeValues: { ':intent': value, ':read': { N: String(head.version) } },
  });
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
    await transport.update(headKey(user), {
      UpdateExpression: 'REMOVE #in.#txn',
      ConditionExpression: 'attribute_exists(#in.#txn)',
      ExpressionAttributeNames: { '#in': 'in', '#txn': txn },
    });
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
