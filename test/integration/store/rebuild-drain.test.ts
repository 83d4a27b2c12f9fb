// The finish of a rebuild counts the users left only once no ingest of the old rules can still write: one
// that checked the rules record just before the begin trusts that check for a minute, and its invocation runs
// up to the ingest's timeout. Before then the finish answers how long to wait. A user such an ingest creates
// after the segments passed it is found by that count and handed on to the next finish call, which cuts it
// again and counts again.
import { describe, expect, it } from 'vitest';
import { beginRebuild } from '../../../functions/adapters/dynamodb/rebuild-record.js';
import { ingestDrainMs, readTableRules } from '../../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { itemKey, Transport } from '../../../functions/adapters/dynamodb/transport.js';
import {
  beginTableRebuild,
  type FinishRequest,
  finishTableRebuild,
} from '../../../functions/rebuild/rebuild-table.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, crashingClient } from './crashing-client.js';
import { rebuildTo, recordRules, rulesOf, runRebuild } from './rebuild-harness.js';
import { freshStore, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();
const T0 = Date.UTC(2024, 0, 31, 20, 0, 0);
const TARGET = rulesOf({ gapMinutes: 20 });
const RULES_KEY = itemKey('META', 'RULES');

async function tableWithOneUser() {
  const store = await freshStore(dynamo.client, { gapMinutes: 30 });
  await recordRules(store);
  await store.writer.mergeUserEvents('u', [record({ id: 'm:1', userId: 'u', timestamp: T0 })]);
  return store;
}

const drainMs = ingestDrainMs(900_000);

/**
 * An ingest of the old rules that passed its check of the rules record before the begin: it writes without
 * looking again, creating `z` (once) when `writeZ` is called.
 */
function oldIngestOfZ(store: StoreUnderTest) {
  const old = new DynamoDbSessionWriter({ transport: store.transport, rules: store.rules });
  const z = [
    record({ id: 'm:2', userId: 'z', timestamp: T0 }),
    record({ id: 'm:3', userId: 'z', timestamp: T0 + 25 * MINUTE }),
  ];
  let written = false;
  const writeZ = async () => {
    if (written) return;
    written = true;
    await old.mergeUserEvents('z', z);
  };
  return { z, writeZ };
}

/** A clock the runner's waits move forward at once, instead of sleeping. */
function skippingClock() {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    sleep: async (ms: number) => {
      skipped += ms;
    },
  };
}

