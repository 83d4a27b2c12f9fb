// Today's S3-event handler behind the SQS adapter: each message succeeds or fails on its own, and each
// reaches the handler configured for its source prefix. S3 is mocked: a deleted object is the cheapest
// success (no DynamoDB), a throttled GetObject the cheapest failure.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import { DEFAULT_SESSION_RULES } from '../../../local/ingest-env.js';
import { ingestFunctionEnv } from '../../../local/ingest-handler.js';
import { encodeS3EventKey } from '../../../local/s3-event.js';
import { adaptS3EventHandler } from '../../../local/s3-handler-adapter.js';

const s3Mock = mockClient(S3Client);
const BUCKET = 'sessionizer-local';

interface LogEntry {
  level: string;
  message: string;
}

function notification(messageId: string, key: string): SQSEvent['Records'][number] {
  const body = JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: BUCKET }, object: { key: encodeS3EventKey(key), eTag: 'e', size: 1 } },
      },
    ],
  });
  return { messageId, body } as SQSEvent['Records'][number];
}

function adapter(sessionRules = DEFAULT_SESSION_RULES) {
  const log: LogEntry[] = [];
  const record = (level: string) => (message: string) => log.push({ level, message });
  const handler = adaptS3EventHandler({
    s3: new S3Client({ region: 'us-east-1' }),
    dynamo: new DynamoDBClient({ region: 'us-east-1' }),
    env: ingestFunctionEnv({ tableName: 't', bucket: BUCKET, sources: DEFAULT_SOURCES, sessionRules }),
    logger: {
      addContext: () => undefined,
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    },
  });
  return { handler, log };
}

beforeEach(() => {
  s3Mock.reset();
  s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
});

describe('adaptS3EventHandler', () => {
  it('hands a message under any source prefix to the handler of that source', async () => {
    const { handler } = adapter();

    const response = await handler({
      Records: [notification('m1', 'segment-logs/s/1/a b.gz'), notification('m2', 'rudder-logs/r/1/c.gz')],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key)).toEqual([
      'segment-logs/s/1/a b.gz',
      'rudder-logs/r/1/c.gz',
    ]);
  });

  it('reports only the message whose ingest threw', async () => {
    s3Mock
      .on(GetObjectCommand, { Key: 'incoming/throttled' })
      .rejects(
        new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'slow down', $metadata: {} }),
      );
    const { handler, log } = adapter();

    const response = await handler({
      Records: [notification('m1', 'incoming/gone'), notification('m2', 'incoming/throttled')],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(log.some((entry) => entry.level === 'error' && entry.message.includes('ingest failed'))).toBe(
      true,
    );
  });

  it('lets messages that are no S3 notification succeed, so they are not retried', async () => {
    const { handler, log } = adapter();
    const testEvent = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET });

    const response = await handler({
      Records: [
        { messageId: 'm1', body: testEvent },
        { messageId: 'm2', body: 'not json' },
      ] as SQSEvent['Records'],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(log.map((entry) => entry.level)).toEqual(['warn', 'error']);
  });

  it('says which session rules the current handler cannot apply', () => {
    const { log } = adapter({
      ...DEFAULT_SESSION_RULES,
      gapMinutesByPlatform: { ios: 5 },
      identityStitching: true,
    });

    expect(log).toEqual([
      {
        level: 'warn',
        message:
          'the current ingest handler ignores SESSION_GAP_MINUTES_BY_PLATFORM, IDENTITY_STITCHING (the SQS handler applies them)',
      },
    ]);
  });
});
