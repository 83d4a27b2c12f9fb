import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { warnOfDeniedCopies } from '../../../functions/adapters/s3/copy-access.js';
import { copyTextReader } from '../../../functions/adapters/s3/copy-texts.js';
import {
  type ObjectRef,
  type ObjectSource,
  S3ObjectSource,
} from '../../../functions/adapters/s3/object-source.js';
import { sourceTextKey } from '../../../functions/domain/store/copy-choice.js';
import { s3ServiceError } from '../../helpers/s3-errors.js';

const KEY = 'incoming/a.ndjson';

/** A versioned bucket holding two uploads of one key, with other bytes at the same record. */
const VERSIONS: Record<string, string> = {
  '1': '{"messageId":"m1","n":1}\n',
  '2': '{"messageId":"m1","n":2}\n',
};

async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

const bucket: ObjectSource = {
  async open(ref: ObjectRef) {
    const text = ref.versionId === undefined ? undefined : VERSIONS[ref.versionId];
    return text === undefined
      ? { status: 'gone' }
      : { status: 'found', bytes: bytesOf(text), eTag: `etag-${ref.versionId}`, versionId: ref.versionId };
  },
};

describe('copyTextReader', () => {
  it('reads each copy from the version it was read from, two versions of one key apart', async () => {
    const sources = ['v:1', 'v:2'].map((version) => ({ object: KEY, version, file: KEY, record: 1 }));
    const texts = await copyTextReader(bucket, 'b')(sources);
    expect(sources.map((source) => texts.get(sourceTextKey(source)))).toEqual([
      '{"messageId":"m1","n":1}',
      '{"messageId":"m1","n":2}',
    ]);
  });

  it('has no text for a copy whose object was replaced, and ends the download it does not read', async () => {
    const download = Readable.from([Buffer.from(VERSIONS['2'] as string)]);
    const replaced: ObjectSource = {
      open: async () => ({ status: 'found', bytes: download, eTag: 'etag-2' }),
    };
    const source = { object: KEY, version: 'e:etag-1', file: KEY, record: 1 };

    const texts = await copyTextReader(replaced, 'b')([source]);

    expect(texts.get(sourceTextKey(source))).toBeNull();
    expect(download.destroyed).toBe(true);
  });

  it("opens each export under the ingest's member limit, as its copies were read", async () => {
    // Read whole, the refused a.zip's x.ndjson would take the name the outer member was read under.
    const inner = zipSync({ 'x.ndjson': Buffer.from('{"inner":1}\n'.repeat(100)) }, { level: 0 });
    const archive = zipSync({ 'a.zip': inner, 'a.zip!x.ndjson': Buffer.from('{"outer":1}') }, { level: 0 });
    const zipped: ObjectSource = {
      open: async () => ({ status: 'found', bytes: Readable.from([archive]), eTag: 'etag-1' }),
    };
    const source = { object: 'x.zip', version: 'e:etag-1', file: 'x.zip!a.zip!x.ndjson', record: 1 };

    const texts = await copyTextReader(zipped, 'b', undefined, { maxMemberBytes: 1_000 })([source]);

    expect(texts.get(sourceTextKey(source))).toBe('{"outer":1}');
  });

  describe('an object S3 refuses to the function (its source removed from the stage)', () => {
    const s3Mock = mockClient(S3Client);
    const s3 = new S3Client({ region: 'us-east-1' });
    const removed = { object: 'old-source/a.ndjson', version: 'v:1', file: 'old-source/a.ndjson', record: 1 };
    const kept = { object: KEY, version: 'v:1', file: KEY, record: 1 };

    it('gives its copies no text, says which object, and still reads the others', async () => {
      s3Mock.reset();
      s3Mock.on(GetObjectCommand, { Key: removed.object }).rejects(s3ServiceError('AccessDenied', 403));
      s3Mock.on(GetObjectCommand, { Key: KEY }).resolves({
        Body: Readable.from([Buffer.from(VERSIONS['1'] as string)]) as never,
        VersionId: '1',
      });
      const denied: string[] = [];

      const texts = await copyTextReader(new S3ObjectSource(s3), 'b', (object) => denied.push(object))([
        removed,
        kept,
      ]);

      expect(texts.get(sourceTextKey(removed))).toBeNull();
      expect(texts.get(sourceTextKey(kept))).toBe('{"messageId":"m1","n":1}');
      expect(denied).toEqual([removed.object]);
    });

    it.each([
      ['SlowDown', 503],
      ['InternalError', 500],
    ])('throws %s, so the merge is retried rather than weighed without the text', async (name, status) => {
      s3Mock.reset();
      s3Mock.on(GetObjectCommand).rejects(s3ServiceError(name, status));

      await expect(copyTextReader(new S3ObjectSource(s3), 'b')([removed])).rejects.toMatchObject({ name });
    });
  });

  it('warns of each refused object with its bucket and key, for the functions to log', () => {
    const warnings: unknown[] = [];
    warnOfDeniedCopies(
      { warn: (message, attributes) => warnings.push([message, attributes]) },
      'b',
    )('old/a.gz');
    expect(warnings).toEqual([
      [
        'copy not read again: access denied (a source removed from the stage?); its tie goes by projection',
        { bucket: 'b', key: 'old/a.gz' },
      ],
    ]);
  });
});
