import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../../functions/domain/reading/byte-record.js';
import { createIngestHandler } from '../../../functions/ingest/create-handler.js';
import { LONG_FIRST_OBJECT_EXPORT, longFirstObjectRejections } from '../../helpers/long-first-object.js';
import { bytesOf, zipWithSizes } from '../reading/archives.js';
import { handlerDeps, segmentLines } from './handler-harness.js';
import {
  bucket,
  createHandler,
  eventFor,
  freshHandlerMocksEachTest,
  logger,
  metrics,
  reportOf,
  s3,
  s3Mock,
  writer,
} from './handler-mocks.js';

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

  it('reads a file in the format its first object shows when that object is too long to hold', async () => {
    const key = 'incoming/long-first.ndjson.gz';
    bucket.put(key, gzipSync(LONG_FIRST_OBJECT_EXPORT, { level: 1 }));

    const result = await createHandler()(eventFor(key));

    expect(result.outcomes).toEqual([
      expect.objectContaining({
        status: 'ingested',
        stats: expect.objectContaining({ accepted: 1, rejected: 2 }),
      }),
    ]);
    expect(reportOf(key)).toEqual(longFirstObjectRejections(key));
    expect(writer.userIds()).toEqual(['ann']);
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

  it('reports an AWS Lambda test event uploaded beside the exports as one, as the CLI does', async () => {
    const samples = new URL('../../../events/lambda/', import.meta.url);
    const kinds = { 'sqs-s3-object-created.json': 'aws:sqs', 'api-list-sessions.json': 'API Gateway' };
    for (const [name, kind] of Object.entries(kinds)) {
      const key = `incoming/${name}`;
      bucket.put(key, readFileSync(new URL(name, samples), 'utf8'));

      const result = await createHandler()(eventFor(key));

      expect(result.outcomes).toEqual([expect.objectContaining({ status: 'file-failed' })]);
      expect(reportOf(key)).toEqual([
        {
          file: key,
          position: 0,
          reason: `no line is JSON: it is an AWS Lambda test event (${kind}), not an export (a function's sample input)`,
        },
      ]);
    }
    // Any other object over several lines is no export, and said as before.
    const wrapped = 'incoming/wrapped.json';
    bucket.put(wrapped, JSON.stringify({ Records: [{ type: 'track', userId: 'u' }] }, null, 2));
    await createHandler()(eventFor(wrapped));
    expect(reportOf(wrapped)).toEqual([{ file: wrapped, position: 0, reason: 'no line is JSON' }]);
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

  it("counts an erased user's event once in EventsErased when its copies fall in two chunks", async () => {
    const key = 'incoming/a.ndjson';
    writer.erase('gone');
    bucket.put(
      key,
      segmentLines([
        { user: 'gone', at: 0, id: 'secret-1' },
        { user: 'kept', at: 1 },
        { user: 'kept', at: 2 },
        { user: 'gone', at: 0, id: 'secret-1' },
      ]),
    );

    await createHandler({ chunkEvents: 1 })(eventFor(key));

    expect(reportOf(key)).toEqual([{ file: key, position: 1, reason: 'erased', raw: '' }]);
    expect(metrics.single().get('EventsErased')).toBe(1);
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
});
