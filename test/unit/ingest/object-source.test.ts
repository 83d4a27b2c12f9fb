import { GetObjectCommand, HeadObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import { s3ServiceError } from '../../helpers/s3-errors.js';
import { MockBucket } from './mock-bucket.js';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

async function textOf(bytes: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

beforeEach(() => {
  s3Mock.reset();
});

describe('S3ObjectSource', () => {
  it('streams the object and gives its eTag without quotes', async () => {
    const bucket = new MockBucket(s3Mock, 3);
    bucket.put('incoming/a.ndjson', '{"a":1}\n{"b":2}\n');

    const opened = await new S3ObjectSource(s3).open({ bucket: 'b', key: 'incoming/a.ndjson' });

    if (opened.status !== 'found') throw new Error(`expected the object, got ${opened.status}`);
    expect(opened.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(await textOf(opened.bytes)).toBe('{"a":1}\n{"b":2}\n');
  });

  it.each([
    ['a versioned bucket', 'v7', 'v7'],
    ['a bucket whose versioning is suspended', 'null', undefined],
    ['an unversioned bucket', undefined, undefined],
  ])('says which version it read from %s', async (_bucket, answered, versionId) => {
    s3Mock.on(GetObjectCommand).resolves({ ETag: '"abc"', VersionId: answered });

    const opened = await new S3ObjectSource(s3).open({ bucket: 'b', key: 'k' });

    expect(opened).toMatchObject({ status: 'found', eTag: 'abc' });
    expect(opened.status === 'found' ? opened.versionId : 'not found').toBe(versionId);
  });

  it('reads the version the notification names', async () => {
    s3Mock.on(GetObjectCommand).resolves({ ETag: '"abc-2"' });

    const opened = await new S3ObjectSource(s3).open({
      bucket: 'b',
      key: 'k',
      versionId: 'v1',
      eTag: 'abc-2',
    });

    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'b',
      Key: 'k',
      VersionId: 'v1',
    });
    expect(opened).toMatchObject({ status: 'found', eTag: 'abc-2' });
    if (opened.status === 'found') expect(await textOf(opened.bytes)).toBe('');
  });

  it.each([
    [
      'NoSuchKey',
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }),
    ],
    ['NoSuchVersion', s3ServiceError('NoSuchVersion', 404)],
  ])('calls an object gone on %s', async (_name, error) => {
    s3Mock.on(GetObjectCommand).rejects(error);

    expect(await new S3ObjectSource(s3).open({ bucket: 'b', key: 'k' })).toEqual({ status: 'gone' });
  });

  it.each([
    ['AccessDenied', 403],
    ['SlowDown', 503],
    ['InternalError', 500],
  ])('throws %s, so the message is retried', async (name, status) => {
    s3Mock.on(GetObjectCommand).rejects(s3ServiceError(name, status));

    await expect(new S3ObjectSource(s3).open({ bucket: 'b', key: 'k' })).rejects.toMatchObject({ name });
  });

  it("gives the key's current eTag without quotes, none once deleted (HEAD's bare 404), and throws other errors", async () => {
    const source = new S3ObjectSource(s3);
    const ref = { bucket: 'b', key: 'incoming/a.ndjson' };
    s3Mock.on(HeadObjectCommand).resolves({ ETag: '"abc"' });
    await expect(source.currentETag(ref)).resolves.toBe('abc');
    s3Mock.on(HeadObjectCommand).rejects(s3ServiceError('NotFound', 404));
    await expect(source.currentETag(ref)).resolves.toBeUndefined();
    s3Mock.on(HeadObjectCommand).rejects(s3ServiceError('AccessDenied', 403));
    await expect(source.currentETag(ref)).rejects.toThrow('AccessDenied');
  });
});
