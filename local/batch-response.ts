// Lambda's partial batch responses for SQS (`batchItemFailures`), as the local event source mapping reads
// them: which messages of a batch failed, and why.
import type { StoredMessage } from './sqs-queue.js';

export interface FailedMessages {
  readonly ids: Set<string>;
  readonly reason: string;
  /** A reason of each message's own, when the handler gave one (the ingest's `failureReasons`). */
  readonly reasons?: Readonly<Record<string, unknown>>;
}

/** Why `messageId` failed: its own reason when the handler gave one, else the batch's. */
export function reasonFor(failed: FailedMessages, messageId: string): string {
  const own = failed.reasons?.[messageId];
  return typeof own === 'string' && own !== '' ? own : failed.reason;
}

/**
 * Which messages of a batch failed, by Lambda's rules for partial batch responses: no response, no
 * list or an empty list is complete success; an identifier that is not one of the batch's message ids
 * (or a malformed response) fails the whole batch.
 */
export function failedMessageIds(
  batch: readonly Pick<StoredMessage, 'messageId'>[],
  response: unknown,
): FailedMessages {
  const all = { ids: new Set(batch.map((message) => message.messageId)) };
  if (response === undefined || response === null) return { ids: new Set(), reason: '' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { ids: new Set(), reason: '' };
  if (!Array.isArray(failures)) {
    return {
      ...all,
      reason: 'the handler returned batchItemFailures that is not a list; the whole batch failed',
    };
  }
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.ids.has(id)) {
      return {
        ...all,
        reason: `the handler reported itemIdentifier ${JSON.stringify(id)}, not a message of the batch; the whole batch failed`,
      };
    }
    ids.add(id);
  }
  const reasons = (response as { failureReasons?: unknown }).failureReasons;
  return {
    ids,
    reason: 'reported as failed by the handler (batchItemFailures)',
    ...(typeof reasons === 'object' && reasons !== null && { reasons: reasons as Record<string, unknown> }),
  };
}
