// `npm run replay -- --stage`: S3 listing, SQS batches and the dead-letter redrive against mocked clients.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import { readMessage } from '../../../functions/ingest/notifications.js';
import {
  type ReplayTarget,
  redriveDeadLetters,
  replayObjects,
  sendInBatches,
} from '../../../scripts/replay/aws-replay.js';
import { parseReplayOptions, redriveCommand, runReplay } from '../../../scripts/replay/command.js';

const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
const cloudFormationMock = mockClient(CloudFormationClient);

const TARGET: ReplayTarget = {
  bucket: 'events-bucket',
  ingestQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  ingestQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:ingest',
  deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dlq',
  sources: DEFAULT_SOURCES,
  region: 'eu-west-1',
};
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:ingest-dlq';

interface Listed {
  readonly key: string;
  readonly modified?: string;
}

/** The bucket as ListObjectsV2 pages it: `pageSize` keys a page, continuation tokens between them. */
function serveListing(objects: readonly Listed[], pageSize = 2) {
  s3Mock.on(ListObjectsV2Command).callsFake((input: { Prefix?: string; ContinuationToken?: string }) => {
    const matching = objects.filter((object) => object.key.startsWith(input.Prefix ?? ''));
    const start = Number(input.ContinuationToken ?? '0');
    const page = matching.slice(start, start + pageSize);
    const more = start + pageSize < matching.length;
    return {
      Contents: page.map((object) => ({
        Key: object.key,
        ETag: `"etag-${object.key.length}"`,
        Size: 100,
        LastModified: new Date(object.modified ?? '2024-03-01T00:00:00Z'),
      })),
      IsTruncated: more,
      ...(more && { NextContinuationToken: String(start + pageSize) }),
    };
  });
}

const sentBatches = () =>
  sqsMock
    .commandCalls(SendMessageBatchCommand)
    .map((call) => (call.args[0].input.Entries ?? []) as SendMessageBatchRequestEntry[]);

