// The ingest's continuations load the SQS client on first use: they still reach the queue, one client for all.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CONTINUATION_EVENT_NAME } from '../../../functions/adapters/sqs/continuation-queue.js';
import { lazyContinuationQueue } from '../../../functions/adapters/sqs/lazy-continuation-queue.js';

const sqsMock = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/ingest';

describe('lazyContinuationQueue', () => {
  beforeEach(() => {
    sqsMock.reset();
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });

  it('sends a continuation per object on every call, through one client', async () => {
    const continueLater = lazyContinuationQueue(QUEUE_URL);
    await continueLater([
      { bucket: 'uploads', key: 'a.ndjson' },
      { bucket: 'uploads', key: 'b.ndjson' },
    ]);
    await continueLater([{ bucket: 'uploads', key: 'c.ndjson' }]);

    const calls = sqsMock.commandCalls(SendMessageCommand);
    expect(calls.map((call) => call.args[0].input.QueueUrl)).toEqual([QUEUE_URL, QUEUE_URL, QUEUE_URL]);
    expect(
      calls.map((call) => JSON.parse(call.args[0].input.MessageBody ?? '').Records[0].s3.object.key),
    ).toEqual(['a.ndjson', 'b.ndjson', 'c.ndjson']);
    expect(JSON.parse(calls[0]?.args[0].input.MessageBody ?? '').Records[0].eventName).toBe(
      CONTINUATION_EVENT_NAME,
    );
    expect(new Set(calls.map((call) => call.thisValue)).size).toBe(1);
  });

  it('passes a failed send to the caller', async () => {
    sqsMock.on(SendMessageCommand).rejects(new Error('throttled'));
    await expect(lazyContinuationQueue(QUEUE_URL)([{ bucket: 'uploads', key: 'a' }])).rejects.toThrow(
      'throttled',
    );
  });
});
