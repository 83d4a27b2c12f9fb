import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessionizeFiles } from '../../../functions/cli/batch.js';
import { minutesToMs } from '../../../functions/domain/sessionize.js';
import {
  createIngestHandler,
  type IngestLogger,
  type IngestMetrics,
} from '../../../functions/ingest/create-ingest-handler.js';
import { decodeS3EventKey } from '../../../functions/shared/s3-event-key.js';
import { encodeS3EventKey } from '../../../local/s3-event.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { MockBucket, objectBody } from './mock-bucket.js';

const s3Mock = mockClient(S3Client);

const GAP_MS = minutesToMs(30);
const BUCKET = 'sessionizer-local';
const NDJSON_KEY = 'incoming/sample-export.ndjson';
const ENCODED_KEY = 'incoming/2024-01-02 export+v2.ndjson';
const GZIP_KEY = 'incoming/sample-export.json.gz';

const fixture = (name: string) => new URL(`../../../events/${name}`, import.meta.url);
const sampleNdjson = readFileSync(fixture('sample-export.ndjson'));
const sampleGzipArray = readFileSync(fixture('sample-export.json.gz'));
const objectCreated: S3Event = JSON.parse(readFileSync(fixture('s3-object-created.json'), 'utf8'));
const objectCreatedEncodedKey: S3Event = JSON.parse(
  readFileSync(fixture('s3-object-created-encoded-key.json'), 'utf8'),
);

/** The sample event for another key, encoded as S3 encodes keys in notifications. */
function eventFor(
  key: string,
  changes: { bucket?: string; eventName?: string; versionId?: string } = {},
): S3Event {
  const event = structuredClone(objectCreated);
  const record = event.Records[0];
  if (record === undefined) throw new Error('fixture has no record');
  record.s3.object.key = encodeS3EventKey(key);
  if (changes.bucket !== undefined) record.s3.bucket.name = changes.bucket;
  if (changes.eventName !== undefined) record.eventName = changes.eventName;
  if (changes.versionId !== undefined) record.s3.object.versionId = changes.versionId;
  return event;
}

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

class RecordingLogger implements IngestLogger {
  readonly entries: LogEntry[] = [];
  context: Context | undefined;
  addContext(context: Context): void {
    this.context = context;
  }
  info(message: string, attributes: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, attributes });
  }
  warn(message: string, attributes: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, attributes });
  }
  error(message: string, attributes: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, attributes });
  }
}

class RecordingMetrics implements IngestMetrics {
  stored = new Map<string, number>();
  readonly published: Map<string, number>[] = [];
  addMetric(name: string, _unit: unknown, value: number): void {
    this.stored.set(name, value);
  }
  publishStoredMetrics(): void {
    this.published.push(this.stored);
    this.stored = new Map();
  }
}

let bucket: MockBucket;
let writer: FakeSessionWriter;
let logger: RecordingLogger;
let metrics: RecordingMetrics;

function createHandler() {
  return createIngestHandler({
    s3: new S3Client({ region: 'us-east-1' }),
    writer,
    config: { bucketName: BUCKET, incomingPrefix: 'incoming/', rejectedPrefix: 'rejected/' },
    logger,
    metrics,
  });
}

beforeEach(() => {
  s3Mock.reset();
  bucket = new MockBucket(s3Mock);
  writer = new FakeSessionWriter(GAP_MS);
  logger = new RecordingLogger();
  metrics = new RecordingMetrics();
});

describe('decodeS3EventKey', () => {
  it('decodes keys the way S3 encodes them in notifications', () => {
    expect(decodeS3EventKey('incoming/2024-01-02+export%2Bv2.ndjson')).toBe(ENCODED_KEY);
    expect(decodeS3EventKey('incoming/caf%C3%A9%3Dexport%281%29.ndjson')).toBe(
      'incoming/café=export(1).ndjson',
    );
  });

  it('is the inverse of the encoding the local S3 reproduces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const key = `incoming/${name}`;
        expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
      }),
    );
  });
});

