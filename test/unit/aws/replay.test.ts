import { ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { readMessage } from '../../../functions/ingest/notifications.js';
import { redriveDeadLetters, replayObjects, sendInBatches } from '../../../scripts/replay/aws-replay.js';
import {
  clients,
  DLQ_ARN,
  freshReplayMocksEachTest,
  s3Mock,
  sentBatches,
  serveListing,
  sqsMock,
  TARGET,
} from './replay-mocks.js';

freshReplayMocksEachTest();

describe('replayObjects', () => {
  it('lists every page, keeps what the ingest reads since the day, and enqueues S3 notifications of it', async () => {
    serveListing([
      { key: 'incoming/a b+c.ndjson' },
      { key: 'incoming/old.ndjson', modified: '2023-12-31T23:59:59Z' },
      { key: 'incoming/folder/' },
      { key: 'incoming/été.json.gz' },
      { key: 'segment-logs/src/1704067200000/manifest.json' },
      { key: 'segment-logs/src/1704067200000/1704153540123.gz' },
      { key: 'rudder-logs/r/2024/01/01/x.json.gz' },
    ]);

    const result = await replayObjects(clients(), TARGET, {
      since: new Date('2024-01-01T00:00:00Z'),
      dryRun: false,
    });

    const enqueued = [
      'incoming/a b+c.ndjson',
      'incoming/été.json.gz',
      'segment-logs/src/1704067200000/1704153540123.gz',
      'rudder-logs/r/2024/01/01/x.json.gz',
    ];
    expect(result.objects.map((object) => object.key)).toEqual(enqueued);
    expect(result.older).toBe(1);
    expect(result.skipped).toEqual([
      { key: 'incoming/folder/', reason: 'a folder marker, not an export' },
      { key: 'segment-logs/src/1704067200000/manifest.json', reason: 'an export manifest, not an export' },
    ]);
    expect(s3Mock.commandCalls(ListObjectVersionsCommand).length).toBeGreaterThan(3);
    const entries = sentBatches().flat();
    // What the ingest reads back is the object as listed: the key URL-encoded on the way, as S3 does.
    const bodies = entries.map((entry) => JSON.parse(entry.MessageBody ?? '') as { Records: unknown[] });
    expect(bodies[0]?.Records).toEqual([
      expect.objectContaining({
        eventName: 'ObjectCreated:Put',
        awsRegion: 'eu-west-1',
        s3: expect.objectContaining({
          object: expect.objectContaining({ key: 'incoming/a+b%2Bc.ndjson', eTag: 'etag-21' }),
        }),
      }),
    ]);
    expect(entries.map((entry) => readMessage({ body: entry.MessageBody ?? '' }))).toEqual(
      enqueued.map((key) => ({
        objects: [{ bucket: 'events-bucket', key, eTag: `etag-${key.length}` }],
        skipped: [],
      })),
    );
  });

  it('sends ten messages a call', async () => {
    serveListing(
      Array.from({ length: 23 }, (_, index) => ({
        key: `incoming/${String(index).padStart(2, '0')}.ndjson`,
      })),
      7,
    );

    const result = await replayObjects(clients(), TARGET, { prefix: 'incoming/', dryRun: false });

    expect(result.objects).toHaveLength(23);
    expect(sentBatches().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(
      TARGET.ingestQueueUrl,
    );
  });

  it('lists only on a dry run', async () => {
    serveListing([{ key: 'incoming/a.ndjson' }]);

    const result = await replayObjects(clients(), TARGET, { dryRun: true });

    expect(result.objects.map((object) => object.key)).toEqual(['incoming/a.ndjson']);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toEqual([]);
  });

  it('skips what lies under a wider prefix but outside every source, and refuses a prefix that reaches none', async () => {
    serveListing([{ key: 'segment-logs/s/1.gz' }, { key: 'segment-archive/1.gz' }]);

    const wide = await replayObjects(clients(), TARGET, { prefix: 'segment', dryRun: true });
    const outside = replayObjects(clients(), TARGET, { prefix: 'rejected/', dryRun: true });

    expect(wide.objects.map((object) => object.key)).toEqual(['segment-logs/s/1.gz']);
    expect(wide.skipped).toEqual([{ key: 'segment-archive/1.gz', reason: 'not under any source prefix' }]);
    await expect(outside).rejects.toThrow(
      '--prefix "rejected/" selects no source of this stage; its sources are incoming/, segment-logs/, rudder-logs/',
    );
  });

  describe('when it lists nothing at all', () => {
    /** The listings of the whole bucket (Delimiter '/'), as sent. */
    const topLevelCalls = () =>
      s3Mock
        .commandCalls(ListObjectsV2Command)
        .map((call) => call.args[0].input)
        .filter((input) => input.Delimiter !== undefined);

    it("reads the bucket's top level with one ListObjectsV2: the folders that hold objects", async () => {
      serveListing(
        [
          { key: 'exports/2024/01/a.ndjson' },
          { key: 'exports/b.ndjson' },
          { key: 'notes.txt' },
          { key: 'raw/x.gz' },
        ],
        10,
      );

      const result = await replayObjects(clients(), TARGET, { dryRun: false });

      expect(result).toMatchObject({ objects: [], skipped: [], older: 0 });
      expect(result.bucketTop).toEqual({ folders: ['exports/', 'raw/'], empty: false, more: false });
      expect(topLevelCalls()).toEqual([{ Bucket: 'events-bucket', Delimiter: '/' }]);
      expect(sentBatches()).toEqual([]);
    });

    it('says the bucket is empty, or that its top level goes on past the page read', async () => {
      serveListing([]);
      const empty = await replayObjects(clients(), TARGET, { prefix: 'incoming/2024/', dryRun: true });
      expect(empty.bucketTop).toEqual({ folders: [], empty: true, more: false });

      s3Mock.reset();
      serveListing([{ key: 'a/1' }, { key: 'b/1' }, { key: 'c/1' }], 2);
      const cut = await replayObjects(clients(), TARGET, { dryRun: true });
      expect(cut.bucketTop).toEqual({ folders: ['a/', 'b/'], empty: false, more: true });
      expect(topLevelCalls()).toHaveLength(1);
    });

    it('reads no more when the listing found anything: an object, one skipped, or one older than --since', async () => {
      serveListing([
        { key: 'incoming/old.ndjson', modified: '2023-01-01T00:00:00Z' },
        { key: 'segment-logs/s/manifest.json' },
      ]);
      const since = new Date('2024-01-01T00:00:00Z');
      const results = [
        await replayObjects(clients(), TARGET, { prefix: 'incoming/', dryRun: true }),
        await replayObjects(clients(), TARGET, { prefix: 'segment-logs/', dryRun: true }),
        await replayObjects(clients(), TARGET, { prefix: 'incoming/', since, dryRun: true }),
      ];

      expect(results.map(({ objects, skipped, older }) => [objects.length, skipped.length, older])).toEqual([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      expect(results.map((result) => result.bucketTop)).toEqual([undefined, undefined, undefined]);
      expect(topLevelCalls()).toEqual([]);
    });
  });
});

describe('sendInBatches', () => {
  const bodies = Array.from({ length: 12 }, (_, index) => `body-${index}`);

  it('sends again only the entries SQS failed on its side', async () => {
    let calls = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      calls++;
      const failing = calls === 1 ? new Set(['1', '7']) : new Set<string>();
      return {
        Successful: input.Entries.filter((entry) => !failing.has(entry.Id ?? '')).map((entry) => ({
          Id: entry.Id,
          MessageId: 'm',
        })),
        Failed: [...failing].map((id) => ({ Id: id, SenderFault: false, Code: 'InternalError' })),
      };
    });

    await sendInBatches(new SQSClient({}), TARGET.ingestQueueUrl, bodies, 0);

    const batches = sentBatches();
    expect(batches.map((entries) => entries.map((entry) => entry.MessageBody))).toEqual([
      bodies.slice(0, 10),
      ['body-1', 'body-7'],
      bodies.slice(10),
    ]);
  });

  it('gives up on an entry SQS refuses as the sender’s fault, saying how far it got', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [] })
      .resolves({
        Successful: [],
        Failed: [{ Id: '11', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad' }],
      });

    await expect(sendInBatches(new SQSClient({}), TARGET.ingestQueueUrl, bodies, 0)).rejects.toThrow(
      'SQS refused message 12 of 12 (InvalidMessageContents: bad); 10 were enqueued before this batch; run the replay again',
    );
  });

  it('says how far it got, and to run it again, when a send fails outright (credentials expired mid-replay)', async () => {
    const expired = Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredTokenException',
    });
    sqsMock.on(SendMessageBatchCommand).resolvesOnce({ Successful: [], Failed: [] }).rejects(expired);

    await expect(sendInBatches(new SQSClient({}), TARGET.ingestQueueUrl, bodies, 0)).rejects.toThrow(
      'sending to the ingest queue failed (ExpiredTokenException: The security token included in the request is expired); 10 were enqueued before this batch; run the replay again: the ingest is idempotent',
    );
  });

  it('gives up after a few attempts when SQS keeps failing', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError', Message: 'try later' }],
    });

    await expect(sendInBatches(new SQSClient({}), TARGET.ingestQueueUrl, ['only'], 0)).rejects.toThrow(
      'SQS kept failing 1 messages after 5 attempts (InternalError: try later); 0 were enqueued before this batch; run the replay again',
    );
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(5);
  });
});

describe('redriveDeadLetters', () => {
  beforeEach(() => {
    sqsMock
      .on(GetQueueAttributesCommand, { QueueUrl: TARGET.deadLetterQueueUrl })
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '3' } });
    sqsMock.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 2, SourceArn: DLQ_ARN }],
    });
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
  });

  it('moves the dead-letter queue back to the ingest queue with one move task', async () => {
    const redrive = await redriveDeadLetters(new SQSClient({}), TARGET, false);

    expect(redrive).toEqual({
      deadLetters: 3,
      deadLetterQueueArn: DLQ_ARN,
      taskHandle: 'task-1',
      lastTask: { status: 'COMPLETED', moved: 2 },
    });
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: DLQ_ARN, DestinationArn: TARGET.ingestQueueArn },
    ]);
  });

  it('only reports on a dry run, and starts nothing for an empty queue', async () => {
    const dry = await redriveDeadLetters(new SQSClient({}), TARGET, true);
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '0' } });
    const empty = await redriveDeadLetters(new SQSClient({}), TARGET, false);

    expect(dry.deadLetters).toBe(3);
    expect(dry.taskHandle).toBeUndefined();
    expect(empty.taskHandle).toBeUndefined();
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toEqual([]);
  });
});
