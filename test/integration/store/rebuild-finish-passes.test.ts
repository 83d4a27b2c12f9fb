// The finish's passes: the users a count finds left travel to the next call, which cuts them again before it
// counts. A call retried after it stopped half-way (as Step Functions retries a Lambda service error) visits
// every one of them again: with stitching turned on, a user cut again whose links were not yet offered is at
// the target rules, found only by its head's mark.
import { describe, expect, it } from 'vitest';
import { readTableRules } from '../../../functions/adapters/dynamodb/rules-record.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import {
  beginTableRebuild,
  type FinishOutcome,
  type FinishRequest,
  finishTableRebuild,
  nextFinishRequest,
} from '../../../functions/rebuild/rebuild-table.js';
import { MINUTE, record } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, crashingClient } from './crashing-client.js';
import { rebuildTo, recordRules, rulesOf } from './rebuild-harness.js';
import { everyone, stitchedReference } from './stitching-harness.js';
import { freshStore, ingest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();
// A fresh table per write the pass makes: some 20 s alone, more beside other tests.
const CRASH_POINTS_TIMEOUT_MS = 180_000;
const T0 = Date.UTC(2024, 4, 2, 8, 0, 0);
const TARGET = rulesOf({ gapMinutes: 30, identityStitching: true });
// Two devices browsing, then logging in: under the target their anonymous events join the users'.
const EVENTS = [
  record({ id: 'm:1', anonymousId: 'device-1', timestamp: T0 }),
  record({ id: 'm:2', anonymousId: 'device-1', timestamp: T0 + 10 * MINUTE }),
  record({ id: 'm:3', userId: 'alice', anonymousId: 'device-1', timestamp: T0 + 20 * MINUTE }),
  record({ id: 'm:4', anonymousId: 'device-2', timestamp: T0 + 5 * MINUTE }),
  record({ id: 'm:5', userId: 'bob', anonymousId: 'device-2', timestamp: T0 + 15 * MINUTE }),
  record({ id: 'm:6', userId: 'bob', timestamp: T0 + 90 * MINUTE }),
];

/** A table of the old rules (no stitching) with a rebuild to TARGET begun and nothing yet rebuilt. */
async function tableMidRebuild() {
  const store = await freshStore(dynamo.client, { gapMinutes: 30 });
  await recordRules(store);
  await ingest(store, EVENTS);
  await beginTableRebuild(rebuildTo(store.transport, TARGET).table);
  return store;
}

/** Calls Finish as the state machine does, each time with the request the previous answer names. */
async function finishFrom(transport: Transport, request: FinishRequest): Promise<FinishOutcome> {
  const { table } = rebuildTo(transport, TARGET);
  let outcome = await finishTableRebuild(table, Date.now() + 60_000, 0, Date.now, request);
  while (!('counted' in outcome)) {
    outcome = await finishTableRebuild(table, Date.now() + 60_000, 0, Date.now, nextFinishRequest(outcome));
  }
  return outcome;
}

describe('the passes of a rebuild finish', () => {
  it('hands the users a count finds on to the next call, which cuts them and finishes, batch-equal', async () => {
    const store = await tableMidRebuild();
    const { table } = rebuildTo(store.transport, TARGET);

    const found = await finishTableRebuild(table, Date.now() + 60_000, 0);

    expect(found).toMatchObject({ usersLeft: 4, pass: 1 });
    expect([...(found as { users: readonly string[] }).users].sort()).toEqual([
      'alice',
      'bob',
      'device-1',
      'device-2',
    ]);
    expect(await finishFrom(store.transport, found as FinishRequest)).toMatchObject({ counted: true });
    expect(await storedSessions(store, everyone(EVENTS))).toEqual(stitchedReference(EVENTS, TARGET));
    expect((await readTableRules(store.transport))?.fingerprint).toBe(TARGET.fingerprint);
  });

  it(
    'equals the batch when the call cutting them crashes at any write and is retried with the same request',
    async () => {
      for (let crashAfter = 0; ; crashAfter++) {
        const store = await tableMidRebuild();
        const found = (await finishTableRebuild(
          rebuildTo(store.transport, TARGET).table,
          Date.now() + 60_000,
          0,
        )) as FinishRequest;
        const client = crashingClient(dynamo.endpoint, crashAfter);
        const dying = new Transport({ client, tableName: store.tableName, baseDelayMs: 2 });
        const crashed = await finishFrom(dying, found)
          .then(() => false)
          .catch((error: unknown) => {
            if (!(error instanceof Crash) && !String(error).includes('simulated crash')) throw error;
            return true;
          });
        client.destroy();

        if (crashed) await finishFrom(store.transport, found);

        expect(await storedSessions(store, everyone(EVENTS))).toEqual(stitchedReference(EVENTS, TARGET));
        expect((await readTableRules(store.transport))?.fingerprint).toBe(TARGET.fingerprint);
        if (!crashed) {
          // Past the last write of the pass and the finish.
          expect(crashAfter).toBeGreaterThan(4);
          return;
        }
      }
    },
    CRASH_POINTS_TIMEOUT_MS,
  );
});
