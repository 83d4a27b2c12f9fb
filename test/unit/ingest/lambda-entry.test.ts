import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import yazl from 'yazl';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import { BUCKET } from './handler-harness.js';
import { MockBucket } from './mock-bucket.js';

/** Lambda refuses a synchronous invocation's response over 6 MB: the event source mapping fails the batch. */
const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

const s3Mock = mockClient(S3Client);
const dynamoDbMock = mockClient(DynamoDBClient);

/** A ZIP of `count` members, each a text that holds no events (skipped, but named in the file summaries). */
async function zipOfTexts(count: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (let index = 0; index < count; index++) {
    zip.addBuffer(Buffer.from('hello\n'), `notes/${'n'.repeat(200)}-${index}.txt`, { compress: false });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('the ingest Lambda entry point (functions/ingest/handler.ts)', () => {
  beforeAll(() => {
    vi.stubEnv('TABLE_NAME', 'sessions');
    vi.stubEnv('BUCKET_NAME', BUCKET);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    s3Mock.restore();
    dynamoDbMock.restore();
  });

  it('answers the event source mapping with batchItemFailures only, whatever the objects held', async () => {
    const bucket = new MockBucket(s3Mock, 1024 * 1024);
    const key = `incoming/${'k'.repeat(800)}.zip`;
    bucket.put(key, await zipOfTexts(6_000));
    dynamoDbMock.onAnyCommand().resolves({});
    const { handler } = await import('../../../functions/ingest/handler.js');

    const response = await handler(sqsEvent([s3Notification(key)]), {
      getRemainingTimeInMillis: () => 300_000,
    } as Context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThan(LAMBDA_RESPONSE_LIMIT_BYTES);
  }, 120_000);
});
