// Uploads to the local S3 (s3rver behind the aws-chunked front), and the guard for s3rver's known quirk:
// aws-chunked uploads (the SDK's default for streamed bodies) stored with their framing. Objects must be
// stored byte-identical whichever client, checksum or multipart upload sent them, and bad bodies rejected.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  type ChecksumAlgorithm,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeS3Checksum } from '../../local/aws-chunked.js';
import type { S3Local } from '../../local/s3-local.js';
import { awsChunked, awsChunkedHeaders } from '../helpers/aws-chunked-body.js';
import { BUCKET, defaultSdkClient, type EventedS3, startEventedS3 } from './local-s3-harness.js';

function gzipFixture(): Buffer {
  // Gzip output plus random bytes: contains CR, LF and every other byte value, so any framing left in
  // the stored object or any text re-encoding shows up as a mismatch.
  const ndjson = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({
      type: 'track',
      userId: `u${i % 7}`,
      event: 'Page Viewed',
      timestamp: new Date(i * 1000),
    }),
  ).join('\n');
  return Buffer.concat([gzipSync(ndjson), gzipSync(randomBytes(4096))]);
}

async function getBytes(client: S3Client, key: string): Promise<{ bytes: Buffer; contentEncoding?: string }> {
  const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
  return {
    bytes,
    ...(response.ContentEncoding === undefined ? {} : { contentEncoding: response.ContentEncoding }),
  };
}

