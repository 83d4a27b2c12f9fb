import type { ObjectRef } from '../s3/object-source.js';
import type { SqsContinuationQueue } from './continuation-queue.js';

/**
 * `continueLater` over the ingest queue, with the SQS client loaded and created on the first continuation
 * only: most calls finish in time and never send one, so cold starts need not evaluate the SQS SDK or build
 * its client. Later continuations reuse the one client.
 */
export function lazyContinuationQueue(queueUrl: string): (objects: readonly ObjectRef[]) => Promise<void> {
  let queue: Promise<SqsContinuationQueue> | undefined;
  return async (objects) => {
    queue ??= openQueue(queueUrl);
    await (await queue).continueLater(objects);
  };
}

async function openQueue(queueUrl: string): Promise<SqsContinuationQueue> {
  const [{ SqsContinuationQueue }, { sqsClient }] = await Promise.all([
    import('./continuation-queue.js'),
    import('../../shared/sqs-client.js'),
  ]);
  return new SqsContinuationQueue(sqsClient, queueUrl);
}
