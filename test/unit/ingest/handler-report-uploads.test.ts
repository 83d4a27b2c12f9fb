// The ingest's rejection reports as S3 writes them: in parts while a large file is read, discarded when a
// download breaks or S3 refuses them, an earlier upload's report beside the current one's, a key too long for
// rejected/.
import { Readable } from 'node:stream';
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
import { createIngestHandler } from '../../../functions/ingest/create-handler.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
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

const accessDenied = () =>
  new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'Access Denied' });

/** A line no export format accepts (invalid JSON). */
const BAD_LINE = '{"type":"track","userId":"u",';

describe('createIngestHandler rejection report uploads', () => {
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
    s3Mock.on(PutObjectCommand).rejects(accessDenied());

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(logger.at('error')[0]?.attributes.error).toMatchObject({ name: 'AccessDenied' });
  });

  it("fails the message with the upload's own error when the parts of a large report fail while reading waits", async () => {
    const key = 'incoming/big.ndjson';
    // 64 KiB a line: the report outgrows the four 5 MiB parts lib-storage has in flight at once.
    const badLine = `{"type":"track","userId":"u","timestamp":"never","pad":"${'x'.repeat(64 * 1024)}"}`;
    bucket.put(key, `${badLine}\n`.repeat(500));
    const parts: (() => void)[] = [];
    s3Mock.on(UploadPartCommand).callsFake(
      () =>
        new Promise((_, reject) => {
          parts.push(() => reject(accessDenied()));
          // The reading fills the report and waits on it; then every part in flight fails.
          if (parts.length < 4) return;
          setTimeout(() => {
            for (const fail of parts) fail();
          }, 200);
        }),
    );
    // Over the network, S3's answer comes after the body's own events.
    s3Mock.on(AbortMultipartUploadCommand).callsFake(async (input: { UploadId: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      bucket.multipartUploads.delete(input.UploadId);
      return {};
    });

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(logger.at('error')[0]?.attributes.error).toMatchObject({ name: 'AccessDenied' });
    expect(bucket.multipartUploads.size).toBe(0);
    expect(bucket.keys('rejected/')).toEqual([]);
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
    const earlier = `${good}\n${BAD_LINE}\n`;
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
      expect.objectContaining({ file: key, position: 3, raw: BAD_LINE }),
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
    bucket.put(key, `${segmentLines([{ user: 'ann', at: 0 }])}\n${BAD_LINE}\n`);

    const result = await createHandler()(eventFor(key));

    expect(result.batchItemFailures).toEqual([]);
    const [reportKey] = bucket.keys('rejected/');
    expect(Buffer.byteLength(reportKey as string)).toBeLessThanOrEqual(1024);
    expect(reportKey).toMatch(/^rejected\/incoming\/é+~[0-9a-f]{16}\.ndjson$/);
    expect(bucket.lines(reportKey as string)).toEqual([expect.objectContaining({ file: key, position: 3 })]);
  });
});
