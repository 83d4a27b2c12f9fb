// An event refused as erased is reported and counted once per file, however many merges meet its copies: the
// copy naming the erased user and the one its erased device sent without a userId (stitching: two owners), in
// one call or in two calls of an ingest stopped and resumed from its progress in the table.
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { DynamoDbIngestProgress } from '../../../functions/adapters/dynamodb/ingest-progress.js';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { type IngestStats, ingestObject } from '../../../functions/ingest/ingest-object.js';
import { IngestStopped, type ProgressKey } from '../../../functions/ingest/progress.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { MemoryReport } from '../../unit/ingest/ingest-object-harness.js';
import { aliceOnDevice, ingestFile, ndjson, stitchingStore, T0 } from './erasure-harness.js';
import { countingMerges, type StoreUnderTest } from './store-harness.js';

const dynamo = useLocalDynamoDb();

/** One event, two copies (rule 3 with rule 8's user): the device's, then the one naming alice. */
const BOTH_WAYS = ndjson([
  { anonymousId: 'anon-a1', at: T0 + 10 * MINUTE, id: 'both' },
  { userId: 'alice', at: T0 + 20 * MINUTE, id: 'alice-2' },
  { userId: 'alice', anonymousId: 'anon-a1', at: T0 + 10 * MINUTE, id: 'both' },
]);

const OBJECT: ProgressKey = {
  bucket: 'b',
  key: 'segment-logs/src/export.ndjson',
  version: 'e:1',
  reading: 'r',
};

async function aliceErased(): Promise<StoreUnderTest> {
  const store = await stitchingStore(dynamo.client);
  await ingestFile(store, ndjson(aliceOnDevice('anon-a1')));
  await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
  return store;
}

/** Ingests `text` in calls of one merge each, a chunk an event, each resumed from the progress in the table. */
async function ingestInCalls(store: StoreUnderTest, text: string) {
  const progress = new DynamoDbIngestProgress(store.transport);
  // A piece a line: each is a batch of its own, and a chunk ends at a batch's end.
  const lines = text.split('\n').map((line) => new TextEncoder().encode(`${line}\n`));
  for (let call = 1; call < 20; call++) {
    const report = new MemoryReport();
    let merges = 0;
    const writer = countingMerges(store.writer, () => merges++);
    const identity = new DynamoDbStitchingWriter(store.writer);
    try {
      const stats: IngestStats = await ingestObject({
        file: OBJECT.key,
        format: 'segment',
        open: async () =>
          (async function* () {
            yield* lines;
          })(),
        writer,
        identity: {
          offerLink: (...args) => identity.offerLink(...args),
          mergeAnonymousEvents: (...args) => {
            merges++;
            return identity.mergeAnonymousEvents(...args);
          },
        },
        rules: store.rules,
        report,
        browserOf: () => null,
        chunkEvents: 1,
        resume: await progress.load(OBJECT),
        checkpoint: { save: (saved) => progress.save(OBJECT, saved), timeUp: () => merges >= 1 },
      });
      return { stats, report, calls: call };
    } catch (error) {
      if (!(error instanceof IngestStopped)) throw error;
    }
  }
  throw new Error('no end after 20 calls');
}

describe('an event refused as erased, met by two merges of one file', { timeout: 60_000 }, () => {
  it('is counted and reported once, stitching, in one call', async () => {
    const store = await aliceErased();

    const { stats, report } = await ingestFile(store, BOTH_WAYS);

    expect(
      report.written.filter((line) => line.reason === 'erased').map((line) => line.position),
    ).toHaveLength(2);
    expect(stats).toMatchObject({ accepted: 3, erased: 2, newEvents: 0, duplicates: 1 });
  });

  it('is counted and reported once, stitching, when the second merge is a later call’s', async () => {
    const store = await aliceErased();

    const { stats, report, calls } = await ingestInCalls(store, BOTH_WAYS);

    expect(calls).toBeGreaterThan(2);
    expect(report.written.filter((line) => line.reason === 'erased').map((line) => line.position)).toEqual([
      1, 2,
    ]);
    expect(stats).toMatchObject({ accepted: 3, erased: 2, newEvents: 0, duplicates: 1 });
  });
});
