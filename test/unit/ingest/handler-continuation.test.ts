// A call whose time is up saves its progress and queues the rest of its work on the ingest queue; later calls
// resume and finish it, as one call with all the time it needed would have.
import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { S3ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import {
  CONTINUATION_EVENT_NAME,
  SqsContinuationQueue,
} from '../../../functions/adapters/sqs/continuation-queue.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import { createIngestHandler, type IngestHandlerDeps } from '../../../functions/ingest/create-handler.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import {
  BUCKET,
  handlerDeps,
  RecordingLogger,
  RecordingMetrics,
  RULES,
  segmentLines,
} from './handler-harness.js';
import { randomSplitText } from './ingest-object-harness.js';
import { MemoryProgress } from './memory-progress.js';
import { MockBucket } from './mock-bucket.js';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });
const sqsMock = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/ingest';
const continuation = new SqsContinuationQueue(new SQSClient({ region: 'us-east-1' }), QUEUE_URL);

const KEY = 'incoming/2024 01/ä+b.ndjson';
const BAD_LINE = 'not json\n';
const FILE = `${randomSplitText}${BAD_LINE}`;
/** What a notification (or a replay, which lists it) names FILE's content by. */
const FILE_ETAG = createHash('md5').update(FILE).digest('hex');
/** How a continuation names FILE's content, as read from a bucket that keeps no versions. */
const READ_FILE = { bucket: BUCKET, key: KEY, eTag: FILE_ETAG };
/** Another upload under the key: none of FILE's events. */
const OTHER = segmentLines([{ user: 'someone-else', at: 0, id: 'other-1' }]);

/** A Lambda context with `remainingMs` left: at most 5 s left means the call must stop after its first merges. */
const contextWith = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;
const SHORT = contextWith(5_000);
const LONG = contextWith(900_000);

let bucket: MockBucket;
let writer: FakeSessionWriter;
let logger: RecordingLogger;
let metrics: RecordingMetrics;
let progress: MemoryProgress;

function createHandler(overrides: Partial<IngestHandlerDeps> = {}) {
  return createIngestHandler({
    ...handlerDeps({ s3, writer, logger, metrics }),
    progress,
    continueLater: (objects) => continuation.continueLater(objects),
    mergeConcurrency: 4,
    ...overrides,
  });
}

/** The messages the handler queued since the last call, as the queue delivers them. */
function queued(prefix: string): SQSEvent {
  const bodies = sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageBody);
  sqsMock.resetHistory();
  return sqsEvent(bodies, prefix);
}

/** A handler, after its call on a replay of KEY (which names the ETag it listed, no version) ran out of time. */
async function outOfTimeOnReplay() {
  const handler = createHandler();
  await handler(sqsEvent([s3Notification(KEY, { eTag: FILE_ETAG })]), SHORT);
  return handler;
}

/** The one error a continuation logs when the content it started on (`named` says how) went before it finished. */
function expectGoneBeforeFinished(named: { versionId: string } | { eTag: string }) {
  expect(logger.at('error')).toEqual([
    expect.objectContaining({
      message: expect.stringContaining('before its ingest finished'),
      attributes: expect.objectContaining({
        ...named,
        merged: expect.any(Number),
        chunkStepsDone: expect.any(Number),
      }),
    }),
  ]);
}

async function oneCall(key = KEY) {
  const whole = new FakeSessionWriter(RULES);
  const wholeBucket = new MockBucket(s3Mock);
  wholeBucket.put(key, FILE);
  const result = await createIngestHandler(
    handlerDeps({ s3, writer: whole, logger: new RecordingLogger(), metrics: new RecordingMetrics() }),
  )(sqsEvent([s3Notification(key)]));
  return { whole, result, report: wholeBucket.lines(`rejected/${key}.ndjson`) };
}

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'sent' });
  writer = new FakeSessionWriter(RULES);
  logger = new RecordingLogger();
  metrics = new RecordingMetrics();
  progress = new MemoryProgress();
});

