// An anonymousId erased with the user it was stitched to (`ea`), then stitching turned off by a rebuild: rule 2
// makes its partition the one of the user whose userId is that same id. Its anonymous events stay refused; the
// events that carry that userId are the other user's, stored, counted and reported as any other.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { call, userPath } from '../../unit/api/api-event.js';
import type { MemoryReport } from '../../unit/ingest/ingest-object-harness.js';
import {
  aliceOnDevice,
  eventCounts,
  HOUR,
  headOf,
  ingestFile,
  lookupApi,
  ndjson,
  type SegmentEvent,
  stitchingStore,
  T0,
} from './erasure-harness.js';
import { rebuildStore, recordRules, rulesOf } from './rebuild-harness.js';
import { type StoreUnderTest, storedEventsOf, storedSessions } from './store-harness.js';
import { batch, type Scenario } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();

/** Device 42 is alice's, customer 42 ordered; alice is erased, then stitching is turned off. */
async function erasedThenUnstitched(): Promise<StoreUnderTest> {
  const store = await stitchingStore(dynamo.client);
  await recordRules(store);
  await ingestFile(
    store,
    ndjson([
      ...aliceOnDevice('42', 'Secret Browse'),
      { userId: '42', at: T0 + 3 * HOUR, id: 'u42-1', event: 'Order' },
    ]),
  );
  await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
  const off = await rebuildStore(store, rulesOf({ identityStitching: false }), { totalSegments: 2 });
  expect(off.run.counted).toBe(true);
  expect((await headOf(store, '42')).anonymousErased).toBe(true);
  expect(await eventCounts(store, '42')).toEqual([1]);
  return off.store;
}

const erasedLines = (report: MemoryReport) =>
  report.written
    .filter((line) => line.reason === 'erased')
    .map((line) => [line.position, 'raw' in line ? line.raw : undefined])
    .sort(([a], [b]) => Number(a) - Number(b));

const CUSTOMER_LATER: SegmentEvent[] = [
  { userId: '42', at: T0 + 9 * HOUR, id: 'u42-2', event: 'Order' },
  { anonymousId: '42', at: T0 + 2 * MINUTE, id: 'a-late', event: 'Secret Browse' },
  { userId: '42', anonymousId: '42', at: T0 + 12 * HOUR, id: 'u42-3', event: 'Self' },
];

describe('an anonymousId erased with its user, stitching turned off since', () => {
  it('refuses its anonymous events only, storing the events of the user with that id as userId', async () => {
    const store = await erasedThenUnstitched();

    const first = await ingestFile(store, ndjson(CUSTOMER_LATER));
    expect(first.stats).toMatchObject({ accepted: 3, erased: 1, newEvents: 2, duplicates: 0 });
    expect(erasedLines(first.report)).toEqual([[2, '']]);
    expect(await eventCounts(store, '42')).toEqual([1, 1, 1]);
    const names = (await storedEventsOf(store, '42')).map((event) => event.name);
    expect(names).not.toContain('Secret Browse');

    // Delivered again: the same refusal, nothing new, the customer's copies duplicates.
    const again = await ingestFile(store, ndjson(CUSTOMER_LATER));
    expect(again.stats).toMatchObject({ accepted: 3, erased: 1, newEvents: 0, duplicates: 2 });
    expect(erasedLines(again.report)).toEqual([[2, '']]);
    expect(await eventCounts(store, '42')).toEqual([1, 1, 1]);
  });

  it('still refuses every event of a replay of the erased user’s old exports', async () => {
    const store = await erasedThenUnstitched();
    const replay = await ingestFile(store, ndjson(aliceOnDevice('42', 'Secret Browse')));
    expect(replay.stats).toMatchObject({ accepted: 2, erased: 2, newEvents: 0 });
    expect(erasedLines(replay.report)).toEqual([
      [1, ''],
      [2, ''],
    ]);
    expect(await eventCounts(store, '42')).toEqual([1]);
    expect(await store.reader.getUserSummary('alice')).toBeUndefined();
  });

  it('stores the user’s copy of an event also sent anonymously from the device, not the device’s', async () => {
    const store = await erasedThenUnstitched();
    // One messageId: the anonymous copy is earlier (rule 3 would keep it), but it is refused.
    const copies = await ingestFile(
      store,
      ndjson([
        { anonymousId: '42', at: T0 + 5 * HOUR, id: 'both', event: 'Secret Browse' },
        { userId: '42', at: T0 + 5 * HOUR + MINUTE, id: 'both', event: 'Order' },
      ]),
    );
    expect(copies.stats).toMatchObject({ accepted: 2, erased: 0, newEvents: 1, duplicates: 1 });
    expect(erasedLines(copies.report)).toEqual([]);
    const stored = (await storedEventsOf(store, '42')).filter((event) => event.id === 'm:both');
    expect(stored.map((event) => [event.userId, event.name, event.timestamp])).toEqual([
      ['42', 'Order', T0 + 5 * HOUR + MINUTE],
    ]);
  });

  it('lets the user with that id be erased later, refusing every event of the id from then on', async () => {
    const store = await erasedThenUnstitched();
    await ingestFile(store, ndjson(CUSTOMER_LATER));
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('42');
    expect(await eventCounts(store, '42')).toEqual([]);
    expect((await call(lookupApi(store), 'GET', userPath('42'))).status).toBe(404);

    const after = await ingestFile(store, ndjson(CUSTOMER_LATER));
    expect(after.stats).toMatchObject({ accepted: 3, erased: 3, newEvents: 0 });
    expect(erasedLines(after.report)).toEqual([
      [1, ''],
      [2, ''],
      [3, ''],
    ]);
    expect(await eventCounts(store, '42')).toEqual([]);
  });
});

