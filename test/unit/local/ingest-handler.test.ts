// The local stack's ingest handler passes each message's end on to the queue that invoked it, so a stop
// that cuts a batch short keeps the messages already done. Mocked clients: a skipped key is done at once, and
// an export whose download never answers holds its message (and the batch) open.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import { DEFAULT_SESSION_RULES } from '../../../local/ingest-env.js';
import { createLocalIngestHandler } from '../../../local/ingest-handler.js';
import { LOCAL_BUCKET, LOCAL_TABLE } from '../../../local/s3-client.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';

it('tells the queue each message that is done while the batch still runs, and only those', async () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  mockClient(s3)
    .onAnyCommand()
    .callsFake(() => new Promise(() => undefined));
  const dynamo = new DynamoDBClient({ region: 'us-east-1' });
  const table = mockClient(dynamo);
  table.on(GetItemCommand).resolves({});
  table.on(PutItemCommand).resolves({});
  const handler = createLocalIngestHandler({
    s3,
    dynamo,
    tableName: LOCAL_TABLE,
    bucket: LOCAL_BUCKET,
    sources: [...DEFAULT_SOURCES],
    sessionRules: DEFAULT_SESSION_RULES,
    log: () => undefined,
  });
  const event = sqsEvent(
    ['elsewhere/skipped.ndjson', 'incoming/hanging.ndjson'].map((key) =>
      s3Notification(key, { bucket: LOCAL_BUCKET }),
    ),
  );
  const done: string[] = [];
  void handler(event, (messageId) => done.push(messageId));

  await expect.poll(() => done).toEqual([event.Records[0]?.messageId]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(done).toEqual([event.Records[0]?.messageId]);
});
