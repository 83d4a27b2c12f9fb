import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import { MAX_RECORD_BYTES } from '../../../functions/domain/reading/byte-record.js';
import { createIngestHandler } from '../../../functions/ingest/create-handler.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import { bytesOf, zipWithSizes } from '../reading/archives.js';
import { handlerDeps, segmentLines } from './handler-harness.js';
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

const reportOf = (key: string) => bucket.lines(`rejected/${key}.ndjson`);

freshHandlerMocksEachTest();

/** Lines no export format accepts, each with the reason it is rejected. */
const BAD_LINES: readonly [string, string][] = [
  ['{"type":"track","userId":"u",', 'invalid JSON'],
  ['[1,2]', 'not a JSON object'],
  ['{"type":"track","timestamp":"2024-01-01T09:00:00Z"}', 'identity'],
  ['{"type":"track","userId":"u","timestamp":"yesterday"}', 'timestamp'],
  ['{"type":"click","userId":"u","timestamp":"2024-01-01T09:00:00Z"}', 'type'],
];

describe('createIngestHandler rejection reports', () => {
  it('reports each rejected line under rejected/<key>.ndjson with its file, position, reason and text', async () => {
    const key = 'incoming/2024/day 1.ndjson';
    const good = segmentLines([{ user: 'ann', at: 0 }]);
    bucket.put(key, `${good}\n${BAD_LINES.map(([line]) => line).join('\n')}\n${good}`);

    const result = await createHandler()(eventFor(key));

    expect(result.outcomes).toEqual([
      expect.objectContaining({ status: 'ingested', report: 'rejected/incoming/2024/day 1.ndjson.ndjson' }),
    ]);
    const lines = reportOf(key) as Record<string, unknown>[];
    expect(lines.map(({ file, position, raw }) => ({ file, position, raw }))).toEqual(
      BAD_LINES.map(([raw], index) => ({ file: key, position: index + 3, raw })),
    );
    lines.forEach((line, index) => {
      expect(Object.keys(line).sort()).toEqual(['file', 'position', 'raw', 'reason']);
      expect(String(line.reason)).toContain(BAD_LINES[index]?.[1]);
    });
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Key: 'rejected/incoming/2024/day 1.ndjson.ndjson',
      ContentType: 'application/x-ndjson; charset=utf-8',
    });
  });

  it('removes the report of an earlier upload of the key when the corrected file is read clean', async () => {
    const key = 'incoming/fix-me.ndjson';
    const good = segmentLines([{ user: 'ann', at: 0 }]);
    bucket.put(key, `${good}\n${BAD_LINES[0]?.[0]}\n`);
    await createHandler()(eventFor(key));
    expect(reportOf(key)).toHaveLength(1);

    bucket.put(key, `${good}\n`);
    const corrected = await createHandler()(eventFor(key));

    expect(corrected.outcomes).toEqual([expect.objectContaining({ status: 'ingested' })]);
    expect(corrected.outcomes[0]).not.toHaveProperty('report');
    expect(reportOf(key)).toBeUndefined();
  });

  it('gives the element index of a rejected event in a JSON array', async () => {
    const key = 'incoming/array.json';
    const good = '{"type":"track","userId":"ann","timestamp":"2024-01-01T09:00:00Z"}';
    bucket.put(key, `[\n  ${good},\n  {"type":"track","userId":"ann"},\n  ${good.replace('ann', 'bob')}\n]`);

    await createHandler()(eventFor(key));

    expect(reportOf(key)).toEqual([
      {
        file: key,
        position: 3,
        index: 2,
        reason: expect.stringContaining('timestamp'),
        raw: '{"type":"track","userId":"ann"}',
      },
    ]);
  });

  it('reports a truncated gzip with a file line; the complete records before the break are kept', async () => {
    const key = 'incoming/cut.ndjson.gz';
    const events = Array.from({ length: 400 }, (_, index) => ({ user: `u${index % 7}`, at: index }));
    const gzipped = gzipSync(segmentLines(events));
    bucket.put(key, gzipped.subarray(0, Math.floor(gzipped.length * 0.6)));

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([]);
    const [outcome] = result.outcomes;
    expect(outcome).toMatchObject({ status: 'file-failed', key, report: `rejected/${key}.ndjson` });
    const accepted = outcome !== undefined && 'stats' in outcome ? outcome.stats.accepted : 0;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(events.length);
    expect(writer.calls.reduce((sum, call) => sum + call.events.length, 0)).toBe(accepted);
    expect(reportOf(key)).toEqual([
      {
        file: key,
        position: 0,
        reason: expect.stringMatching(
          /^gzip data ends early \(truncated file\); reading stopped after line \d+$/,
        ),
      },
    ]);
    expect(metrics.single().get('FilesFailed')).toBe(1);
  });

  it('reports a corrupt ZIP member with a file line and still reads the other members', async () => {
    const key = 'incoming/export.zip';
    const good = bytesOf(
      segmentLines([
        { user: 'ann', at: 0 },
        { user: 'ann', at: 5 },
      ]),
    );
    const damaged = bytesOf(
      segmentLines(Array.from({ length: 300 }, (_, index) => ({ user: 'bob', at: index }))),
    );
    const archive = zipWithSizes([
      { path: 'a-damaged.ndjson', content: damaged },
      { path: 'b-good.ndjson', content: good },
    ]);
    // Flip bytes inside the first member's deflate stream (after its 30-byte header and name).
    for (let offset = 60; offset < 90; offset++) archive[offset] = (archive[offset] as number) ^ 0xa5;
    bucket.put(key, archive);

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'file-failed', key })]);
    expect(reportOf(key)).toEqual([
      { file: `${key}!a-damaged.ndjson`, position: 0, reason: expect.stringContaining('reading stopped') },
    ]);
    expect(writer.userIds()).toContain('ann');
  });

  it('refuses a ZIP member that inflates past MAX_MEMBER_BYTES and reads the others', async () => {
    const key = 'incoming/bomb.zip';
    const deps = handlerDeps({ s3, writer, logger, metrics });
    const handler = createIngestHandler({ ...deps, config: { ...deps.config, maxMemberBytes: 4096 } });
    const huge = bytesOf(`${segmentLines([{ user: 'bob', at: 0 }])}${' '.repeat(100_000)}\n`);
    bucket.put(
      key,
      zipWithSizes([
        { path: 'huge.ndjson', content: huge },
        { path: 'small.ndjson', content: bytesOf(segmentLines([{ user: 'ann', at: 0 }])) },
      ]),
    );

    const result = await handler(eventFor(key));

    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'file-failed' })]);
    expect(reportOf(key)).toEqual([
      { file: `${key}!huge.ndjson`, position: 0, reason: expect.stringContaining('past the 4 KiB limit') },
    ]);
    expect(writer.userIds()).toContain('ann');
  });

  it('reports a line past MAX_RECORD_BYTES by its line, length and first bytes, and merges the others', async () => {
    const key = 'incoming/long-line.ndjson.gz';
    const head = '{"type":"track","userId":"bob","timestamp":"2024-01-01T09:00:00Z","properties":{"n":[';
    const long = `${head}${'1,'.repeat(16 * 1024 * 1024)}1]}}`;
    const [ann, cat] = [segmentLines([{ user: 'ann', at: 0 }]), segmentLines([{ user: 'cat', at: 0 }])];
    bucket.put(key, gzipSync(`${ann}${long}\n${cat}`, { level: 1 }));

    const result = await createHandler()(eventFor(key));

    expect(result.outcomes).toEqual([
      expect.objectContaining({
        status: 'ingested',
        stats: expect.objectContaining({ accepted: 2, rejected: 1 }),
      }),
    ]);
    expect(reportOf(key)).toEqual([
      {
        file: key,
        position: 2,
        reason: `record too long (${long.length} bytes; at most ${MAX_RECORD_BYTES})`,
        raw: `${long.slice(0, 1024)}…`,
      },
    ]);
    expect(writer.userIds().sort()).toEqual(['ann', 'cat']);
  });

  it('reports a file with no JSON line as one file line, not as rejected events', async () => {
    const key = 'incoming/notes.ndjson';
    bucket.put(key, 'these are my notes\nabout the export\nnot events\n');

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([
      expect.objectContaining({
        status: 'file-failed',
        stats: expect.objectContaining({ rejected: 0, accepted: 0 }),
      }),
    ]);
    expect(reportOf(key)).toEqual([{ file: key, position: 0, reason: 'no line is JSON' }]);
    expect(logger.at('error')).toEqual([
      expect.objectContaining({ message: 'export could not be read entirely; reported, not retried' }),
    ]);
  });

  it('skips the manifest and directories of a ZIP archive without reporting them', async () => {
    const key = 'incoming/export.zip';
    const archive = zipWithSizes([
      { path: 'manifest.json', content: bytesOf('{"files":["events/a.ndjson"],"exportedAt":"2024-01-02"}') },
      { path: 'events/', content: new Uint8Array() },
      { path: 'events/a.ndjson', content: bytesOf(segmentLines([{ user: 'ann', at: 0 }])) },
    ]);
    bucket.put(key, archive);

    const result = await createHandler()(eventFor(key));

    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'ingested' })]);
    expect(bucket.keys('rejected/')).toEqual([]);
    expect(writer.userIds()).toEqual(['ann']);
  });

  it("reports an erased user's events with reason erased and without their text", async () => {
    const key = 'incoming/a.ndjson';
    writer.erase('gone');
    bucket.put(
      key,
      segmentLines([
        { user: 'gone', at: 0, id: 'secret-1' },
        { user: 'kept', at: 0 },
        { user: 'gone', at: 5, id: 'secret-2' },
      ]),
    );

    const result = await createHandler()(eventFor(key));

    expect(result.outcomes).toEqual([
      expect.objectContaining({
        status: 'ingested',
        stats: expect.objectContaining({ erased: 2, newEvents: 1 }),
      }),
    ]);
    expect(reportOf(key)).toEqual([
      { file: key, position: 1, reason: 'erased', raw: '' },
      { file: key, position: 3, reason: 'erased', raw: '' },
    ]);
    expect(bucket.text(`rejected/${key}.ndjson`)).not.toContain('secret');
    expect(writer.userIds()).toEqual(['kept']);
    expect(metrics.single().get('EventsErased')).toBe(2);
  });

  it("gives the element index of an erased user's event in a JSON array", async () => {
    const key = 'incoming/erased.json';
    writer.erase('gone');
    const event = (user: string, minute: number) =>
      `{"type":"track","userId":"${user}","timestamp":"2024-01-01T09:0${minute}:00Z","messageId":"${user}-${minute}"}`;
    bucket.put(key, `[${event('gone', 0)},${event('kept', 1)},${event('gone', 2)}]`);

    await createHandler()(eventFor(key));

    expect(reportOf(key)).toEqual([
      { file: key, position: 1, index: 1, reason: 'erased', raw: '' },
      { file: key, position: 1, index: 3, reason: 'erased', raw: '' },
    ]);
    expect(writer.userIds()).toEqual(['kept']);
  });

  it('uploads a large report in parts while the file is read', async () => {
    const key = 'incoming/big.ndjson';
    const badLine = `{"type":"track","userId":"u","timestamp":"never","pad":"${'x'.repeat(200)}"}`;
    const count = 30_000;
    bucket.put(key, `${badLine}\n`.repeat(count));

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([]);
    expect(s3Mock.commandCalls(CreateMultipartUploadCommand)).toHaveLength(1);
    expect(s3Mock.commandCalls(UploadPartCommand).length).toBeGreaterThan(1);
    expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(1);
    const lines = reportOf(key) as { position: number; raw: string }[];
    expect(lines).toHaveLength(count);
    expect(lines.map((line) => line.position)).toEqual(
      Array.from({ length: count }, (_, index) => index + 1),
    );
    expect(lines.every((line) => line.raw === badLine)).toBe(true);
  });

  it('discards a large report when the download breaks, so the retry writes it whole', async () => {
    const key = 'incoming/big.ndjson';
    const badLine = `{"type":"track","userId":"u","timestamp":"never","pad":"${'x'.repeat(200)}"}\n`;
    const text = badLine.repeat(40_000);
    bucket.put(key, text, { failAfterBytes: text.length - 1000 });

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(s3Mock.commandCalls(UploadPartCommand).length).toBeGreaterThan(0);
    expect(s3Mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(bucket.multipartUploads.size).toBe(0);
    expect(bucket.keys('rejected/')).toEqual([]);
  });

  it('fails the message when its report cannot be written, so the retry reports again', async () => {
    const key = 'incoming/a.ndjson';
    bucket.put(key, `not json\n${segmentLines([{ user: 'ann', at: 0 }])}`);
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'Access Denied',
      }),
    );

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(logger.at('error')[0]?.attributes.error).toMatchObject({ name: 'AccessDenied' });
  });

  it('discards a small report when the download breaks', async () => {
    const key = 'incoming/small.ndjson';
    const text = `not json\n${segmentLines(Array.from({ length: 100 }, (_, index) => ({ user: 'u', at: index })))}`;
    bucket.put(key, text, { failAfterBytes: text.length - 100 });

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(bucket.keys('rejected/')).toEqual([]);
  });
  it('reports the content of an earlier upload read after its key was replaced beside the current one, leaving it be', async () => {
    const key = 'incoming/day.ndjson';
    const good = segmentLines([{ user: 'ann', at: 0 }]);
    // The current content's report, written when it was ingested.
    bucket.put(`rejected/${key}.ndjson`, '{"file":"incoming/day.ndjson","position":2,"reason":"current"}\n');
    const earlier = `${good}\n${BAD_LINES[0]?.[0]}\n`;
    const objects: ObjectSource = {
      // A late message of the first upload names its version, and reads it.
      open: async () => ({
        status: 'found',
        bytes: Readable.from([Buffer.from(earlier)]),
        eTag: 'e1',
        versionId: 'v1',
      }),
      currentETag: async () => 'e2',
    };

    const result = await createIngestHandler({ ...handlerDeps({ s3, writer, logger, metrics }), objects })(
      sqsEvent([s3Notification(key, { versionId: 'v1' })]),
    );

    expect(result.outcomes).toEqual([
      expect.objectContaining({ status: 'ingested', report: `rejected/${key}.e1.ndjson` }),
    ]);
    expect(bucket.lines(`rejected/${key}.e1.ndjson`)).toEqual([
      expect.objectContaining({ file: key, position: 3, raw: BAD_LINES[0]?.[0] }),
    ]);
    expect(reportOf(key)).toEqual([expect.objectContaining({ reason: 'current' })]);
    expect(writer.events('ann')).toHaveLength(1);
  });

  it("leaves the current content's report alone when an earlier upload read late is clean", async () => {
    const key = 'incoming/day.ndjson';
    bucket.put(`rejected/${key}.ndjson`, '{"file":"incoming/day.ndjson","position":2,"reason":"current"}\n');
    const objects: ObjectSource = {
      open: async () => ({
        status: 'found',
        bytes: Readable.from([Buffer.from(segmentLines([{ user: 'ann', at: 0 }]))]),
        eTag: 'e1',
      }),
      currentETag: async () => 'e2',
    };

    await createIngestHandler({ ...handlerDeps({ s3, writer, logger, metrics }), objects })(eventFor(key));

    expect(reportOf(key)).toEqual([expect.objectContaining({ reason: 'current' })]);
  });

  it('reports a key too long for rejected/ under a shortened name that S3 takes, naming the whole key inside', async () => {
    const key = `incoming/${'é'.repeat(505)}.ndjson`;
    s3Mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: unknown }) => {
      if (Buffer.byteLength(input.Key) > 1024) throw new Error('KeyTooLongError');
      const body = input.Body;
      bucket.put(input.Key, typeof body === 'string' ? body : Buffer.from(body as Uint8Array));
      return {};
    });
    bucket.put(key, `${segmentLines([{ user: 'ann', at: 0 }])}\n${BAD_LINES[0]?.[0]}\n`);

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([]);
    const [reportKey] = bucket.keys('rejected/');
    expect(Buffer.byteLength(reportKey as string)).toBeLessThanOrEqual(1024);
    expect(reportKey).toMatch(/^rejected\/incoming\/é+~[0-9a-f]{16}\.ndjson$/);
    expect(bucket.lines(reportKey as string)).toEqual([expect.objectContaining({ file: key, position: 3 })]);
  });
});
