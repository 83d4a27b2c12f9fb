// `npm run replay -- --stage` and the ingest together, in a bucket that keeps versions (as the stages' do):
// notifications were down while a key was uploaded twice; the replay must bring both uploads' events (rule 6).
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import { type ReplayTarget, replayObjects } from '../../../scripts/replay/aws-replay.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import { BUCKET, RULES, segmentLines } from './handler-harness.js';
import { bucket, createHandler, freshHandlerMocksEachTest, s3, s3Mock, writer } from './handler-mocks.js';
import { MockBucket } from './mock-bucket.js';

freshHandlerMocksEachTest();

const sqsMock = mockClient(SQSClient);
let sent: string[];
beforeEach(() => {
  sqsMock.reset();
  sent = [];
  sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
    sent.push(...input.Entries.map((entry) => entry.MessageBody ?? ''));
    return { Successful: input.Entries.map((entry) => ({ Id: entry.Id, MessageId: 'm' })), Failed: [] };
  });
});

const TARGET: ReplayTarget = {
  bucket: BUCKET,
  ingestQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  ingestQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:ingest',
  deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dlq',
  sources: DEFAULT_SOURCES,
  region: 'eu-west-1',
};

const KEY = 'incoming/daily.ndjson';
const FIRST = segmentLines([
  { user: 'first', at: 0, id: 'f1' },
  { user: 'first', at: 5, id: 'f2' },
]);
const SECOND = segmentLines([{ user: 'second', at: 0, id: 's1' }]);
const THIRD = segmentLines([{ user: 'third', at: 0, id: 't1' }]);

/** The sessions a batch over these exports gives: what the store must hold once all were delivered. */
async function batchOf(...exports: string[]) {
  const batch = new FakeSessionWriter(RULES);
  const handler = createHandler({ writer: batch });
  for (const [index, text] of exports.entries()) {
    const key = `incoming/batch-${index}.ndjson`;
    bucket.put(key, text);
    await handler(sqsEvent([s3Notification(key)]));
  }
  return batch.sessions();
}

const asEvent = (bodies: readonly string[]): SQSEvent => sqsEvent(bodies.map((body) => JSON.parse(body)));

describe('a replay of a versioned bucket, ingested', () => {
  it('ingests every version uploaded, the version listed though the key changed since, and counts none twice', async () => {
    const expected = await batchOf(FIRST, SECOND);
    const expectedWithThird = await batchOf(FIRST, SECOND, THIRD);
    const versioned = new MockBucket(s3Mock, 256, true);
    versioned.put(KEY, FIRST);
    const second = versioned.put(KEY, SECOND) as string;
    const handler = createHandler();
    // The second upload's own notification did arrive: its events are in.
    const notified = await handler(sqsEvent([s3Notification(KEY, { versionId: second })]));
    expect(notified.outcomes).toMatchObject([{ status: 'ingested', stats: { newEvents: 1 } }]);

    await replayObjects({ s3, sqs: new SQSClient({ region: 'eu-west-1' }) }, TARGET, { dryRun: false });
    // Uploaded between the listing and the ingest: its own notification brings it, not the replay.
    versioned.put(KEY, THIRD);
    const replayed = await handler(asEvent(sent));

    expect(sent).toHaveLength(2);
    expect(replayed.batchItemFailures).toEqual([]);
    // The first upload's two events are new; the second's, ingested already, are duplicates only.
    expect(replayed.outcomes).toMatchObject([
      { status: 'ingested', stats: { newEvents: 0, duplicates: 1 } },
      { status: 'ingested', stats: { newEvents: 2, duplicates: 0 } },
    ]);
    expect(writer.sessions()).toEqual(expected);

    // Replayed again: nothing changes.
    sent = [];
    await replayObjects({ s3, sqs: new SQSClient({ region: 'eu-west-1' }) }, TARGET, { dryRun: false });
    const again = await handler(asEvent(sent));
    expect(again.outcomes.map((outcome) => ('stats' in outcome ? outcome.stats.newEvents : -1))).toEqual([
      1, 0, 0,
    ]);
    expect(writer.sessions()).toEqual(expectedWithThird);
  });
});
