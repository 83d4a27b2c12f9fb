// How the store reads DynamoDB's errors (retry, or another writer got there first) and how long it waits
// before trying again; the transport applies them to every request.

const RETRYABLE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
]);

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export function isRetryableError(error: unknown): boolean {
  return RETRYABLE_ERRORS.has(errorName(error));
}

/** A condition failed: another writer got there first. */
export function isConditionFailure(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'ConditionalCheckFailedException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some(
    (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An attempt ran out of time before it could write everything: it gives up and starts over. Nothing of it
 * is sent after its deadline, resends included: the head forgets a version on the assumption that no loser
 * of it still writes (docs/design.md, "The head's history").
 */
export class DeadlinePassed extends Error {
  constructor() {
    super('the merge attempt passed its deadline');
    this.name = 'DeadlinePassed';
  }
}

export function checkDeadline(notAfter: number | undefined): void {
  if (notAfter !== undefined && Date.now() > notAfter) throw new DeadlinePassed();
}

/** Full-jitter exponential backoff, capped at 5 s. */
export function backoff(attempt: number, baseDelayMs: number): Promise<void> {
  return sleep(Math.random() * Math.min(5_000, baseDelayMs * 2 ** attempt));
}
