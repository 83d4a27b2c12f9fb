import { Readable } from 'node:stream';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import { s3Notification, sampleEvent, sqsEvent } from '../../helpers/sqs-events.js';
import { segmentLines } from './handler-harness.js';
import {
  bucket,
  createHandler,
  eventFor,
  freshHandlerMocksEachTest,
  logger,
  SAMPLE_KEY,
  sampleExport,
  writer,
} from './handler-mocks.js';

freshHandlerMocksEachTest();

describe('createIngestHandler and the object it is told of', () => {
  it('lets an object deleted before it was read go: nothing to ingest, nothing to retry', async () => {
    const result = await createHandler()(eventFor('incoming/deleted.ndjson'));

    expect(result).toEqual({
      batchItemFailures: [],
      outcomes: [{ status: 'gone', key: 'incoming/deleted.ndjson' }],
      failureReasons: {},
    });
    expect(logger.at('warn')).toEqual([
      expect.objectContaining({ message: 'object deleted before it could be ingested' }),
    ]);
    expect(bucket.keys('rejected/')).toEqual([]);
  });

  // Two copies of one event at one instant that differ: the kept one is chosen by the text as sent (A).
  const copyB =
    '{"type":"track","event":"B","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}';
  const copyA =
    '{"type":"track","event":"A","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}';

  it('reads the version it read first again for a tie-break, though the object was replaced meanwhile', async () => {
    const versions = new Map([
      ['v1', `${copyB}\n${copyA}`],
      ['v2', `${copyA}\n${copyB}`],
    ]);
    const reads: (string | undefined)[] = [];
    const objects: ObjectSource = {
      open: async (ref) => {
        reads.push(ref.versionId);
        // The first read finds v1; v2 replaces it before the second.
        const versionId = ref.versionId ?? (reads.length === 1 ? 'v1' : 'v2');
        const text = versions.get(versionId) as string;
        return { status: 'found', bytes: Readable.from([Buffer.from(text)]), eTag: versionId, versionId };
      },
    };

    // A message naming no version, as a local replay's.
    const result = await createHandler({ objects })(eventFor('incoming/a.ndjson'));

    expect(result.batchItemFailures).toEqual([]);
    expect(reads).toEqual([undefined, 'v1']);
    expect(writer.events('u').map((event) => event.name)).toEqual(['A']);
  });

  it('replays an object of a versioned bucket without reading its copies again', async () => {
    const text = segmentLines(
      Array.from({ length: 30 }, (_, at) => ({ user: `user-${at % 3}`, at, id: `m-${at}` })),
    );
    const reads: (string | undefined)[] = [];
    const objects: ObjectSource = {
      open: async (ref) => {
        reads.push(ref.versionId);
        return {
          status: 'found',
          bytes: Readable.from([Buffer.from(text)]),
          eTag: 'etag-1',
          versionId: 'v1',
        };
      },
    };
    const handler = createHandler({ objects });
    await handler(sqsEvent([s3Notification('incoming/a.ndjson', { versionId: 'v1', eTag: 'etag-1' })]));
    reads.length = 0;

    // A message naming no version (a local replay's), and its calls' continuations: one version, read once.
    const result = await handler(sqsEvent([s3Notification('incoming/a.ndjson', { eTag: 'etag-1' })]));

    expect(result.outcomes).toEqual([
      expect.objectContaining({ stats: expect.objectContaining({ newEvents: 0, duplicates: 30 }) }),
    ]);
    expect(reads).toEqual([undefined]);
  });

  it('retries a message whose unversioned object is replaced before it is read again for a tie-break', async () => {
    let opened = 0;
    const objects: ObjectSource = {
      open: async () => {
        opened++;
        const text = opened === 1 ? `${copyB}\n${copyA}` : `${copyA}\n${copyB}`;
        return { status: 'found', bytes: Readable.from([Buffer.from(text)]), eTag: `etag-${opened}` };
      },
    };

    const result = await createHandler({ objects })(eventFor('incoming/a.ndjson'));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(logger.at('error')[0]?.attributes.error).toEqual(
      new Error(
        'incoming/a.ndjson was replaced while being ingested; its new content is ingested on the retry',
      ),
    );
    expect(writer.events('u')).toEqual([]);
  });

  it('retries a message whose object is deleted while it is read again for a tie-break', async () => {
    const text = [copyB, copyA].join('\n');
    let opened = 0;
    const objects: ObjectSource = {
      open: async () => {
        opened++;
        if (opened > 1) return { status: 'gone' };
        return { status: 'found', bytes: Readable.from([Buffer.from(text)]), eTag: undefined };
      },
    };

    const result = await createHandler({ objects })(eventFor('incoming/a.ndjson'));

    expect(opened).toBe(2);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(logger.at('error')[0]?.attributes.error).toEqual(
      new Error('incoming/a.ndjson was deleted while being ingested'),
    );
  });

  it('ingests a redelivered message again without adding anything', async () => {
    bucket.put(SAMPLE_KEY, sampleExport);
    const handler = createHandler();
    await handler(sampleEvent<SQSEvent>('sqs-s3-object-created.json'));
    const sessions = writer.sessions();
    const report = bucket.text(`rejected/${SAMPLE_KEY}.ndjson`);
    const redelivered = sampleEvent<SQSEvent>('sqs-s3-object-created.json');
    (redelivered.Records[0] as SQSRecord).attributes.ApproximateReceiveCount = '2';

    const result = await handler(redelivered);

    expect(result.outcomes).toEqual([
      expect.objectContaining({ stats: expect.objectContaining({ newEvents: 0, duplicates: 37 }) }),
    ]);
    expect(writer.sessions()).toEqual(sessions);
    expect(bucket.text(`rejected/${SAMPLE_KEY}.ndjson`)).toBe(report);
  });

  it('ingests the current content of an object replaced since its notification, with a warning', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));
    const event = sqsEvent([
      s3Notification('incoming/a.ndjson', { eTag: '0123456789abcdef0123456789abcdef' }),
    ]);

    const result = await createHandler()(event);

    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'ingested' })]);
    expect(logger.at('warn')).toEqual([
      expect.objectContaining({
        message: 'object changed since the notification; ingesting its current content',
      }),
    ]);
  });

  it('reads a notification naming the null version (versioning suspended) by its eTag, not as a version', async () => {
    // The upload the notification names was replaced: a suspended bucket overwrites its null version.
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0, id: 'm-1' }]));
    const event = sqsEvent([
      s3Notification('incoming/a.ndjson', { versionId: 'null', eTag: '0123456789abcdef0123456789abcdef' }),
    ]);

    const result = await createHandler()(event);

    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'ingested' })]);
    expect(logger.at('warn')).toEqual([
      expect.objectContaining({
        message: 'object changed since the notification; ingesting its current content',
      }),
    ]);
    // Stored as read from these bytes, not from "the null version", which a later upload replaces unseen.
    expect(writer.events('ann').map((stored) => stored.source?.version)).toEqual([
      expect.stringMatching(/^e:/),
    ]);
  });

  it('takes an empty eTag as none: the local S3 server sends one for a copied object', async () => {
    bucket.put('incoming/a.ndjson', segmentLines([{ user: 'ann', at: 0 }]));

    const result = await createHandler()(sqsEvent([s3Notification('incoming/a.ndjson', { eTag: '' })]));

    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'ingested' })]);
    expect(logger.at('warn')).toEqual([]);
  });
});