describe('an ingest call whose time is up', () => {
  it('queues the object again, and the calls that follow finish it as one call would', async () => {
    const expected = await oneCall();
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);
    const handler = createHandler();

    let event = sqsEvent([s3Notification(KEY)]);
    let calls = 0;
    for (; event.Records.length > 0 && calls < 100; calls++) {
      const result = await handler(event, SHORT);
      expect(result.batchItemFailures).toEqual([]);
      event = queued(`call-${calls}`);
      if (event.Records.length > 0) {
        expect(result.outcomes).toEqual([
          { status: 'continued', key: KEY, merged: expect.any(Number), continueFrom: READ_FILE },
        ]);
        const message = JSON.parse(event.Records[0]?.body ?? '');
        expect(message.Records[0].eventName).toBe(CONTINUATION_EVENT_NAME);
        expect(sqsMock.commandCalls(SendMessageCommand)).toEqual([]);
      } else {
        expect(result.outcomes).toMatchObject([{ status: 'ingested', key: KEY }]);
        expect(result.outcomes[0]).toMatchObject({ stats: { records: expect.any(Number) } });
        const final = result.outcomes[0] as { stats: object };
        const wholeStats = (expected.result.outcomes[0] as { stats: object }).stats;
        expect(final.stats).toEqual(wholeStats);
      }
    }

    expect(calls).toBeGreaterThan(3);
    const stops = logger.entries.filter((entry) => entry.message.startsWith('time is up'));
    expect(stops).toHaveLength(calls - 1);
    // One chunk: each stop names more of its owners merged.
    const owners = stops.map((entry) => entry.attributes.chunkStepsDone as number);
    expect(owners).toEqual([...owners].sort((a, b) => a - b));
    expect(new Set(owners).size).toBe(owners.length);
    expect(writer.sessions()).toEqual(expected.whole.sessions());
    expect(bucket.lines(`rejected/${KEY}.ndjson`)).toEqual(expected.report);
    expect(progress.items.size).toBe(0);
    const continued = metrics.published.map((set) => set.get('FilesContinued'));
    expect(continued.slice(0, -1).every((count) => count === 1)).toBe(true);
    expect(continued.at(-1)).toBe(0);
  });

  it('without a queue, fails the message so SQS delivers it again, and the next delivery resumes', async () => {
    const expected = await oneCall();
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);
    const handler = createHandler({ continueLater: undefined });
    const event = sqsEvent([s3Notification(KEY)]);

    const first = await handler(event, SHORT);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(logger.at('warn').map((entry) => entry.message)).toContainEqual(
      expect.stringContaining('delivered again after its visibility timeout'),
    );
    expect(progress.items.size).toBe(1);
    const mergesBefore = writer.calls.length;

    const second = await handler(event, LONG);

    expect(second.batchItemFailures).toEqual([]);
    expect(writer.sessions()).toEqual(expected.whole.sessions());
    expect(writer.calls.length).toBe(expected.whole.calls.length);
    expect(mergesBefore).toBeGreaterThan(0);
    expect(progress.items.size).toBe(0);
  });

  it('resumes from the same progress whether a message names the version or not (a replay does not)', async () => {
    const expected = await oneCall();
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);
    const handler = createHandler({ continueLater: undefined });

    await handler(sqsEvent([s3Notification(KEY, { versionId: 'v-1' })]), SHORT);
    const merged = writer.calls.length;
    await handler(sqsEvent([s3Notification(KEY)]), LONG);

    expect(merged).toBeGreaterThan(0);
    expect(writer.calls.length).toBe(expected.whole.calls.length);
    expect(writer.sessions()).toEqual(expected.whole.sessions());
  });

  it('resumes under the same rules written in another form (a platform gap equal to the default)', async () => {
    const expected = await oneCall();
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);
    await createHandler({ continueLater: undefined })(sqsEvent([s3Notification(KEY)]), SHORT);
    const merged = writer.calls.length;
    const sameRules = compileRules({ ...DEFAULT_SESSION_RULES, gapMinutesByPlatform: { ios: 30 } });
    const deps = handlerDeps({ s3, writer, logger, metrics });

    await createHandler({ config: { ...deps.config, rules: sameRules }, continueLater: undefined })(
      sqsEvent([s3Notification(KEY)]),
      LONG,
    );

    expect(merged).toBeGreaterThan(0);
    expect(writer.calls.length).toBe(expected.whole.calls.length);
    expect(writer.sessions()).toEqual(expected.whole.sessions());
    expect(progress.items.size).toBe(0);
  });

  it('starts over when the object under the key was replaced since the progress was saved', async () => {
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);
    const handler = createHandler({ continueLater: undefined });
    await handler(sqsEvent([s3Notification(KEY)]), SHORT);
    expect(progress.items.size).toBe(1);
    // Another upload: a copy of the first event more (a duplicate, so the sessions stay those of FILE).
    const replaced = `${FILE}${FILE.split('\n')[0]}\n`;
    bucket.put(KEY, replaced);
    writer = new FakeSessionWriter(RULES);

    const result = await createHandler({ continueLater: undefined })(sqsEvent([s3Notification(KEY)]), LONG);

    // Every user merged into the empty writer: nothing was skipped on the old upload's progress.
    expect(result.outcomes).toMatchObject([{ status: 'ingested' }]);
    expect(writer.sessions()).toEqual((await oneCall()).whole.sessions());
    // The old upload's progress is left to expire (its TTL); the new one, done in one call, saved none.
    expect(progress.items.size).toBe(1);
  });

  it('starts over when the progress was saved under other session rules', async () => {
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);
    await createHandler({ continueLater: undefined })(sqsEvent([s3Notification(KEY)]), SHORT);
    expect(progress.items.size).toBe(1);
    const otherRules = compileRules({
      ...DEFAULT_SESSION_RULES,
      gapMinutes: DEFAULT_SESSION_RULES.gapMinutes + 1,
    });
    writer = new FakeSessionWriter(otherRules);
    const base = handlerDeps({ s3, writer, logger, metrics });

    const result = await createHandler({
      continueLater: undefined,
      config: { ...base.config, rules: otherRules },
    })(sqsEvent([s3Notification(KEY)]), LONG);

    // Every user merged under the new rules: nothing was skipped on progress the old rules made.
    expect(result.outcomes).toMatchObject([{ status: 'ingested' }]);
    expect(writer.calls.length).toBe((await oneCall()).whole.calls.length);
  });

  it('continues the version it started on, though the object was replaced between calls', async () => {
    const expected = await oneCall();
    bucket = new MockBucket(s3Mock, 256, true);
    const first = bucket.put(KEY, FILE);
    const handler = await outOfTimeOnReplay();
    const event = queued('after-first');
    expect(JSON.parse(event.Records[0]?.body ?? '').Records[0].s3.object).toMatchObject({
      versionId: first,
      eTag: FILE_ETAG,
    });
    bucket.put(KEY, OTHER);

    const result = await handler(event, LONG);

    expect(result.outcomes).toMatchObject([{ status: 'ingested', key: KEY }]);

    // The new upload's own notification ingests it, and reports its rejections under the plain name.
    expect(writer.sessions()).toEqual(expected.whole.sessions());
    expect(bucket.lines(`rejected/${KEY}.${FILE_ETAG}.ndjson`)).toEqual(expected.report);
    expect(progress.items.size).toBe(0);
  });

  it('says how much of a version was merged when it expired before the continuation', async () => {
    bucket = new MockBucket(s3Mock, 256, true);
    const first = bucket.put(KEY, FILE) as string;
    const handler = await outOfTimeOnReplay();
    bucket.put(KEY, OTHER);
    bucket.expireVersion(KEY, first);

    const result = await handler(queued('continuation'), LONG);

    expect(result.outcomes).toEqual([{ status: 'gone', key: KEY }]);
    expectGoneBeforeFinished({ versionId: first });
  });

  it('says so when the content it started on was replaced in a bucket that keeps no versions', async () => {
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);
    const handler = await outOfTimeOnReplay();
    bucket.put(KEY, OTHER);

    const result = await handler(queued('continuation'), LONG);

    // The new content is ingested, as for any notification of a replaced object.
    expect(result.outcomes).toMatchObject([{ status: 'ingested', key: KEY }]);
    expectGoneBeforeFinished({ eTag: FILE_ETAG });
  });

  it('queues the objects of a message it had no time to start', async () => {
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);
    bucket.put('incoming/second.ndjson', FILE);
    const both = s3Notification(KEY);
    both.Records.push(...s3Notification('incoming/second.ndjson').Records);

    const result = await createHandler()(sqsEvent([both, s3Notification('incoming/third.ndjson')]), SHORT);

    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([
      { status: 'continued', key: KEY, merged: expect.any(Number), continueFrom: READ_FILE },
    ]);
    const keys = queued('next').Records.map(
      (record) => JSON.parse(record.body).Records[0].s3.object.key as string,
    );
    expect(keys.map((key) => decodeURIComponent(key.replace(/\+/g, ' ')))).toEqual([
      KEY,
      'incoming/second.ndjson',
      'incoming/third.ndjson',
    ]);
  });

  it('stops an object started after another once time is up, before any merge of it: the call moved forward', async () => {
    bucket = new MockBucket(s3Mock);
    bucket.put('incoming/first.ndjson', segmentLines([{ user: 'first-user', at: 0 }]));
    bucket.put(KEY, FILE);
    let now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
    const objects = new S3ObjectSource(s3);
    const handler = createHandler({
      objects: {
        open: async (ref) => {
          // KEY is started before the deadline; reading it (a long file resumed, say) takes the call past it.
          if (ref.key === KEY) now += 60_000;
          return objects.open(ref);
        },
        currentETag: (ref) => objects.currentETag(ref),
      },
    });
    try {
      const event = sqsEvent([s3Notification('incoming/first.ndjson'), s3Notification(KEY)]);
      const result = await handler(event, contextWith(30_000));

      expect(result.outcomes).toMatchObject([
        { status: 'ingested', key: 'incoming/first.ndjson' },
        { status: 'continued', key: KEY, merged: 0 },
      ]);
      expect(writer.calls.map((call) => call.userId)).toEqual(['first-user']);
      expect(queued('next').Records).toHaveLength(1);
    } finally {
      clock.mockRestore();
    }
  });

  it('fails the message when the queue refuses the continuation, keeping the progress', async () => {
    sqsMock.on(SendMessageCommand).rejects(new Error('AccessDenied'));
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);

    const result = await createHandler()(sqsEvent([s3Notification(KEY)]), SHORT);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(progress.items.size).toBe(1);
  });

  it('ingests the whole object in one call when no progress store is given', async () => {
    bucket = new MockBucket(s3Mock);
    bucket.put(KEY, FILE);

    const result = await createHandler({ progress: undefined })(sqsEvent([s3Notification(KEY)]), SHORT);

    expect(result.outcomes).toMatchObject([{ status: 'ingested', key: KEY }]);
    expect(sqsMock.commandCalls(SendMessageCommand)).toEqual([]);
  });
});
