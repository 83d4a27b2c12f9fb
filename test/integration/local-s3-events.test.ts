// What the local S3 tells about its objects: ListObjectsV2 paging (which needs OpenSSL's legacy provider in
// s3rver's process), and the object-created events: keys encoded as real S3 encodes them (s3rver does
// not), every prefix, no deletes, increasing sequencers.
import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../contract/index.js';
import { encodeS3EventKey } from '../../local/s3-event.js';
import { BUCKET, type EventedS3, startEventedS3 } from './local-s3-harness.js';

describe('local S3 (s3rver behind the aws-chunked front)', () => {
  let local: EventedS3 | undefined;
  let client: S3Client;
  let records: S3EventRecord[];
  let eventFor: EventedS3['eventFor'];

  beforeAll(async () => {
    local = await startEventedS3();
    ({ client, records, eventFor } = local);
  });

  afterAll(async () => {
    await local?.stop();
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
