// Progress names the places of the events its merges refused as erased by their file's name, and a ZIP
// member's name changed when names became unique across the whole export (2db03d1, 231b901): a member an
// older reader named `x.json` may now be `x.json (2)`. Progress saved by that reader is not resumed: the
// object starts over, which merging makes harmless, rather than resume on positions that may name another
// member (its erased events reported under the old name, or counted twice, or an event of the other member
// taken as refused already).
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it } from 'vitest';
import { createIngestHandler } from '../../../functions/ingest/create-handler.js';
import type { IngestProgress } from '../../../functions/ingest/progress.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import { handlerDeps, RecordingLogger, RecordingMetrics, RULES } from './handler-harness.js';
import { randomSplitText } from './ingest-object-harness.js';
import { MemoryProgress } from './memory-progress.js';
import { MockBucket } from './mock-bucket.js';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });
const KEY = 'incoming/long.ndjson';
const SHORT = { getRemainingTimeInMillis: () => 5_000 } as Context;
const LONG = { getRemainingTimeInMillis: () => 900_000 } as Context;

let progress: MemoryProgress;

beforeEach(() => {
  s3Mock.reset();
  progress = new MemoryProgress();
});

const handlerWith = (writer: FakeSessionWriter) =>
  createIngestHandler({
    ...handlerDeps({ s3, writer, logger: new RecordingLogger(), metrics: new RecordingMetrics() }),
    progress,
  });

it('does not resume progress an older reader (reading version 1) saved: the object starts over', async () => {
  new MockBucket(s3Mock).put(KEY, randomSplitText);
  const whole = new FakeSessionWriter(RULES);
  await handlerWith(whole)(sqsEvent([s3Notification(KEY)]), LONG);
  await handlerWith(new FakeSessionWriter(RULES))(sqsEvent([s3Notification(KEY)]), SHORT);
  expect(progress.items.size).toBe(1);
  // The same progress, as the reader before unique member names saved it.
  const [[key, saved]] = [...progress.items] as [[string, IngestProgress]];
  const object = JSON.parse(key);
  progress.items.clear();
  progress.items.set(JSON.stringify({ ...object, reading: object.reading.replace(/^\d+\|/, '1|') }), saved);
  const writer = new FakeSessionWriter(RULES);

  await handlerWith(writer)(sqsEvent([s3Notification(KEY)]), LONG);

  // Every user merged into the empty writer: nothing was skipped on the old progress.
  expect(saved.merged + (saved.partial?.owners ?? 0)).toBeGreaterThan(0);
  expect(writer.calls.length).toBe(whole.calls.length);
  expect(writer.sessions()).toEqual(whole.sessions());
});