// Every line after alice's link (T0 + 1 min), so device 42 is hers when she is erased; messageIds from a small
// pool, so the device and the customer share some.
const lineArb = fc.record({
  ids: fc.constantFrom<Pick<SegmentEvent, 'userId' | 'anonymousId'>>(
    { userId: '42' },
    { anonymousId: '42' },
    { userId: '42', anonymousId: '42' },
    { userId: 'bob' },
    { userId: 'alice' },
  ),
  minutes: fc.integer({ min: 2, max: 600 }),
  id: fc.constantFrom('m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6'),
});
const linesOf = (
  drafts: readonly { ids: Pick<SegmentEvent, 'userId' | 'anonymousId'>; minutes: number; id: string }[],
  tag: string,
): SegmentEvent[] =>
  drafts.map(({ ids, minutes, id }) => ({ ...ids, at: T0 + minutes * MINUTE, id: `${tag}${id}` }));

describe('device 42 erased with alice, stitching turned off, files before and after', () => {
  it('hold what a batch without stitching computes over the lines still present', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { minLength: 1, maxLength: 10 }),
        fc.array(lineArb, { minLength: 1, maxLength: 10 }),
        fc.constantFrom('', 'x-'),
        async (first, second, tag) => {
          const before = linesOf(first, '');
          // Some runs send the later files with messageIds of the earlier ones (copies), some not.
          const after = linesOf(second, tag);
          const store = await stitchingStore(dynamo.client);
          await recordRules(store);
          await ingestFile(store, ndjson([...aliceOnDevice('42'), ...before]));
          await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
          const off = await rebuildStore(store, rulesOf({ identityStitching: false }), { totalSegments: 2 });
          await ingestFile(off.store, ndjson(after));
          // A replay of every export, alice's included.
          await ingestFile(off.store, ndjson([...aliceOnDevice('42'), ...before]));

          const present = [...before, ...after].filter(
            (line) => line.userId !== 'alice' && !(line.userId === undefined && line.anonymousId === '42'),
          );
          const scenario: Scenario = {
            lines: [],
            files: [ndjson(present).split('\n')],
            order: [0],
            concurrent: false,
            chunkEvents: 1_000_000,
          };
          const expected = (await batch(scenario, off.store.rules.source)).map(toSessionView);
          const stored = (await storedSessions(off.store, ['42', 'bob'])).map(toSessionView);
          expect(stored).toEqual(expected);
          expect(await off.store.reader.getUserSummary('alice')).toBeUndefined();
        },
      ),
      integrationParams(15),
    );
  }, 300_000);
});
