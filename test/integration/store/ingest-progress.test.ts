// Ingest progress in the sessions table (DynamoDB Local): kept per object version and reading, and an ingest
// stopped again and again against the real store ends with the sessions of one uninterrupted ingest.
import { randomBytes } from 'node:crypto';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbIngestProgress } from '../../../functions/adapters/dynamodb/ingest-progress.js';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { ingestObject } from '../../../functions/ingest/ingest-object.js';
import { type IngestProgress, IngestStopped, type ProgressKey } from '../../../functions/ingest/progress.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { MemoryReport, randomSplitText } from '../../unit/ingest/ingest-object-harness.js';
import { bytesOf, chunked } from '../../unit/reading/archives.js';
import { countingMerges, freshStore, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const OBJECT: ProgressKey = {
  bucket: 'uploads',
  key: 'incoming/2024/01/02/part-0001.ndjson.gz',
  version: 'v1#etag-1',
  reading: 'auto|4294967296|rules-1',
};

const PROGRESS: IngestProgress = {
  merged: 1_000,
  partial: { end: 2_000, owners: 17, ownersDigest: 'digest' },
  erasedAt: [
    { file: OBJECT.key, line: 4 },
    { file: `${OBJECT.key}!events.json`, line: 1, index: 3 },
  ],
  erasedVia: [['anon-1', 'alice']],
  totals: { usersTouched: 40, newEvents: 990, sessionsWritten: 55, erased: 2, chunks: 1 },
};

describe('DynamoDbIngestProgress', () => {
  it('gives back what was saved for the same object version and reading, and nothing after a clear', async () => {
    const store = await freshStore(dynamo.client);
    const progress = new DynamoDbIngestProgress(store.transport, () => Date.UTC(2024, 0, 1));

    expect(await progress.load(OBJECT)).toBeUndefined();
    await progress.save(OBJECT, PROGRESS);
    expect(await progress.load(OBJECT)).toEqual(PROGRESS);
    const { partial: _, ...whole } = PROGRESS;
    await progress.save(OBJECT, whole);
    expect(await progress.load(OBJECT)).toEqual(whole);

    expect(await progress.load({ ...OBJECT, version: 'v2#etag-2' })).toBeUndefined();
    // Another upload under the key keeps its own progress beside this one's.
    await progress.save({ ...OBJECT, version: 'v2#etag-2' }, PROGRESS);
    expect(await progress.load(OBJECT)).toEqual(whole);
    expect(await progress.load({ ...OBJECT, version: 'v2#etag-2' })).toEqual(PROGRESS);
    expect(await progress.load({ ...OBJECT, reading: 'ndjson|4294967296|rules-1' })).toBeUndefined();
    expect(await progress.load({ ...OBJECT, key: `${OBJECT.key}.copy` })).toBeUndefined();

    const item = await store.transport.get({
      pk: { S: `I#uploads/${OBJECT.key}` },
      sk: { S: `P#${OBJECT.version}` },
    });
    expect(Number(item?.ttl?.N)).toBe(Date.UTC(2024, 0, 1) / 1000 + 14 * 24 * 3600);

    await progress.clear(OBJECT);
    expect(await progress.load(OBJECT)).toBeUndefined();
  });

  it('keeps the progress of an object with the longest key S3 allows', async () => {
    const store = await freshStore(dynamo.client);
    const progress = new DynamoDbIngestProgress(store.transport);
    const longest = { ...OBJECT, key: `incoming/${'é'.repeat(507)}` };
    expect(Buffer.byteLength(longest.key)).toBe(1_023);

    await progress.save(longest, PROGRESS);
    expect(await progress.load(longest)).toEqual(PROGRESS);
  });

  it('removes progress too large for an item and says so (the ingest then fails rather than continue)', async () => {
    const store = await freshStore(dynamo.client);
    const progress = new DynamoDbIngestProgress(store.transport);
    expect(await progress.save(OBJECT, PROGRESS)).toBe(true);
    // Positions in files of random names do not deflate: about 400 KB of them.
    const erasedAt = Array.from({ length: 20_000 }, (_, line) => ({
      file: randomBytes(24).toString('base64'),
      line,
    }));

    expect(await progress.save(OBJECT, { ...PROGRESS, erasedAt })).toBe(false);
    expect(await progress.load(OBJECT)).toBeUndefined();
  });

  it('reads an item it cannot decode as no progress', async () => {
    const store = await freshStore(dynamo.client);
    const progress = new DynamoDbIngestProgress(store.transport);
    await store.transport.put({
      pk: { S: `I#uploads/${OBJECT.key}` },
      sk: { S: `P#${OBJECT.version}` },
      rd: { S: OBJECT.reading },
      pg: { B: Buffer.from('not deflated') },
    });

    expect(await progress.load(OBJECT)).toBeUndefined();
  });
});

/** The users with a head in the store's table. */
async function usersOf(store: StoreUnderTest): Promise<string[]> {
  const users: string[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.client.send(
      new ScanCommand({
        TableName: store.tableName,
        FilterExpression: 'sk = :head AND begins_with(pk, :user)',
        ExpressionAttributeValues: { ':head': { S: 'H' }, ':user': { S: 'U#' } },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) users.push(String(item.pk?.S).slice(2));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return users.sort();
}

const FILE = 'incoming/random-split.ndjson';
const BYTES = bytesOf(randomSplitText);

interface CallsOutcome {
  readonly calls: number;
  /** Links offered by every call together. */
  readonly linkOffers: number;
  /** Calls that stopped after offering links and before any merge. */
  readonly stoppedAmongLinks: number;
}

/**
 * Ingests the file, each call stopping after `stepsPerCall` merges (and link offers, when `countLinks`),
 * until one call finishes.
 */
async function ingestInCalls(
  store: StoreUnderTest,
  stepsPerCall: number,
  countLinks = false,
): Promise<CallsOutcome> {
  const progress = new DynamoDbIngestProgress(store.transport);
  const stitching = store.rules.stitching ? new DynamoDbStitchingWriter(store.writer) : undefined;
  let linkOffers = 0;
  let stoppedAmongLinks = 0;
  for (let call = 1; call < 400; call++) {
    let merges = 0;
    let links = 0;
    const counting = countingMerges(store.writer, () => merges++);
    const identity = stitching && {
      offerLink: (...args: Parameters<typeof stitching.offerLink>) => {
        links++;
        linkOffers++;
        return stitching.offerLink(...args);
      },
      mergeAnonymousEvents: (...args: Parameters<typeof stitching.mergeAnonymousEvents>) => {
        merges++;
        return stitching.mergeAnonymousEvents(...args);
      },
    };
    try {
      await ingestObject({
        file: FILE,
        format: 'auto',
        open: async () => chunked(BYTES, [16 * 1024]),
        writer: counting,
        identity: identity || undefined,
        rules: store.rules,
        report: new MemoryReport(),
        browserOf: () => null,
        chunkEvents: 1_500,
        resume: await progress.load(OBJECT),
        checkpoint: {
          save: (saved) => progress.save(OBJECT, saved),
          timeUp: () => merges + (countLinks ? links : 0) >= stepsPerCall,
        },
      });
      return { calls: call, linkOffers, stoppedAmongLinks };
    } catch (error) {
      if (!(error instanceof IngestStopped)) throw error;
      if (merges === 0 && links > 0) stoppedAmongLinks++;
    }
  }
  throw new Error('no end after 400 calls');
}

// Each test ingests a file at least twice against DynamoDB Local, 15-30 s on two busy cores.
describe('an ingest stopped and resumed against the table', { timeout: 120_000 }, () => {
  for (const identityStitching of [false, true]) {
    it(`stores the sessions of one uninterrupted ingest${identityStitching ? ', stitching' : ''}`, async () => {
      const once = await freshStore(dynamo.client, { identityStitching });
      await ingestInCalls(once, Number.POSITIVE_INFINITY);
      const resumed = await freshStore(dynamo.client, { identityStitching });

      expect((await ingestInCalls(resumed, 40)).calls).toBeGreaterThan(5);
      const users = await usersOf(once);
      expect(users.length).toBeGreaterThan(40);
      expect(await storedSessions(resumed, users)).toEqual(await storedSessions(once, users));
      expect(await usersOf(resumed)).toEqual(users);
    });
  }

  it("stops among a chunk's links and offers none of them twice, stitching", async () => {
    const once = await freshStore(dynamo.client, { identityStitching: true });
    const whole = await ingestInCalls(once, Number.POSITIVE_INFINITY);
    const resumed = await freshStore(dynamo.client, { identityStitching: true });

    const cut = await ingestInCalls(resumed, 7, true);
    expect(whole.linkOffers).toBeGreaterThan(20);
    expect(cut.stoppedAmongLinks).toBeGreaterThan(1);
    // A call that stops lets the links it offered finish and saves them as done: the next skips them.
    expect(cut.linkOffers).toBe(whole.linkOffers);
    const users = await usersOf(once);
    expect(await storedSessions(resumed, users)).toEqual(await storedSessions(once, users));
    expect(await usersOf(resumed)).toEqual(users);
  });
});
