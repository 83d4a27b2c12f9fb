// An upload replaced while it is read, its replacement ingested meanwhile: the report under the key stays the
// replacement's, and the first upload's goes beside it, as for content replaced before its ingest began.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SessionWriter } from '../../../functions/domain/store/ports.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import { segmentLines } from './handler-harness.js';
import { createHandler, freshHandlerMocksEachTest, s3Mock, writer } from './handler-mocks.js';
import { MockBucket } from './mock-bucket.js';

freshHandlerMocksEachTest();

const KEY = 'incoming/day.ndjson';
const REPORT = `rejected/${KEY}.ndjson`;
const eTagOf = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * Ingests `first` under KEY; as its first merge starts, `second` replaces it and is ingested whole. Returns
 * the first ingest's result and the bucket.
 */
async function replacedWhileRead(first: string, second: string) {
  const bucket = new MockBucket(s3Mock, 256, true);
  const firstVersion = bucket.put(KEY, first) as string;
  let replaced = false;
  const replacing: SessionWriter = {
    mergeUserEvents: async (userId, events, texts) => {
      if (!replaced) {
        replaced = true;
        const secondVersion = bucket.put(KEY, second) as string;
        const notification = s3Notification(KEY, { versionId: secondVersion, eTag: eTagOf(second) });
        const result = await createHandler()(sqsEvent([notification]));
        expect(result.batchItemFailures).toEqual([]);
      }
      return writer.mergeUserEvents(userId, events, texts);
    },
  };
  const notification = sqsEvent([s3Notification(KEY, { versionId: firstVersion, eTag: eTagOf(first) })]);
  const result = await createHandler({ writer: replacing })(notification);
  return { bucket, notification, result };
}

const ann = segmentLines([{ user: 'ann', at: 0 }]);
const bob = segmentLines([{ user: 'bob', at: 0 }]);

describe('an upload replaced while it is read', () => {
  it("leaves the replacement's report when the first upload has no rejection, and retries it", async () => {
    const second = `${bob}not json\n`;
    const { bucket, notification, result } = await replacedWhileRead(ann, second);

    expect(bucket.lines(REPORT)).toEqual([expect.objectContaining({ position: 2, raw: 'not json' })]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(result.failureReasons['message-1']).toContain('ReplacedWhileReadError');

    const retry = await createHandler()(notification);

    expect(retry.outcomes).toEqual([expect.objectContaining({ status: 'ingested' })]);
    expect(bucket.lines(REPORT)).toEqual([expect.objectContaining({ position: 2, raw: 'not json' })]);
    expect(bucket.keys('rejected/')).toEqual([REPORT]);
    expect(writer.events('ann')).toHaveLength(1);
  });

  it("leaves the replacement's report in place, and its retry reports the first upload's beside it", async () => {
    const first = `${ann}first bad\n`;
    const { bucket, notification, result } = await replacedWhileRead(first, `${bob}second bad\n`);

    expect(bucket.lines(REPORT)).toEqual([expect.objectContaining({ raw: 'second bad' })]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);

    await createHandler()(notification);

    expect(bucket.lines(REPORT)).toEqual([expect.objectContaining({ raw: 'second bad' })]);
    expect(bucket.lines(`rejected/${KEY}.${eTagOf(first)}.ndjson`)).toEqual([
      expect.objectContaining({ raw: 'first bad' }),
    ]);
  });
});
