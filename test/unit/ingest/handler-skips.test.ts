import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../../functions/ingest/create-handler.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import { BUCKET, handlerDeps, segmentLines } from './handler-harness.js';
import {
  bucket,
  createHandler,
  eventFor,
  freshHandlerMocksEachTest,
  logger,
  metrics,
  s3,
  s3Mock,
  writer,
} from './handler-mocks.js';

freshHandlerMocksEachTest();

describe('createIngestHandler skipping what is not an export', () => {
  it.each([
    ['a rejection report', 'rejected/incoming/a.ndjson.ndjson', 'a rejection report under rejected/'],
    ['a key under no source prefix', 'exports/a.ndjson', 'not under any source prefix'],
    ['a folder marker', 'incoming/2024/', 'a folder marker, not an export'],
    ['an export manifest', 'incoming/manifest.json', 'an export manifest, not an export'],
    [
      'a Parquet file',
      'incoming/part-0.parquet',
      'a Parquet file (only JSON exports are read), not an export',
    ],
    ['a job marker', 'incoming/_SUCCESS', 'a job completion marker, not an export'],
    ['a placeholder', 'incoming/.keep', 'a placeholder, not an export'],
  ])('skips %s with a log line, reading nothing and failing nothing', async (_what, key, reason) => {
    bucket.put(key, segmentLines([{ user: 'ann', at: 0 }]));

    const result = await createHandler()(eventFor(key));

    expect(result).toEqual({
      batchItemFailures: [],
      outcomes: [{ status: 'skipped', key, reason }],
      failureReasons: {},
    });
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(logger.at('warn')).toEqual([
      { level: 'warn', message: `skipping ${BUCKET}/${key}: ${reason}`, attributes: { bucket: BUCKET, key } },
    ]);
  });

  it('skips an object of another bucket', async () => {
    const event = sqsEvent([s3Notification('incoming/a.ndjson', { bucket: 'someone-else' })]);

    const result = await createHandler()(event);

    expect(result.outcomes).toEqual([
      { status: 'skipped', key: 'incoming/a.ndjson', reason: `not the configured bucket ${BUCKET}` },
    ]);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('never ingests a report, even under a source prefix', async () => {
    const deps = handlerDeps({ s3, writer, logger, metrics });
    const config = { ...deps.config, rejectedPrefix: 'incoming/rejected/' };
    bucket.put('incoming/rejected/a.ndjson.ndjson', segmentLines([{ user: 'ann', at: 0 }]));

    const result = await createIngestHandler({ ...deps, config })(
      eventFor('incoming/rejected/a.ndjson.ndjson'),
    );

    expect(result.outcomes).toEqual([
      expect.objectContaining({ status: 'skipped', reason: 'a rejection report under incoming/rejected/' }),
    ]);
    expect(writer.calls).toEqual([]);
  });

  it('skips, without retrying, messages that are not notifications', async () => {
    const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET };
    const removed = s3Notification('incoming/a.ndjson', { eventName: 'ObjectRemoved:Delete' });

    const result = await createHandler()(sqsEvent([testEvent, '{"Records":[', removed]));

    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([
      { status: 'skipped', reason: 'an s3:TestEvent' },
      { status: 'skipped', reason: 'message body is not JSON: "{\\"Records\\":["' },
      { status: 'skipped', reason: 'not an ObjectCreated event (ObjectRemoved:Delete)' },
    ]);
    expect(logger.at('warn').map((entry) => entry.attributes)).toEqual([
      { messageId: 'message-1' },
      { messageId: 'message-2' },
      { messageId: 'message-3' },
    ]);
  });
});