const clients = () => ({
  s3: new S3Client({ region: 'eu-west-1' }),
  sqs: new SQSClient({ region: 'eu-west-1' }),
});

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  cloudFormationMock.reset();
  sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
    Successful: input.Entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
    Failed: [],
  }));
});

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
    expect(s3Mock.commandCalls(ListObjectsV2Command).length).toBeGreaterThan(3);
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
      'SQS refused message 12 of 12 (InvalidMessageContents: bad); 10 were enqueued before this batch',
    );
  });

  it('gives up after a few attempts when SQS keeps failing', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError', Message: 'try later' }],
    });

    await expect(sendInBatches(new SQSClient({}), TARGET.ingestQueueUrl, ['only'], 0)).rejects.toThrow(
      'SQS kept failing 1 messages after 5 attempts (InternalError: try later); 0 were enqueued before this batch',
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

describe('npm run replay', () => {
  /** What a command run printed, and its exit status. */
  async function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runReplay(argv, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      env: {},
    });
    return { status, out: out.join('\n'), err: err.join('\n') };
  }

  function deployedStage() {
    const outputs = (stack: string, values: Record<string, string>) =>
      cloudFormationMock.on(DescribeStacksCommand, { StackName: stack }).resolves({
        Stacks: [
          {
            StackName: stack,
            CreationTime: new Date(),
            StackStatus: 'UPDATE_COMPLETE',
            Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
          },
        ],
      });
    outputs('Sessionizer-dev-Stateful', { BucketName: TARGET.bucket });
    outputs('Sessionizer-dev-Stateless', {
      IngestQueueUrl: TARGET.ingestQueueUrl,
      IngestQueueArn: TARGET.ingestQueueArn,
      DeadLetterQueueUrl: TARGET.deadLetterQueueUrl,
    });
  }

  it.each([
    [['--since', '2024-02-30'], '--since must be a day as YYYY-MM-DD, not "2024-02-30"'],
    [
      ['--from-dlq', '--since', '2024-01-01'],
      '--since does not apply to the dead-letter queue (use --prefix to pick dead letters)',
    ],
    // Not the local advice: --prefix is refused with --from-dlq on AWS.
    [
      ['--stage', 'dev', '--from-dlq', '--since', '2024-01-01'],
      '--since does not apply to --from-dlq on AWS: SQS moves the whole dead-letter queue',
    ],
    [
      ['--stage', 'dev', '--from-dlq', '--prefix', 'incoming/'],
      '--prefix does not apply to --from-dlq on AWS',
    ],
    [['--region', 'eu-west-1'], '--region applies to a deployed stage only'],
    [['--bucket', 'x'], "Unknown option '--bucket'"],
  ])('refuses %j with status 2', async (argv, problem) => {
    const result = await run(argv);

    expect(result.status).toBe(2);
    expect(result.err).toContain(problem);
    expect(result.err).toContain('Usage: npm run replay');
  });

  it('enqueues into the stage named by --stage, found through its stacks’ outputs', async () => {
    deployedStage();
    serveListing([{ key: 'segment-logs/s/1.gz' }, { key: 'segment-logs/s/manifest.json' }]);

    const result = await run(['--stage', 'dev', '--region', 'eu-west-1', '--prefix', 'segment-logs/']);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(result.out).toBe(
      [
        'enqueued 1 object:',
        '  s3://events-bucket/segment-logs/s/1.gz  (100 bytes, modified 2024-03-01T00:00:00.000Z)',
        'skipped 1 object the ingest does not read:',
        '  s3://events-bucket/segment-logs/s/manifest.json  (an export manifest, not an export)',
      ].join('\n'),
    );
    expect(sentBatches().flat()).toHaveLength(1);
  });

  it('starts the dead-letter move task of the stage and says how to follow it', async () => {
    deployedStage();
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '4' } });
    sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-9' });

    const result = await run(['--stage', 'dev', '--region', 'eu-west-1', '--from-dlq']);

    expect(result.status).toBe(0);
    expect(result.out).toContain(
      `moving 4 dead letters (approximately) in ${DLQ_ARN} back to the ingest queue (task task-9)`,
    );
    expect(result.out).toContain(`aws sqs list-message-move-tasks --source-arn ${DLQ_ARN}`);
  });

  it('names the deployed stages for an unknown one, and says when the stack is missing', async () => {
    cloudFormationMock
      .on(DescribeStacksCommand)
      .rejects(new Error('Stack with id Sessionizer-prod-Stateful does not exist'));

    const unknown = await run(['--stage', 'staging', '--region', 'eu-west-1']);
    const missing = await run(['--stage', 'prod', '--region', 'eu-west-1', '--dry-run']);

    // A bad argument (2), found before any AWS call: without a region it said "Region is missing".
    expect(unknown.status).toBe(2);
    expect(unknown.err).toContain('--stage staging is not a deployed stage; the stages are dev, prod');
    const noRegion = await run(['--stage', 'bogus', '--dry-run']);
    expect(noRegion.status).toBe(2);
    expect(noRegion.err).toContain('--stage bogus is not a deployed stage');
    expect(missing.status).toBe(1);
    expect(missing.err).toContain('Could not read stack Sessionizer-prod-Stateful');
  });

  it('says how to give the region when none is configured', async () => {
    const saved = { ...process.env };
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name];
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
    try {
      const result = await run(['--stage', 'dev', '--dry-run']);
      const dlq = await run(['--stage', 'dev', '--from-dlq', '--dry-run']);

      for (const { status, err } of [result, dlq]) {
        expect(status).toBe(1);
        expect(err).toBe(
          "replay: no AWS region for stage dev: pass --region REGION, or set AWS_REGION (or your profile's region)",
        );
      }
    } finally {
      process.env = saved;
    }
  });

  it('suggests a redrive of what a local dry run listed: the same prefix, on the same data dir', () => {
    expect(redriveCommand(undefined, {})).toBe('npm run replay -- --from-dlq');
    expect(redriveCommand("incoming/it's/", { SESSIONIZER_DATA_DIR: '/tmp/other-data' })).toBe(
      "SESSIONIZER_DATA_DIR=/tmp/other-data npm run replay -- --from-dlq --prefix 'incoming/it'\\''s/'",
    );
  });

  it('parses the local defaults', () => {
    expect(parseReplayOptions(['--dry-run'])).toEqual({
      stage: undefined,
      region: undefined,
      prefix: undefined,
      since: undefined,
      dryRun: true,
      fromDeadLetterQueue: false,
    });
  });
});