describe('ingest handler', () => {
  it('ingests an NDJSON export, reports its bad line and merges every user', async () => {
    bucket.put(NDJSON_KEY, sampleNdjson);

    const result = await createHandler()(structuredClone(objectCreated));

    expect(result.records).toEqual([
      {
        status: 'ingested',
        key: NDJSON_KEY,
        report: `rejected/${NDJSON_KEY}.ndjson`,
        stats: {
          eventsRead: 38,
          accepted: 37,
          rejected: 1,
          usersTouched: 6,
          newEvents: 37,
          sessionsWritten: 10,
        },
      },
    ]);
    const [rejection] = bucket.lines(`rejected/${NDJSON_KEY}.ndjson`) ?? [];
    const badLine = sampleNdjson.toString('utf8').split('\n')[18];
    expect(rejection).toEqual({
      file: NDJSON_KEY,
      position: 19,
      reason: expect.stringMatching(/^invalid JSON: /),
      raw: badLine,
    });
    expect(bucket.lines(`rejected/${NDJSON_KEY}.ndjson`)).toHaveLength(1);
    expect(writer.userIds()).toEqual([
      'anon-0e55d7',
      'anon-7f3a2c',
      'anon-c4e810',
      'user_1001',
      'user_1002',
      'user_1003',
    ]);
  });

  it('reads the object under its decoded key when the event key is URL-encoded', async () => {
    bucket.put(ENCODED_KEY, sampleNdjson);

    const result = await createHandler()(structuredClone(objectCreatedEncodedKey));

    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: ENCODED_KEY,
    });
    expect(result.records[0]).toMatchObject({ status: 'ingested', key: ENCODED_KEY });
    expect(bucket.keys('rejected/')).toEqual([`rejected/${ENCODED_KEY}.ndjson`]);
  });

  it('ingests a gzipped JSON array, detected by its bytes', async () => {
    bucket.put(GZIP_KEY, sampleGzipArray);

    const result = await createHandler()(eventFor(GZIP_KEY));

    expect(result.records[0]).toMatchObject({
      status: 'ingested',
      stats: { eventsRead: 5, accepted: 5, rejected: 0, usersTouched: 2 },
    });
    expect(result.records[0]).not.toHaveProperty('report');
    expect(bucket.keys('rejected/')).toEqual([]);
  });

  it('ingests a gzipped NDJSON export with bad lines', async () => {
    const key = 'incoming/export.ndjson.gz';
    bucket.put(key, gzipSync(sampleNdjson));

    const result = await createHandler()(eventFor(key));

    expect(result.records[0]).toMatchObject({ status: 'ingested', stats: { accepted: 37, rejected: 1 } });
    expect(bucket.lines(`rejected/${key}.ndjson`)).toEqual([
      expect.objectContaining({ file: key, position: 19, reason: expect.stringMatching(/^invalid JSON/) }),
    ]);
  });

  it('stores what the batch CLI computes from the same files, whatever the order and repetition', async () => {
    bucket.put(NDJSON_KEY, sampleNdjson);
    bucket.put(GZIP_KEY, sampleGzipArray);
    const handler = createHandler();

    await handler(eventFor(GZIP_KEY));
    await handler(eventFor(NDJSON_KEY));
    await handler(eventFor(GZIP_KEY));

    const batch = await sessionizeFiles(
      [fixture('sample-export.ndjson').pathname, fixture('sample-export.json.gz').pathname],
      {
        gapMs: GAP_MS,
      },
    );
    expect(writer.sessions()).toEqual(batch.sessions);
  });

  it('reports every rejected line with its position, index and reason', async () => {
    const key = 'incoming/mixed.json';
    const array = [
      '[',
      '  {"type":"track","event":"A","userId":"u1","timestamp":"2024-01-01T09:00:00Z","messageId":"m1"},',
      '  {"type":"teleport","userId":"u1","timestamp":"2024-01-01T09:01:00Z"},',
      '  {"type":"track","event":"B","timestamp":"2024-01-01T09:02:00Z"},',
      '  {"type":"page","userId":"u1","timestamp":"yesterday"},',
      '  [1,2]',
      ']',
    ].join('\n');
    bucket.put(key, array);

    const result = await createHandler()(eventFor(key));

    expect(result.records[0]).toMatchObject({ status: 'ingested', stats: { accepted: 1, rejected: 4 } });
    const report = bucket.lines(`rejected/${key}.ndjson`) as Record<string, unknown>[];
    expect(report.map(({ position, index }) => [position, index])).toEqual([
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ]);
    expect(report.map(({ reason }) => reason)).toEqual([
      expect.stringMatching(/^unknown type "teleport"/),
      expect.stringMatching(/^no identity/),
      expect.stringMatching(/^unparsable timestamp "yesterday"/),
      expect.stringMatching(/^not a JSON object/),
    ]);
    expect(report[0]).toEqual({
      file: key,
      position: 3,
      index: 2,
      reason: expect.any(String),
      raw: '{"type":"teleport","userId":"u1","timestamp":"2024-01-01T09:01:00Z"}',
    });
  });

  it('reports a file that is not an export and succeeds, so it is not retried', async () => {
    const key = 'incoming/notes.txt';
    bucket.put(key, 'meeting notes\nnothing to see here\n');

    const result = await createHandler()(eventFor(key));

    expect(result.records[0]).toMatchObject({ status: 'file-failed', key, report: `rejected/${key}.ndjson` });
    expect(bucket.lines(`rejected/${key}.ndjson`)).toEqual([
      { file: key, position: 0, reason: expect.stringMatching(/^not a JSON or NDJSON export/) },
    ]);
    expect(writer.calls).toEqual([]);
    expect(metrics.published[0]?.get('FilesFailed')).toBe(1);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'error', attributes: expect.objectContaining({ key }) }),
    );
  });

  it('reports corrupt gzip as a file failure but keeps the events read before the damage', async () => {
    const key = 'incoming/truncated.ndjson.gz';
    const gzipped = gzipSync(Buffer.concat(Array.from({ length: 40 }, () => sampleNdjson)));
    bucket.put(key, gzipped.subarray(0, Math.floor(gzipped.length * 0.6)));

    const result = await createHandler()(eventFor(key));

    expect(result.records[0]).toMatchObject({ status: 'file-failed', key });
    const report = bucket.lines(`rejected/${key}.ndjson`) as Record<string, unknown>[];
    expect(report.at(-1)).toEqual({ file: key, position: 0, reason: expect.stringMatching(/gzip/) });
    expect(writer.calls.length).toBeGreaterThan(0);
  });

  it('succeeds without a report when the object was deleted before it could be read', async () => {
    const result = await createHandler()(eventFor('incoming/deleted.ndjson'));

    expect(result.records).toEqual([{ status: 'gone', key: 'incoming/deleted.ndjson' }]);
    expect(bucket.keys()).toEqual([]);
    expect(writer.calls).toEqual([]);
  });

  it('skips records outside the incoming prefix, reports, other buckets and other event types', async () => {
    bucket.put('exports/a.ndjson', sampleNdjson);
    bucket.put(`rejected/${NDJSON_KEY}.ndjson`, '{}\n');
    bucket.put(NDJSON_KEY, sampleNdjson);
    const event: S3Event = {
      Records: [
        ...eventFor('exports/a.ndjson').Records,
        ...eventFor(`rejected/${NDJSON_KEY}.ndjson`).Records,
        ...eventFor(NDJSON_KEY, { bucket: 'someone-else' }).Records,
        ...eventFor(NDJSON_KEY, { eventName: 'ObjectRemoved:Delete' }).Records,
      ],
    };

    const result = await createHandler()(event);

    expect(result.records.map((record) => record.status)).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(writer.calls).toEqual([]);
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toHaveLength(4);
  });

  it('skips an event that is not an S3 notification without failing', async () => {
    const result = await createHandler()({ Records: [{ eventSource: 'aws:sqs' }] } as unknown as S3Event);

    expect(result.records).toEqual([{ status: 'skipped', reason: 'not an S3 notification record' }]);
  });

  it('reads the version named by the event, so a redelivery reads the same bytes', async () => {
    bucket.put(NDJSON_KEY, sampleNdjson);

    await createHandler()(eventFor(NDJSON_KEY, { versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' }));

    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: NDJSON_KEY,
      VersionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    });
  });

  it('changes nothing when the same event is delivered again', async () => {
    bucket.put(NDJSON_KEY, sampleNdjson);
    const handler = createHandler();

    const first = await handler(structuredClone(objectCreated));
    const reportAfterFirst = bucket.text(`rejected/${NDJSON_KEY}.ndjson`);
    const sessionsAfterFirst = writer.sessions();
    const callsOfFirst = writer.calls.splice(0);
    const second = await handler(structuredClone(objectCreated));

    expect(bucket.text(`rejected/${NDJSON_KEY}.ndjson`)).toBe(reportAfterFirst);
    expect(writer.calls).toEqual(callsOfFirst);
    expect(writer.sessions()).toEqual(sessionsAfterFirst);
    expect(second.records[0]).toMatchObject({ stats: { accepted: 37, newEvents: 0, sessionsWritten: 0 } });
    expect(first.records[0]).toMatchObject({ stats: { newEvents: 37 } });
  });

  it.each([
    [
      'ProvisionedThroughputExceededException',
      () =>
        new ProvisionedThroughputExceededException({
          message: 'Throughput exceeds the table limit',
          $metadata: {},
        }),
    ],
    [
      'ThrottlingException',
      () =>
        Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
          name: 'ThrottlingException',
        }),
    ],
  ])(
    'fails the invocation on %s from the store so Lambda retries it, and still flushes metrics',
    async (name, error) => {
      bucket.put(NDJSON_KEY, sampleNdjson);
      writer.failWith((userId) => (userId === 'user_1002' ? error() : undefined));

      await expect(createHandler()(structuredClone(objectCreated))).rejects.toMatchObject({ name });

      expect(metrics.published).toHaveLength(1);
      expect(metrics.published[0]?.get('FilesFailed')).toBe(1);
      expect(metrics.published[0]?.has('IngestDurationMs')).toBe(true);
      expect(logger.entries).toContainEqual(
        expect.objectContaining({ level: 'error', attributes: expect.objectContaining({ key: NDJSON_KEY }) }),
      );

      writer.failWith(undefined);
      await createHandler()(structuredClone(objectCreated));
      const batch = await sessionizeFiles([fixture('sample-export.ndjson').pathname], { gapMs: GAP_MS });
      expect(writer.sessions()).toEqual(batch.sessions);
    },
  );

  it('fails the invocation when S3 throttles the read', async () => {
    s3Mock.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'SlowDown',
        $fault: 'server',
        message: 'Please reduce your request rate.',
        $metadata: { httpStatusCode: 503 },
      }),
    );

    await expect(createHandler()(structuredClone(objectCreated))).rejects.toMatchObject({ name: 'SlowDown' });
    expect(metrics.published[0]?.get('FilesFailed')).toBe(1);
  });

  it('fails the invocation, not the file, when the download breaks off mid-stream', async () => {
    const gzipped = gzipSync(Buffer.concat(Array.from({ length: 40 }, () => sampleNdjson)));
    s3Mock.on(GetObjectCommand).callsFake(() => ({
      Body: Readable.from(
        (async function* () {
          yield gzipped.subarray(0, 4096);
          yield gzipped.subarray(4096, 8192);
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        })(),
      ),
    }));

    await expect(createHandler()(structuredClone(objectCreated))).rejects.toThrow('socket hang up');
    expect(writer.calls).toEqual([]);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('fails the invocation when the report cannot be written, before merging anything', async () => {
    bucket.put(NDJSON_KEY, sampleNdjson);
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'InternalError',
        $fault: 'server',
        message: 'We encountered an internal error.',
        $metadata: { httpStatusCode: 500 },
      }),
    );

    await expect(createHandler()(structuredClone(objectCreated))).rejects.toMatchObject({
      name: 'InternalError',
    });
    expect(writer.calls).toEqual([]);
  });

  it('streams a large report as a multipart upload', async () => {
    const key = 'incoming/mostly-bad.ndjson';
    const good =
      '{"type":"track","event":"A","userId":"u1","timestamp":"2024-01-01T09:00:00Z","messageId":"m1"}';
    const bad = (i: number) =>
      `{"type":"track","event":"No identity ${i}","timestamp":"2024-01-01T09:00:00Z","properties":{"padding":"${'x'.repeat(200)}"}}`;
    // About 430 bytes of report per line: past lib-storage's 5 MB part size.
    const BAD_LINES = 15_000;
    bucket.put(key, [good, ...Array.from({ length: BAD_LINES }, (_, i) => bad(i))].join('\n'));

    const result = await createHandler()(eventFor(key));

    expect(result.records[0]).toMatchObject({
      status: 'ingested',
      stats: { accepted: 1, rejected: BAD_LINES },
    });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(UploadPartCommand).length).toBeGreaterThan(1);
    const report = bucket.lines(`rejected/${key}.ndjson`) as { position: number }[];
    expect(report.map(({ position }) => position)).toEqual(
      Array.from({ length: BAD_LINES }, (_, i) => i + 2),
    );
  });

  it('logs the Lambda context and publishes the invocation metrics', async () => {
    bucket.put(NDJSON_KEY, sampleNdjson);
    const context = { functionName: 'ingest', awsRequestId: 'req-1' } as Context;

    await createHandler()(structuredClone(objectCreated), context);

    expect(logger.context).toBe(context);
    expect(Object.fromEntries(metrics.published[0] ?? [])).toEqual({
      EventsRead: 38,
      EventsRejected: 1,
      SessionsWritten: 10,
      UsersTouched: 6,
      NewEvents: 37,
      FilesIngested: 1,
      FilesFailed: 0,
      IngestDurationMs: expect.any(Number),
    });
  });

  it('uses a body chunked at any size', async () => {
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: objectBody(sampleNdjson, 7) }));

    const result = await createHandler()(structuredClone(objectCreated));

    expect(result.records[0]).toMatchObject({ status: 'ingested', stats: { accepted: 37, rejected: 1 } });
  });
});
