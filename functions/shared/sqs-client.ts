import { SQSClient } from '@aws-sdk/client-sqs';

/** The ingest's SQS client, for the continuations it queues; the local stack runs without a queue URL. */
export const sqsClient = new SQSClient({});
