// The rebuild reads exports only for copies tied at one instant: it loads the S3 client on first use, and
// reads copies again through it as the ingest does.
import { createHash } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { zipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { lazyCopyTextReader } from '../../../functions/adapters/s3/lazy-copy-text-reader.js';
import { sourceTextKey } from '../../../functions/domain/store/copy-choice.js';
import { CallCopyTexts } from '../../../functions/domain/store/copy-texts.js';
import { s3ServiceError } from '../../helpers/s3-errors.js';
import { MockBucket } from '../ingest/mock-bucket.js';

const s3Mock = mockClient(S3Client);

describe('lazyCopyTextReader', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('reads copies again from the bucket, through one client', async () => {
    const bucket = new MockBucket(s3Mock, 3);
    const text = '{"b":2,"a":1}\n{"c":3}\n';
    bucket.put('incoming/a.ndjson', text);
    const eTag = createHash('md5').update(text).digest('hex');
    const texts = new CallCopyTexts(lazyCopyTextReader('exports'));
    const source = (record: number) => ({
      object: 'incoming/a.ndjson',
      version: `e:${eTag}`,
      file: 'incoming/a.ndjson',
      record,
    });

    await texts.readMissing([source(1)]);
    await texts.readMissing([source(2)]);

    expect(texts.texts.get(sourceTextKey(source(1)))).toBe('{"a":1,"b":2}');
    expect(texts.texts.get(sourceTextKey(source(2)))).toBe('{"c":3}');
    const calls = s3Mock.commandCalls(GetObjectCommand);
    expect(calls.map((call) => call.args[0].input.Bucket)).toEqual(['exports', 'exports']);
    expect(new Set(calls.map((call) => call.thisValue)).size).toBe(1);
  });

  it("opens each export under the ingest's member limit, as its copies were read", async () => {
    // Read whole, the refused a.zip's x.ndjson would take the name the outer member was read under.
    const bucket = new MockBucket(s3Mock, 3);
    const inner = zipSync({ 'x.ndjson': Buffer.from('{"inner":1}\n'.repeat(100)) }, { level: 0 });
    const archive = zipSync({ 'a.zip': inner, 'a.zip!x.ndjson': Buffer.from('{"outer":1}') }, { level: 0 });
    bucket.put('incoming/x.zip', archive);
    const eTag = createHash('md5').update(archive).digest('hex');
    const source = {
      object: 'incoming/x.zip',
      version: `e:${eTag}`,
      file: 'incoming/x.zip!a.zip!x.ndjson',
      record: 1,
    };
    const texts = new CallCopyTexts(lazyCopyTextReader('exports', undefined, { maxMemberBytes: 1_000 }));

    await texts.readMissing([source]);

    expect(texts.texts.get(sourceTextKey(source))).toBe('{"outer":1}');
  });

  it('tells the rebuild of each object S3 refuses, and weighs its copies without their text', async () => {
    s3Mock.on(GetObjectCommand).rejects(s3ServiceError('AccessDenied', 403));
    const denied: string[] = [];
    const texts = new CallCopyTexts(lazyCopyTextReader('exports', (object) => denied.push(object)));
    const source = {
      object: 'removed-source/a.ndjson',
      version: 'v:1',
      file: 'removed-source/a.ndjson',
      record: 1,
    };

    await texts.readMissing([source]);

    expect(texts.texts.get(sourceTextKey(source))).toBeNull();
    expect(denied).toEqual(['removed-source/a.ndjson']);
  });
});