function rawPut(
  endpoint: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // The path goes as given: a URL would resolve its `..` segments before sending.
    const { hostname, port } = new URL(endpoint);
    const req = request({ hostname, port, path, method: 'PUT', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('local S3 (s3rver behind the aws-chunked front)', () => {
  let local: EventedS3 | undefined;
  let s3: S3Local;
  let client: S3Client;
  let defaultClient: S3Client;
  let eventFor: EventedS3['eventFor'];

  beforeAll(async () => {
    local = await startEventedS3();
    ({ s3, client, defaultClient, eventFor } = local);
  });

  afterAll(async () => {
    await local?.stop();
  });

  it('stores a binary gzip upload from the local client byte-identical', async () => {
    const fixture = gzipFixture();
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/local.ndjson.gz', Body: fixture }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'incoming/local-stream.ndjson.gz',
        Body: Readable.from([fixture.subarray(0, 1000), fixture.subarray(1000)]),
        ContentLength: fixture.length,
      }),
    );
    expect((await getBytes(client, 'incoming/local.ndjson.gz')).bytes.equals(fixture)).toBe(true);
    expect((await getBytes(client, 'incoming/local-stream.ndjson.gz')).bytes.equals(fixture)).toBe(true);
  });

  it('refuses a key with a ".." or "." segment, which s3rver would write outside the bucket', async () => {
    for (const key of [
      '../escape.ndjson',
      'incoming/../../escape.ndjson',
      'incoming/%2E%2E/x.ndjson',
      'incoming/./x',
    ]) {
      const result = await rawPut(
        s3.endpoint,
        `/${BUCKET}/${key}`,
        { 'content-length': '2' },
        Buffer.from('{}'),
      );
      expect(result.status, key).toBe(400);
      expect(result.body).toContain('InvalidArgument');
    }
    // A dot inside a name is no segment of its own.
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/..a/b..ndjson', Body: '{}' }));
    expect((await getBytes(client, 'incoming/..a/b..ndjson')).bytes.toString()).toBe('{}');
  });

  it('stores a streaming upload with DEFAULT SDK v3 checksum settings byte-identical (aws-chunked decoded)', async () => {
    const fixture = gzipFixture();
    const key = 'incoming/default-sdk.ndjson.gz';
    await defaultClient.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: Readable.from([fixture.subarray(0, 777), fixture.subarray(777)]),
        ContentLength: fixture.length,
      }),
    );
    const stored = await getBytes(defaultClient, key);
    expect(stored.bytes.length).toBe(fixture.length);
    expect(stored.bytes.equals(fixture)).toBe(true);
    // S3 never stores aws-chunked as the object's encoding; s3rver alone would return it on GET.
    expect(stored.contentEncoding).toBeUndefined();
    expect((await eventFor(key)).s3.object.size).toBe(fixture.length);
  });

  it.each<ChecksumAlgorithm>(['CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'])(
    'verifies the %s trailer of a default-settings streaming upload',
    async (algorithm) => {
      const fixture = gzipFixture();
      const key = `incoming/checksum-${algorithm}.bin`;
      await defaultClient.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: Readable.from([fixture]),
          ContentLength: fixture.length,
          ChecksumAlgorithm: algorithm,
        }),
      );
      expect((await getBytes(client, key)).bytes.equals(fixture)).toBe(true);
    },
  );

  it('keeps a real Content-Encoding while stripping aws-chunked from it', async () => {
    const fixture = gzipSync('{"a":1}\n');
    await defaultClient.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'incoming/encoded.ndjson',
        Body: Readable.from([fixture]),
        ContentLength: fixture.length,
        ContentEncoding: 'gzip',
      }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incoming/encoded.ndjson' }));
    expect(head.ContentEncoding).toBe('gzip');
    expect(head.ContentLength).toBe(fixture.length);
  });

  it('rejects an aws-chunked upload whose checksum trailer does not match, and stores nothing', async () => {
    const payload = Buffer.from('{"type":"track"}\n');
    const wrong = computeS3Checksum('x-amz-checksum-crc32', Buffer.from('something else'));
    const response = await rawPut(
      s3.endpoint,
      `/${BUCKET}/incoming/tampered.ndjson`,
      { 'content-encoding': 'aws-chunked', ...awsChunkedHeaders(payload.length) },
      awsChunked(payload, `x-amz-checksum-crc32:${wrong}`),
    );
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>BadDigest</Code>');
    await expect(
      client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incoming/tampered.ndjson' })),
    ).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('rejects an aws-chunked upload whose length disagrees with x-amz-decoded-content-length', async () => {
    const payload = Buffer.from('{"type":"track"}\n');
    const response = await rawPut(
      s3.endpoint,
      `/${BUCKET}/incoming/short.ndjson`,
      { 'content-encoding': 'aws-chunked', ...awsChunkedHeaders(payload.length + 10) },
      awsChunked(payload, `x-amz-checksum-crc32:${computeS3Checksum('x-amz-checksum-crc32', payload)}`),
    );
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>IncompleteBody</Code>');
  });

  it('quirk canary: s3rver alone stores a default-settings streaming upload with its chunk framing', async () => {
    // If this starts failing, s3rver learned aws-chunked and the decoding front may be unnecessary.
    const direct = defaultSdkClient(s3.s3rverEndpoint);
    try {
      const payload = Buffer.from('{"type":"track"}\n');
      await direct.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'quirk/raw.ndjson',
          Body: Readable.from([payload]),
          ContentLength: payload.length,
        }),
      );
      const stored = await getBytes(client, 'quirk/raw.ndjson');
      expect(stored.bytes.equals(payload)).toBe(false);
      expect(stored.bytes.toString()).toContain('x-amz-checksum-crc32:');
    } finally {
      direct.destroy();
    }
  });

  it.each([
    ['local client', () => client],
    ['default SDK settings', () => defaultClient],
  ])('stores a >5 MB multipart upload via lib-storage (%s) byte-identical', async (label, getClient) => {
    const body = randomBytes(5 * 1024 * 1024 + 300_000);
    const key = `incoming/multipart-${label.replace(/\W+/g, '-')}.bin`;
    const upload = new Upload({
      client: getClient(),
      params: { Bucket: BUCKET, Key: key, Body: Readable.from([body]) },
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
    });
    await upload.done();
    expect((await getBytes(client, key)).bytes.equals(body)).toBe(true);
    const record = await eventFor(key);
    expect(record.eventName).toBe('ObjectCreated:CompleteMultipartUpload');
    expect(record.s3.object.size).toBe(body.length);
  });

  it.each([
    [
      'a last segment whose s3rver file names pass 255 bytes (a bare 500 before)',
      `incoming/${'d'.repeat(236)}`,
    ],
    ['a last segment over 255 bytes (crashed s3rver before)', `incoming/${'é'.repeat(150)}.ndjson`],
    ['a folder name over 255 bytes', `incoming/${'f'.repeat(256)}/a.ndjson`],
    ['an upload whose report would not fit (its last segment over 187 bytes)', `incoming/${'r'.repeat(188)}`],
  ])('refuses a key S3 takes but s3rver cannot store, %s, and keeps serving', async (_label, key) => {
    const error = await client
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x\n' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'KeyTooLongError' });
    expect((error as Error).message).toMatch(/at most \d+ bytes locally/);
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/after-long-key.ndjson', Body: 'ok' }),
    );
    expect((await getBytes(client, 'incoming/after-long-key.ndjson')).bytes.toString()).toBe('ok');
  });

  it.each([
    ['an upload', `incoming/${'g'.repeat(255)}/${'h'.repeat(187)}`],
    // The longest report name such an upload gets: its key, a multipart ETag and the suffix.
    ['its report', `rejected/incoming/${'g'.repeat(255)}/${'h'.repeat(187)}.${'e'.repeat(32)}-10000.ndjson`],
  ])('stores %s whose segments fit the local limits', async (_label, key) => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'fits' }));
    expect((await getBytes(client, key)).bytes.toString()).toBe('fits');
  });
});
