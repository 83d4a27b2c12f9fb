import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { copyTextReader } from '../../../functions/adapters/s3/copy-texts.js';
import type { ObjectRef, ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import { sourceTextKey } from '../../../functions/domain/store/copy-choice.js';

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
});
