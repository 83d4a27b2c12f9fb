// From S3 to the ingest queue: which notifications enqueue, what a start recovers, replays and redrives.
// S3 is mocked (a listing of objects); the queue is the real one in a temporary data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import { IngestPipeline } from '../../../local/ingest-pipeline.js';
import type { MessageOutcome } from '../../../local/ingest-queue.js';
import { encodeS3EventKey } from '../../../local/s3-event.js';
import { objectsInBody } from '../../../local/source-objects.js';

const BUCKET = 'sessionizer-local';
const s3Mock = mockClient(S3Client);

interface ListedObject {
  key: string;
  eTag: string;
  modified: string;
}

let dataDir: string;
let bucket: ListedObject[];
let pipeline: IngestPipeline;
/** Keys of every delivered message, in delivery order. */
let delivered: string[];
let deliveredObjects: { key: string; eTag: string }[];
/** Keys the fake handler fails. */
let failingKeys: Set<string>;
/** Keys the fake handler finds deleted, as the ingest reports an object it cannot read any more. */
let goneKeys: Set<string>;

function record(key: string, eTag = 'etag'): S3EventRecord {
  return {
    eventName: 'ObjectCreated:Put',
    s3: { bucket: { name: BUCKET }, object: { key: encodeS3EventKey(key), size: 1, eTag } },
  } as S3EventRecord;
}

const handler = async (
  event: SQSEvent,
  onMessageDone?: (messageId: string, outcomes: readonly MessageOutcome[]) => void,
) => ({
  batchItemFailures: event.Records.flatMap((message) => {
    const objects = objectsInBody(message.body);
    for (const { key, eTag } of objects) {
      delivered.push(key);
      deliveredObjects.push({ key, eTag });
    }
    if (objects.some(({ key }) => failingKeys.has(key))) return [{ itemIdentifier: message.messageId }];
    onMessageDone?.(
      message.messageId,
      objects.map(({ key }) => ({ status: goneKeys.has(key) ? 'gone' : 'ingested', key })),
    );
    return [];
  }),
});

function openPipeline(): IngestPipeline {
  const opened = new IngestPipeline({
    dataDir,
    bucket: BUCKET,
    sources: DEFAULT_SOURCES,
    settings: { batchSize: 10, maxConcurrency: 1, visibilityTimeoutMs: 10, maxReceiveCount: 1 },
  });
  opened.start(handler, new S3Client({ region: 'us-east-1' }));
  return opened;
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  bucket = [];
  delivered = [];
  deliveredObjects = [];
  failingKeys = new Set();
  goneKeys = new Set();
  s3Mock.reset();
  s3Mock.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => ({
    Contents: bucket
      .filter(({ key }) => key.startsWith(input.Prefix ?? ''))
      .map(({ key, eTag, modified }) => ({
        Key: key,
        ETag: `"${eTag}"`,
        Size: 1,
        LastModified: new Date(modified),
      })),
    IsTruncated: false,
  }));
  pipeline = openPipeline();
});

