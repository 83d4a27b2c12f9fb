import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../../contract/index.js';
import { TableRulesMismatchError } from '../../../functions/adapters/dynamodb/rules-record.js';
import type { ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import { conformanceCases } from '../../helpers/conformance-cases.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { asExpectedSessions } from '../../helpers/session-expectations.js';
import { notificationOf, s3Notification, sampleEvent, sqsRecord } from '../../helpers/sqs-events.js';
import { handlerDeps, RULES, segmentLines } from './handler-harness.js';
import {
  bucket,
  createHandler,
  eventFor,
  freshHandlerMocksEachTest,
  logger,
  metrics,
  SAMPLE_KEY,
  s3,
  s3Mock,
  sampleExport,
  writer,
} from './handler-mocks.js';

freshHandlerMocksEachTest();

describe('createIngestHandler', () => {
  it("merges in chunks of the configured size: a smaller function's chunks are smaller, its sessions the same", async () => {
    bucket.put(SAMPLE_KEY, sampleExport);
    const whole = await createHandler()(eventFor(SAMPLE_KEY));
    const wholeCalls = writer.calls.length;
    const wholeSessions = writer.sessions();

    const chunkedWriter = new FakeSessionWriter(RULES);
    const deps = handlerDeps({ s3, writer: chunkedWriter, logger, metrics });
    // A chunk is full at its first event's estimated size: every event is a chunk of its own.
    const chunked = await createHandler({ writer: chunkedWriter, config: { ...deps.config, chunkBytes: 1 } })(
      eventFor(SAMPLE_KEY),
    );

    expect(chunked.batchItemFailures).toEqual(whole.batchItemFailures);
    expect(wholeCalls).toBe(6);
    expect(chunkedWriter.calls).toHaveLength(37);
    expect(chunkedWriter.sessions()).toEqual(wholeSessions);
  });

  it('reads copies again as many at once as configured: a smaller function holds fewer texts', async () => {
    const text = segmentLines(
      Array.from({ length: 20 }, (_, at) => ({ user: `user-${at % 4}`, at, id: `m-${at}` })),
    );
    bucket.put('incoming/a.ndjson', text);
    await createHandler()(eventFor('incoming/a.ndjson'));
    const expected = writer.sessions();
    bucket.put('incoming/b.ndjson', text);
    const deps = handlerDeps({ s3, writer, logger, metrics });
    // Every event of b is a copy of one of a: each user's merge waits for its 10 copies to be read again.
    const reads: string[] = [];
    const objects: ObjectSource = {
      open: (ref) => {
        reads.push(ref.key);
        return deps.objects.open(ref);
      },
    };

    await createHandler({ objects, config: { ...deps.config, copiesPerRead: 10 } })(
      eventFor('incoming/b.ndjson'),
    );

    expect(reads.filter((key) => key === 'incoming/a.ndjson')).toHaveLength(4);
    expect(writer.sessions()).toEqual(expected);
  });

  it('ingests the object of the sample SQS event and reports its bad line', async () => {
    bucket.put(SAMPLE_KEY, sampleExport);
    const event = sampleEvent<SQSEvent>('sqs-s3-object-created.json');

    const result = await createHandler()(event);

    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([
      {
        status: 'ingested',
        key: SAMPLE_KEY,
        report: `rejected/${SAMPLE_KEY}.ndjson`,
        stats: expect.objectContaining({ records: 38, accepted: 37, rejected: 1, newEvents: 37, erased: 0 }),
      },
    ]);
    expect(writer.userIds()).toEqual([
      'anon-0e55d7',
      'anon-7f3a2c',
      'anon-c4e810',
      'user_1001',
      'user_1002',
      'user_1003',
    ]);
    expect(writer.sessions()).toHaveLength(10);
    expect(bucket.lines(`rejected/${SAMPLE_KEY}.ndjson`)).toEqual([
      expect.objectContaining({
        file: SAMPLE_KEY,
        position: 19,
        reason: expect.stringMatching(/^invalid JSON/),
      }),
    ]);
  });

  it('reads the object under its decoded key and reports under it', async () => {
    const key = 'incoming/2024-01-02 export+v2.ndjson';
    bucket.put(key, sampleExport);

    const result = await createHandler()(sampleEvent<SQSEvent>('sqs-s3-object-created-encoded-key.json'));

    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['ingested']);
    expect(bucket.gets.map((get) => get.Key)).toEqual([key]);
    expect(bucket.keys('rejected/')).toEqual([`rejected/${key}.ndjson`]);
  });

  it('ingests Segment S3 destination uploads as Segment, reading the version each notification names', async () => {
    const testCase = conformanceCases().find((candidate) => candidate.name === 'format-segment-s3');
    if (testCase === undefined) throw new Error('conformance case format-segment-s3 is missing');
    const [firstDay, secondDay] = testCase.files;
    const sample = sampleEvent<SQSEvent>('sqs-s3-segment-logs.json');
    const sampleKey = decodeS3EventKey(
      notificationOf(sample.Records[0] as SQSRecord).Records[0]?.s3.object.key ?? '',
    );
    bucket.put(firstDay as string, readFileSync(join(testCase.dir, firstDay as string)));
    bucket.put(sampleKey, readFileSync(join(testCase.dir, secondDay as string)));
    const first = sqsRecord(s3Notification(firstDay as string, { versionId: 'v-first' }), 'first-day');

    const result = await createHandler()({ Records: [first, ...sample.Records] });

    expect(result.batchItemFailures).toEqual([]);
    expect(bucket.gets.map((get) => [get.Key, get.VersionId])).toEqual([
      [firstDay, 'v-first'],
      [sampleKey, '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY'],
    ]);
    expect(result.outcomes).toEqual([
      expect.objectContaining({ status: 'ingested', key: firstDay }),
      expect.objectContaining({ status: 'ingested', key: sampleKey }),
    ]);
    expect(asExpectedSessions(writer.sessions(), testCase.expected.sessions)).toEqual(
      testCase.expected.sessions,
    );
  });

  it('fails only the message whose ingest throws; the others are processed', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    bucket.put('incoming/b.ndjson', segmentLines([{ user: 'bob', at: 0 }]));
    bucket.put('incoming/c.ndjson', segmentLines([{ user: 'cat', at: 0 }]));
    writer.failWith((user) =>
      user === 'bob'
        ? new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} })
        : undefined,
    );

    const result = await createHandler()(
      eventFor('incoming/a.ndjson', 'incoming/b.ndjson', 'incoming/c.ndjson'),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-2' }]);
    // Why, for whoever runs the handler and shows its failures (the local stack's queue).
    expect(result.failureReasons).toEqual({
      'message-2': 'ProvisionedThroughputExceededException: Rate exceeded',
    });
    expect(result.outcomes.map((outcome) => outcome.key)).toEqual(['incoming/a.ndjson', 'incoming/c.ndjson']);
    expect(writer.userIds()).toEqual(['ann', 'cat']);
    expect(logger.at('error')).toEqual([
      expect.objectContaining({
        message: 'ingest failed; the message returns to the queue and is retried',
        attributes: expect.objectContaining({ messageId: 'message-2', receiveCount: '1' }),
      }),
    ]);
  });

  it('says each message done as soon as its objects are, and never a failed one (a stop keeps what finished)', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    bucket.put('incoming/b.ndjson', segmentLines([{ user: 'bob', at: 0 }]));
    bucket.put('incoming/c.ndjson', segmentLines([{ user: 'cat', at: 0 }]));
    writer.failWith((user) => (user === 'bob' ? new Error('connect ECONNREFUSED') : undefined));
    const done: string[][] = [];

    await createHandler({ onMessageDone: (messageId) => done.push([messageId, ...writer.userIds()]) })(
      eventFor('incoming/a.ndjson', 'incoming/b.ndjson', 'incoming/c.ndjson'),
    );

    // Each when its own ingest had finished, before the next began.
    expect(done).toEqual([
      ['message-1', 'ann'],
      ['message-3', 'ann', 'cat'],
    ]);
  });

  it('says with each message done what became of its objects: the local ledger keeps a deleted one out', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    const done: [string, string[]][] = [];

    await createHandler({
      onMessageDone: (messageId, outcomes) =>
        done.push([
          messageId,
          outcomes.map((outcome) => `${outcome.status} ${'key' in outcome ? outcome.key : ''}`),
        ]),
    })(eventFor('incoming/a.ndjson', 'incoming/deleted.ndjson'));

    expect(done).toEqual([
      ['message-1', ['ingested incoming/a.ndjson']],
      ['message-2', ['gone incoming/deleted.ndjson']],
    ]);
  });

  it('fails a message when its object cannot be read to the end of the download', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    const lines = segmentLines(Array.from({ length: 200 }, (_, index) => ({ user: 'bob', at: index })));
    bucket.put('incoming/b.ndjson', lines, { failAfterBytes: lines.length / 2 });

    const result = await createHandler()(eventFor('incoming/a.ndjson', 'incoming/b.ndjson'));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-2' }]);
    expect(bucket.keys('rejected/')).toEqual([]);
  });

  it('fails every message, reading nothing, when the table was cut under other rules', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    const checkRules = async () => {
      const other = compileRules({ ...DEFAULT_SESSION_RULES, gapMinutes: 45 });
      throw new TableRulesMismatchError({ fingerprint: other.fingerprint, rules: other.source }, RULES);
    };

    const result = await createHandler({ checkRules })(eventFor('incoming/a.ndjson', 'incoming/b.ndjson'));

    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: 'message-1' },
      { itemIdentifier: 'message-2' },
    ]);
    expect(result.outcomes).toEqual([]);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(writer.calls).toEqual([]);
    expect(logger.at('error')).toEqual([
      expect.objectContaining({
        message: 'ingest refused; every message of this batch is retried',
        attributes: { error: expect.any(TableRulesMismatchError) },
      }),
    ]);
  });

  it('checks the table rules once per invocation', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    bucket.put('incoming/b.ndjson', segmentLines([{ user: 'bob', at: 0 }]));
    let checks = 0;
    const handler = createHandler({
      checkRules: async () => {
        checks++;
      },
    });

    await handler(eventFor('incoming/a.ndjson', 'incoming/b.ndjson'));

    expect(checks).toBe(1);
  });

  it('publishes what it did once per invocation', async () => {
    bucket.put(
      'incoming/a.ndjson',
      `${segmentLines([
        { user: 'ann', at: 0 },
        { user: 'ann', at: 90 },
      ])}oops\n`,
    );
    bucket.put(
      'incoming/b.ndjson',
      segmentLines([
        { user: 'bob', at: 0, id: 'x' },
        { user: 'bob', at: 1, id: 'x' },
      ]),
    );

    await createHandler()(eventFor('incoming/a.ndjson', 'incoming/b.ndjson', 'rejected/x.ndjson'));

    const published = metrics.single();
    expect(Object.fromEntries([...published].filter(([name]) => name !== 'IngestDurationMs'))).toEqual({
      EventsRead: 5,
      EventsRejected: 1,
      EventsErased: 0,
      NewEvents: 3,
      SessionsWritten: 3,
      UsersTouched: 2,
      FilesIngested: 2,
      FilesFailed: 0,
      FilesContinued: 0,
      ObjectsSkipped: 1,
      MessagesFailed: 0,
    });
    expect(published.get('IngestDurationMs')).toBeGreaterThanOrEqual(0);
  });

  it('publishes metrics when messages fail, and when every message is refused', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    writer.failWith(() => new Error('throttled'));

    await createHandler()(eventFor('incoming/a.ndjson'));
    await createHandler({
      checkRules: async () => {
        throw new Error('table unreachable');
      },
    })(eventFor('incoming/a.ndjson', 'incoming/b.ndjson'));

    expect(metrics.published.map((published) => published.get('MessagesFailed'))).toEqual([1, 2]);
    expect(metrics.published.map((published) => published.get('FilesIngested'))).toEqual([0, 0]);
  });

  it('logs with the invocation context and writes no report when nothing is rejected', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    const context = { awsRequestId: 'request-1', functionName: 'ingest' } as Context;

    const result = await createHandler()(eventFor('incoming/a.ndjson'), context);

    expect(logger.context).toBe(context);
    expect(result.outcomes).toEqual([
      { status: 'ingested', key: 'incoming/a.ndjson', stats: expect.any(Object) },
    ]);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(logger.at('info')).toEqual([
      expect.objectContaining({
        message: 'ingested',
        attributes: expect.objectContaining({
          key: 'incoming/a.ndjson',
          source: 'incoming',
          report: undefined,
        }),
      }),
    ]);
  });

  // docs/cost.md counts these requests.
  it.each([
    ['a clean file', segmentLines([{ user: 'ann', at: 0 }]), { put: 0, delete: 1 }],
    [
      'a file with a rejected line',
      `${segmentLines([{ user: 'ann', at: 0 }])}not json\n`,
      { put: 1, delete: 0 },
    ],
  ])('asks S3 for %s one GET, two HEADs and one write of its report', async (_what, text, writes) => {
    bucket.put('incoming/a.ndjson', text);

    await createHandler()(eventFor('incoming/a.ndjson'));

    expect({
      get: s3Mock.commandCalls(GetObjectCommand).length,
      head: s3Mock.commandCalls(HeadObjectCommand).length,
      put: s3Mock.commandCalls(PutObjectCommand).length,
      delete: s3Mock.commandCalls(DeleteObjectCommand).length,
    }).toEqual({ get: 1, head: 2, ...writes });
  });
});
