// Integration tests for the local-server layer (local/) and guards for s3rver's known quirks:
// aws-chunked uploads stored with their framing, ListObjectsV2 paging needing OpenSSL's legacy
// provider, and event keys that are not URL-encoded.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type ChecksumAlgorithm,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../contract/index.js';
import {
  AwsChunkedError,
  computeS3Checksum,
  decodeAndVerifyAwsChunked,
  isAwsChunkedRequest,
} from '../../local/aws-chunked.js';
import { createLocalS3Client, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/s3-client.js';
import { encodeS3EventKey } from '../../local/s3-event.js';
import { type S3Local, startS3Local } from '../../local/s3-local.js';
import { type LocalDynamoDb, startLocalDynamoDb, waitFor } from '../helpers/local-servers.js';

const BUCKET = 'sessionizer-local-test';

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

/** An S3 client with only what every S3 client needs: the SDK's checksum defaults stay in effect. */
function defaultSdkClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
  });
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
    const req = request(`${endpoint}${path}`, { method: 'PUT', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function awsChunked(payload: Buffer, trailer: string): Buffer {
  return Buffer.concat([
    Buffer.from(`${payload.length.toString(16)}\r\n`),
    payload,
    Buffer.from(`\r\n0\r\n${trailer}\r\n\r\n`),
  ]);
}

describe('DynamoDB Local', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddb-local-test-'));
  let ddb: LocalDynamoDb;

  beforeAll(async () => {
    ddb = await startLocalDynamoDb({ dataDir });
  });

  afterAll(async () => {
    await ddb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers on an ephemeral port and supports create table, put and get', async () => {
    expect(ddb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await ddb.client.send(
      new CreateTableCommand({
        TableName: 'sessions',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await ddb.client.send(
      new PutItemCommand({ TableName: 'sessions', Item: { pk: { S: 'user#1' }, events: { N: '3' } } }),
    );
    const got = await ddb.client.send(
      new GetItemCommand({ TableName: 'sessions', Key: { pk: { S: 'user#1' } } }),
    );
    expect(got.Item).toEqual({ pk: { S: 'user#1' }, events: { N: '3' } });
  });

  it('keeps tables and items across a restart with the same dataDir', async () => {
    await ddb.stop();
    ddb = await startLocalDynamoDb({ dataDir });
    const tables = await ddb.client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain('sessions');
    const got = await ddb.client.send(
      new GetItemCommand({ TableName: 'sessions', Key: { pk: { S: 'user#1' } } }),
    );
    expect(got.Item?.events).toEqual({ N: '3' });
  });
});

describe('local S3 (s3rver behind the aws-chunked front)', () => {
  const records: S3EventRecord[] = [];
  let s3: S3Local;
  let client: S3Client;
  let defaultClient: S3Client;

  const eventFor = (key: string, eventName?: string): Promise<S3EventRecord> =>
    waitFor(`object-created event for ${key}`, () =>
      records.find(
        (r) =>
          decodeS3EventKey(r.s3.object.key) === key && (eventName === undefined || r.eventName === eventName),
      ),
    );

  beforeAll(async () => {
    s3 = await startS3Local({
      bucket: BUCKET,
      onObjectCreated: (event) => void records.push(...event.Records),
    });
    client = createLocalS3Client(s3.endpoint);
    defaultClient = defaultSdkClient(s3.endpoint);
  });

  afterAll(async () => {
    client?.destroy();
    defaultClient?.destroy();
    await s3?.stop();
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
      {
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-decoded-content-length': String(payload.length),
        'x-amz-trailer': 'x-amz-checksum-crc32',
      },
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
      {
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-decoded-content-length': String(payload.length + 10),
        'x-amz-trailer': 'x-amz-checksum-crc32',
      },
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

  it('pages ListObjectsV2 with MaxKeys=2 over 5 objects, returning every key exactly once', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `paging/object-${i}.ndjson`);
    for (const key of keys) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }
    const seen: string[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'paging/', MaxKeys: 2, ContinuationToken: token }),
      );
      pages++;
      seen.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
    } while (token !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it('encodes event keys as real S3 does and they decode back to the original key', async () => {
    const keys = [
      'incoming/a b+c.ndjson',
      'incoming/report #3 100% ünïcødé 日本 (copy)+final.ndjson',
      "incoming/quote's & semi;colon=eq?.ndjson",
    ];
    for (const key of keys) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
    }
    for (const key of keys) {
      const record = await eventFor(key);
      expect(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '))).toBe(key);
      expect(record.s3.object.key).toBe(encodeS3EventKey(key));
      expect(record.eventName).toBe('ObjectCreated:Put');
      expect(record.s3.bucket).toMatchObject({ name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` });
    }
    expect((await eventFor('incoming/a b+c.ndjson')).s3.object.key).toBe('incoming/a+b%2Bc.ndjson');
    expect((await eventFor(keys[1] as string)).s3.object.key).toBe(
      'incoming/report+%233+100%25+%C3%BCn%C3%AFc%C3%B8d%C3%A9+%E6%97%A5%E6%9C%AC+%28copy%29%2Bfinal.ndjson',
    );
  });

  it('delivers events under every prefix so the consumer can tell rejected/ from incoming/', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'rejected/bad file.ndjson', Body: 'x' }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/good file.ndjson', Body: 'x' }));
    const rejected = await eventFor('rejected/bad file.ndjson');
    const incoming = await eventFor('incoming/good file.ndjson');
    expect(rejected.s3.object.key).toBe('rejected/bad+file.ndjson');
    const consumerFilter = (record: S3EventRecord) =>
      decodeS3EventKey(record.s3.object.key).startsWith('incoming/');
    expect(consumerFilter(rejected)).toBe(false);
    expect(consumerFilter(incoming)).toBe(true);
  });

  it('does not report deletes to onObjectCreated', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/to-delete.ndjson', Body: 'x' }));
    await eventFor('incoming/to-delete.ndjson');
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'incoming/to-delete.ndjson' }));
    // IPC preserves order: once the sentinel's event is in, an event for the delete would be too.
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/sentinel.ndjson', Body: 'x' }));
    await eventFor('incoming/sentinel.ndjson');
    expect(records.every((record) => record.eventName.startsWith('ObjectCreated:'))).toBe(true);
  });

  it('gives events strictly increasing sequencers', () => {
    const sequencers = records.map((record) => record.s3.object.sequencer);
    expect(sequencers.length).toBeGreaterThan(5);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(sequencers.length);
  });
});

describe('aws-chunked decoding', () => {
  const payload = Buffer.from('line one\r\nline two\n');
  const crc = computeS3Checksum('x-amz-checksum-crc32', payload);
  const headers = {
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': String(payload.length),
    'x-amz-trailer': 'x-amz-checksum-crc32',
  };

  it('recognises streaming uploads by either header', () => {
    expect(isAwsChunkedRequest({ 'content-encoding': 'gzip, aws-chunked' })).toBe(true);
    expect(isAwsChunkedRequest({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' })).toBe(true);
    expect(
      isAwsChunkedRequest({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-encoding': 'gzip' }),
    ).toBe(false);
  });

  it('decodes multi-chunk bodies, including signed-chunk extensions', () => {
    const body = Buffer.concat([
      Buffer.from('a;chunk-signature=abc\r\n'),
      payload.subarray(0, 10),
      Buffer.from('\r\n'),
      Buffer.from(`${(payload.length - 10).toString(16)};chunk-signature=def\r\n`),
      payload.subarray(10),
      Buffer.from(`\r\n0;chunk-signature=ghi\r\nx-amz-checksum-crc32:${crc}\r\n\r\n`),
    ]);
    expect(decodeAndVerifyAwsChunked(body, headers).payload.equals(payload)).toBe(true);
  });

  it.each([
    [
      'truncated chunk data',
      awsChunked(payload, `x-amz-checksum-crc32:${crc}`).subarray(0, 12),
      'IncompleteBody',
    ],
    [
      'missing terminating chunk',
      Buffer.from(`${payload.length.toString(16)}\r\n${payload}\r\n`),
      'IncompleteBody',
    ],
    ['non-hex chunk size', Buffer.from('zz\r\nabc\r\n0\r\n\r\n'), 'InvalidRequest'],
    [
      'announced trailer missing',
      Buffer.from(`${payload.length.toString(16)}\r\n${payload}\r\n0\r\n\r\n`),
      'InvalidRequest',
    ],
    [
      'garbage after the trailers',
      Buffer.concat([awsChunked(payload, `x-amz-checksum-crc32:${crc}`), Buffer.from('x')]),
      'InvalidRequest',
    ],
  ])('fails loudly on %s', (_label, body, code) => {
    let caught: unknown;
    try {
      decodeAndVerifyAwsChunked(body, headers);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AwsChunkedError);
    expect((caught as AwsChunkedError).code).toBe(code);
  });
});

describe('S3 event key encoding', () => {
  it.each([
    ['incoming/a b+c.ndjson', 'incoming/a+b%2Bc.ndjson'],
    ['incoming/x#y%z.ndjson', 'incoming/x%23y%25z.ndjson'],
    ['incoming/ü.ndjson', 'incoming/%C3%BC.ndjson'],
    ['incoming/dt=2024-01-01/part:1.ndjson', 'incoming/dt%3D2024-01-01/part%3A1.ndjson'],
    ['plain/key-_.*.ndjson', 'plain/key-_.*.ndjson'],
  ])('%s -> %s', (key, encoded) => {
    expect(encodeS3EventKey(key)).toBe(encoded);
    expect(decodeS3EventKey(encoded)).toBe(key);
  });
});
