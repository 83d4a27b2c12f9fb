// An ingest of the target rules that meets a user still cut under the old ones rebuilds it first: cuts it again,
// then (stitching turned on) offers the links stored in its partition. A crash between the two leaves the user
// at the target rules with its links unoffered. The retried ingest, and the finish's count, must still get them
// offered: the user is found by the marker its recut wrote, which only the end of the offers clears.
import { describe, expect, it } from 'vitest';
import { decodeHead, headKey } from '../../../functions/adapters/dynamodb/head-codec.js';
import { readTableRules } from '../../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import {
  beginTableRebuild,
  type FinishOutcome,
  finishTableRebuild,
  nextFinishRequest,
  rebuildSegment,
} from '../../../functions/rebuild/rebuild-table.js';
import { MINUTE, record } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, crashingClient } from './crashing-client.js';
import { rebuildTo, recordRules, rulesOf } from './rebuild-harness.js';
import { everyone, ingestStitched, stitchedReference } from './stitching-harness.js';
import { freshStore, ingest, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();
// A fresh table per write of the crashing ingest.
const CRASH_POINTS_TIMEOUT_MS = 180_000;
const T0 = Date.UTC(2024, 4, 2, 8, 0, 0);
const TARGET = rulesOf({ gapMinutes: 30, identityStitching: true });
// A device browsing, stored before the rebuild began.
const BEFORE = [
  record({ id: 'm:1', anonymousId: 'device-1', timestamp: T0 }),
  record({ id: 'm:2', anonymousId: 'device-1', timestamp: T0 + 10 * MINUTE }),
];
// The login, written by an ingest of the old rules after the segments passed: `alice` is new, under the old rules.
const OLD_INGEST = [
  record({ id: 'm:3', userId: 'alice', anonymousId: 'device-1', timestamp: T0 + 20 * MINUTE }),
];
// Then an ingest of the target brings more of alice's: it meets her under the old rules.
const NEW_INGEST = [record({ id: 'm:4', userId: 'alice', timestamp: T0 + 40 * MINUTE })];
const EVENTS = [...BEFORE, ...OLD_INGEST, ...NEW_INGEST];

/** The segments done, then the old-rules ingest creating alice: she waits for an ingest or the finish. */
async function aliceLeftUnderOldRules(): Promise<StoreUnderTest> {
  const store = await freshStore(dynamo.client, { gapMinutes: 30 });
  await recordRules(store);
  await ingest(store, BEFORE);
  const { table } = rebuildTo(store.transport, TARGET);
  await beginTableRebuild(table);
  const segment = { segment: 0, totalSegments: 1, cursor: null };
  expect(await rebuildSegment(table, segment, Date.now() + 60_000)).toMatchObject({
    progress: { done: true },
  });
  const old = new DynamoDbSessionWriter({ transport: store.transport, rules: store.rules });
  await old.mergeUserEvents('alice', OLD_INGEST);
  return store;
}

/** The finish as the state machine calls it, the drain passed. */
async function finish(transport: Transport): Promise<FinishOutcome> {
  const { table } = rebuildTo(transport, TARGET);
  let outcome = await finishTableRebuild(table, Date.now() + 60_000, 0);
  while (!('counted' in outcome))
    outcome = await finishTableRebuild(table, Date.now() + 60_000, 0, Date.now, nextFinishRequest(outcome));
  return outcome;
}

/** The ingest of the target, on a client that dies after `crashAfter` writes: whether it died. */
async function crashingIngest(store: StoreUnderTest, crashAfter: number): Promise<boolean> {
  const client = crashingClient(dynamo.endpoint, crashAfter);
  const dying = new Transport({ client, tableName: store.tableName, baseDelayMs: 2 });
  const crashed = await ingestStitched(rebuildTo(dying, TARGET).writer, NEW_INGEST)
    .then(() => false)
    .catch((error: unknown) => {
      if (!(error instanceof Crash) && !String(error).includes('simulated crash')) throw error;
      return true;
    });
  client.destroy();
  return crashed;
}

async function expectBatchEqual(store: StoreUnderTest): Promise<void> {
  expect(await storedSessions(store, everyone(EVENTS))).toEqual(stitchedReference(EVENTS, TARGET));
  expect((await readTableRules(store.transport))?.fingerprint).toBe(TARGET.fingerprint);
  // Every offer done: no head is left marked.
  for (const user of everyone(EVENTS)) {
    expect(decodeHead(await store.transport.get(headKey(user))).offersPending).toBeUndefined();
  }
}

const retryIngest = (store: StoreUnderTest) =>
  ingestStitched(rebuildTo(store.transport, TARGET).writer, NEW_INGEST);

/**
 * For each write of the target's ingest (from the first, until one run needs no crash): alice left under the
 * old rules (`leaveBehind` then runs), that ingest dying at the write, `afterCrash`, and a batch-equal store.
 */
async function atEveryCrashPoint(steps: {
  leaveBehind?: (store: StoreUnderTest) => Promise<void>;
  afterCrash: (store: StoreUnderTest, crashed: boolean) => Promise<void>;
}): Promise<void> {
  for (let crashAfter = 0; ; crashAfter++) {
    const store = await aliceLeftUnderOldRules();
    await steps.leaveBehind?.(store);
    const crashed = await crashingIngest(store, crashAfter);
    await steps.afterCrash(store, crashed);
    await expectBatchEqual(store);
    if (!crashed) {
      // Past the recut, its mark's removal, the move of the device's events and the merge.
      expect(crashAfter).toBeGreaterThan(10);
      return;
    }
  }
}

describe('an ingest of the target that rebuilds a user left under the old rules, stitching turned on', () => {
  it('offers her stored link: the device joins her, batch-equal once the rebuild finishes', async () => {
    const store = await aliceLeftUnderOldRules();

    await ingestStitched(rebuildTo(store.transport, TARGET).writer, NEW_INGEST);

    expect(await finish(store.transport)).toMatchObject({ counted: true });
    await expectBatchEqual(store);
  });

  it(
    'equals the batch when that ingest crashes at any write and is retried, then the rebuild finishes',
    async () => {
      await atEveryCrashPoint({
        afterCrash: async (store, crashed) => {
          if (crashed) await retryIngest(store);
          // The retry alone joins them: it meets her marked and offers her links.
          expect(await storedSessions(store, everyone(EVENTS))).toEqual(stitchedReference(EVENTS, TARGET));
          expect(await finish(store.transport)).toMatchObject({ counted: true });
        },
      });
    },
    CRASH_POINTS_TIMEOUT_MS,
  );

  it(
    'equals the batch when that ingest crashes at any write and the rebuild finishes before any retry',
    async () => {
      await atEveryCrashPoint({
        afterCrash: async (store, crashed) => {
          // The finish's count finds her, under the old rules or with her offers unfinished, and rebuilds her.
          await finish(store.transport);
          if (crashed) await retryIngest(store);
        },
      });
    },
    CRASH_POINTS_TIMEOUT_MS,
  );

  it(
    'equals the batch when, left behind by the finish, she meets an ingest that crashes at any write and is retried',
    async () => {
      await atEveryCrashPoint({
        // Left behind past the table's move (an ingest of the old rules wrote her after the count: a host's
        // clock off by more than the drain's margin): the first ingest that meets her rebuilds her.
        leaveBehind: (store) => rebuildTo(store.transport, TARGET).table.finish(),
        afterCrash: async (store, crashed) => {
          if (crashed) await retryIngest(store);
        },
      });
    },
    CRASH_POINTS_TIMEOUT_MS,
  );
});