afterEach(async () => {
  await pipeline.ingestQueue.close(100);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('IngestPipeline', () => {
  it('enqueues notifications under every source prefix, never reports or other keys', async () => {
    const event = {
      Records: [
        'incoming/a b.ndjson',
        'segment-logs/s/1/x.gz',
        'rudder-logs/r/1/y.gz',
        'rejected/incoming/a.ndjson',
        'other/z',
      ].map((key) => record(key)),
    } as S3Event;

    pipeline.onObjectCreated(event);
    await pipeline.ingestQueue.idle();

    expect(delivered).toEqual(['incoming/a b.ndjson', 'segment-logs/s/1/x.gz', 'rudder-logs/r/1/y.gz']);
  });

  it('fills in the ETag S3 left out (copies) before enqueueing', async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ETag: '"filled"' });

    pipeline.onObjectCreated({ Records: [record('incoming/copied', '')] } as S3Event);

    await vi.waitFor(() => expect(deliveredObjects).toEqual([{ key: 'incoming/copied', eTag: 'filled' }]));
  });

  it('on start enqueues the source objects neither ingested nor dead-lettered, once', async () => {
    bucket = [
      { key: 'incoming/done', eTag: 'e1', modified: '2024-01-01' },
      { key: 'incoming/poison', eTag: 'e2', modified: '2024-01-01' },
      { key: 'segment-logs/s/1/new.gz', eTag: 'e3', modified: '2024-01-01' },
      { key: 'rejected/incoming/done.ndjson', eTag: 'e4', modified: '2024-01-01' },
    ];
    failingKeys.add('incoming/poison');
    pipeline.onObjectCreated({
      Records: [record('incoming/done', 'e1'), record('incoming/poison', 'e2')],
    } as S3Event);
    await pipeline.ingestQueue.idle();
    await pipeline.ingestQueue.close(100);
    delivered = [];

    pipeline = openPipeline();
    const first = await pipeline.enqueueUnfinished();
    await pipeline.ingestQueue.idle();
    const second = await pipeline.enqueueUnfinished();

    expect(first).toEqual(['segment-logs/s/1/new.gz']);
    expect(delivered).toEqual(['segment-logs/s/1/new.gz']);
    expect(second).toEqual([]);
    expect(
      pipeline.ingestQueue.sqs.listDeadLetters().flatMap((message) => objectsInBody(message.body)),
    ).toEqual([{ key: 'incoming/poison', eTag: 'e2' }]);
  });

  it('counts an object deleted before it was read as not ingested: its bytes uploaded again are recovered on start', async () => {
    // A dead letter redriven after its object was deleted: the ingest finds nothing to read.
    goneKeys.add('incoming/deleted');
    pipeline.onObjectCreated({
      Records: [record('incoming/deleted', 'e1'), record('incoming/kept', 'e2')],
    } as S3Event);
    await pipeline.ingestQueue.idle();
    await pipeline.ingestQueue.close(100);
    goneKeys.clear();
    delivered = [];
    // The same bytes uploaded again (the same ETag), their notification lost to a crash of the stack.
    bucket = [
      { key: 'incoming/deleted', eTag: 'e1', modified: '2024-01-01' },
      { key: 'incoming/kept', eTag: 'e2', modified: '2024-01-01' },
    ];

    pipeline = openPipeline();
    const recovered = await pipeline.enqueueUnfinished();
    await pipeline.ingestQueue.idle();

    expect(recovered).toEqual(['incoming/deleted']);
    expect(delivered).toEqual(['incoming/deleted']);
  });

  it('replays source objects under a prefix modified since a day; a dry run enqueues nothing', async () => {
    bucket = [
      { key: 'incoming/old', eTag: 'e1', modified: '2024-01-01T12:00:00Z' },
      { key: 'incoming/new', eTag: 'e2', modified: '2024-02-01T00:00:00Z' },
      { key: 'segment-logs/s/1/new.gz', eTag: 'e3', modified: '2024-02-02T00:00:00Z' },
    ];
    const since = new Date('2024-02-01T00:00:00Z');

    const dryRun = await pipeline.replay({ since, dryRun: true, fromDeadLetterQueue: false });
    await pipeline.ingestQueue.idle();
    const deliveredOnDryRun = [...delivered];
    const real = await pipeline.replay({
      prefix: 'incoming/',
      since,
      dryRun: false,
      fromDeadLetterQueue: false,
    });
    await pipeline.ingestQueue.idle();

    expect(dryRun.objects?.map((object) => object.key)).toEqual(['incoming/new', 'segment-logs/s/1/new.gz']);
    expect(deliveredOnDryRun).toEqual([]);
    expect(real.objects?.map((object) => object.key)).toEqual(['incoming/new']);
    expect(delivered).toEqual(['incoming/new']);
  });

  it('never replays objects outside the source prefixes, even under a wider prefix, nor what is no export', async () => {
    bucket = [
      { key: 'incoming/a', eTag: 'e1', modified: '2024-01-01' },
      { key: 'segment-logs/s/manifest.json', eTag: 'e4', modified: '2024-01-01' },
      { key: 'incoming/folder/', eTag: 'e5', modified: '2024-01-01' },
      { key: 'rejected/incoming/a.ndjson', eTag: 'e2', modified: '2024-01-01' },
      { key: 'notes.txt', eTag: 'e3', modified: '2024-01-01' },
    ];

    const result = await pipeline.replay({ prefix: '', dryRun: true, fromDeadLetterQueue: false });

    expect(result.objects?.map((object) => object.key)).toEqual(['incoming/a']);
  });

  it("names the bucket's top-level folders and its count of objects when a replay's prefix holds no object at all, and only then", async () => {
    bucket = [
      { key: 'incoming/a', eTag: 'e1', modified: '2024-01-01' },
      { key: 'incoming/b', eTag: 'e4', modified: '2024-01-01' },
      { key: 'rejected/incoming/a.ndjson', eTag: 'e2', modified: '2024-01-01' },
      { key: 'notes.txt', eTag: 'e3', modified: '2024-01-01' },
    ];
    const replay = (prefix?: string) =>
      pipeline.replay({ ...(prefix !== undefined && { prefix }), dryRun: true, fromDeadLetterQueue: false });

    const sourcePrefixes = ['incoming/', 'segment-logs/', 'rudder-logs/'];
    expect(await replay('incomng/')).toEqual({
      objects: [],
      skipped: [],
      older: 0,
      bucketPrefixes: ['incoming/', 'rejected/'],
      bucketObjects: 4,
      sourcePrefixes,
    });
    // Reports are listed as skipped: the prefix holds objects, so no hint.
    expect((await replay('rejected/')).bucketPrefixes).toBeUndefined();
    expect((await replay('incoming/')).bucketPrefixes).toBeUndefined();
    expect((await replay()).bucketPrefixes).toBeUndefined();
    // Without a prefix, the source prefixes are what holds nothing.
    bucket = [{ key: 'exports/a.ndjson', eTag: 'e5', modified: '2024-01-01' }];
    expect(await replay()).toMatchObject({ bucketPrefixes: ['exports/'], bucketObjects: 1, sourcePrefixes });
    bucket = [];
    expect(await replay()).toEqual({
      objects: [],
      skipped: [],
      older: 0,
      bucketPrefixes: [],
      bucketObjects: 0,
      sourcePrefixes,
    });
  });

  it('redrives the dead letters of objects under a prefix, listing them first on a dry run', async () => {
    failingKeys = new Set(['incoming/a', 'segment-logs/s/1/b.gz']);
    pipeline.onObjectCreated({ Records: [record('incoming/a'), record('segment-logs/s/1/b.gz')] } as S3Event);
    await pipeline.ingestQueue.idle();
    failingKeys.clear();
    delivered = [];

    const listed = await pipeline.replay({ dryRun: true, fromDeadLetterQueue: true });
    const redriven = await pipeline.replay({
      prefix: 'segment-logs/',
      dryRun: false,
      fromDeadLetterQueue: true,
    });
    await pipeline.ingestQueue.idle();

    expect(listed.messages?.map((message) => [message.keys, message.receiveCount])).toEqual([
      [['incoming/a'], 1],
      [['segment-logs/s/1/b.gz'], 1],
    ]);
    expect(listed.messages?.[0]?.lastError).toBe('reported as failed by the handler (batchItemFailures)');
    expect(redriven.messages?.map((message) => message.keys)).toEqual([['segment-logs/s/1/b.gz']]);
    expect(delivered).toEqual(['segment-logs/s/1/b.gz']);
    expect(pipeline.ingestQueue.sqs.listDeadLetters()).toHaveLength(1);
  });
});