describe('a rebuild with ingests of the old rules still writing', () => {
  it('cuts again, by itself, a new user an old-rules ingest creates after the segments passed, then finishes', async () => {
    const store = await tableWithOneUser();
    const { z, writeZ } = oldIngestOfZ(store);
    const clock = { ...skippingClock(), onWait: writeZ };

    // Segments done, the finish waits out the drain; the old ingest creates `z` meanwhile (or, with no wait,
    // right after the finish, where nothing would ever catch it).
    const run = await runRebuild(rebuildTo(store.transport, TARGET).table, {
      totalSegments: 1,
      drainMs,
      clock,
    });

    // The segment rebuilt `u`; the finish's second pass only `z`, the one user it found left.
    expect(run).toMatchObject({ counted: true, counts: { users: 2, rebuilt: 2, current: 0 } });
    expect(await storedSessions(store, ['u', 'z'])).toEqual(
      referenceSessions([record({ id: 'm:1', userId: 'u', timestamp: T0 }), ...z], TARGET),
    );
    expect(await readTableRules(store.transport)).toEqual({
      fingerprint: TARGET.fingerprint,
      rules: TARGET.source,
      target: undefined,
    });
  });

  it('equals the batch when any write of the rebuild crashes, the finish pass included, and it is started again', async () => {
    for (let crashAfter = 0; ; crashAfter++) {
      const store = await tableWithOneUser();
      const { z, writeZ } = oldIngestOfZ(store);
      const clock = { ...skippingClock(), onWait: writeZ };
      const client = crashingClient(dynamo.endpoint, crashAfter);
      const dying = new Transport({ client, tableName: store.tableName, baseDelayMs: 2 });
      const crashed = await runRebuild(rebuildTo(dying, TARGET).table, { totalSegments: 1, drainMs, clock })
        .then(() => false)
        .catch((error: unknown) => {
          if (!(error instanceof Crash) && !String(error).includes('simulated crash')) throw error;
          return true;
        });
      client.destroy();
      // A crash before the wait: the old ingest still writes `z` during the drain.
      await writeZ();

      if (crashed)
        await runRebuild(rebuildTo(store.transport, TARGET).table, { totalSegments: 1, drainMs, clock });

      expect(await storedSessions(store, ['u', 'z'])).toEqual(
        referenceSessions([record({ id: 'm:1', userId: 'u', timestamp: T0 }), ...z], TARGET),
      );
      expect((await readTableRules(store.transport))?.fingerprint).toBe(TARGET.fingerprint);
      // Past the last write, the run that may crash finishes by itself.
      if (!crashed) {
        expect(crashAfter).toBeGreaterThan(3);
        return;
      }
    }
  });

  it('answers a finish before the drain has passed with the seconds left, without counting or finishing', async () => {
    const store = await tableWithOneUser();
    const { table } = rebuildTo(store.transport, TARGET);
    const begunAt = Date.now();
    await beginRebuild(store.transport, TARGET, begunAt);
    const shortDrainMs = ingestDrainMs(300_000);

    // `u` is still under the old rules: a count would find it.
    expect(await finishTableRebuild(table, Infinity, shortDrainMs, () => begunAt + 1_000)).toEqual({
      waitSeconds: Math.ceil((shortDrainMs - 1_000) / 1000),
      pass: 0,
    });
    expect(await finishTableRebuild(table, Infinity, shortDrainMs, () => begunAt + shortDrainMs - 1)).toEqual(
      {
        waitSeconds: 1,
        pass: 0,
      },
    );
    expect((await readTableRules(store.transport))?.target?.fingerprint).toBe(TARGET.fingerprint);

    // Counted at last: `u` is left, handed on to the next call, which cuts it again and finishes.
    const found = await finishTableRebuild(table, Infinity, shortDrainMs, () => begunAt + shortDrainMs);
    expect(found).toMatchObject({ usersLeft: 1, users: ['u'], pass: 1 });
    expect((await readTableRules(store.transport))?.target?.fingerprint).toBe(TARGET.fingerprint);
    expect(
      await finishTableRebuild(
        table,
        Infinity,
        shortDrainMs,
        () => begunAt + shortDrainMs,
        found as FinishRequest,
      ),
    ).toMatchObject({ counted: true });
    expect(await readTableRules(store.transport)).toEqual({
      fingerprint: TARGET.fingerprint,
      rules: TARGET.source,
      target: undefined,
    });
    // The begin time goes with the rebuild.
    expect((await store.transport.get(RULES_KEY))?.tb).toBeUndefined();
  });

  it('keeps the time the rebuild began when a begin resumes it', async () => {
    const store = await tableWithOneUser();
    await beginRebuild(store.transport, TARGET, 1_000_000);
    await beginRebuild(store.transport, TARGET, 9_000_000);
    await beginTableRebuild(rebuildTo(store.transport, TARGET).table);

    expect((await readTableRules(store.transport))?.target?.begunAt).toBe(1_000_000);
    expect(await rebuildTo(store.transport, TARGET).table.inProgress()).toMatchObject({ begunAt: 1_000_000 });
  });

  it('records a begin time, once, for a rebuild begun before they were kept', async () => {
    const store = await tableWithOneUser();
    await beginRebuild(store.transport, TARGET, 1_000_000);
    await store.transport.update(RULES_KEY, { UpdateExpression: 'REMOVE tb' });
    const { table } = rebuildTo(store.transport, TARGET);

    const before = Date.now();
    const { begunAt } = (await table.inProgress()) as { begunAt: number };

    // Later than the real begin: the drain counted from it is no shorter.
    expect(begunAt).toBeGreaterThanOrEqual(before);
    expect(await table.inProgress()).toMatchObject({ begunAt });
    await beginTableRebuild(table);
    expect((await readTableRules(store.transport))?.target?.begunAt).toBe(begunAt);
  });
});
