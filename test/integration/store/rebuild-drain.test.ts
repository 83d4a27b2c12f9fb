// The finish of a rebuild counts the users left only once no ingest of the old rules can still write: one
// that checked the rules record just before the begin trusts that check for a minute, and its invocation runs
// up to the ingest's timeout. Before then the finish answers how long to wait.
import { describe, expect, it } from 'vitest';
import {
  beginRebuild,
  ingestDrainMs,
  readTableRules,
} from '../../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { itemKey } from '../../../functions/adapters/dynamodb/transport.js';
import {
  beginTableRebuild,
  finishTableRebuild,
  UsersLeftError,
} from '../../../functions/rebuild/rebuild-table.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { rebuildTo, recordRules, rulesOf, runRebuild } from './rebuild-harness.js';
import { freshStore, storedSessions } from './store-harness.js';

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
  it('catches a new user an old-rules ingest creates after the segments passed; started again, it rebuilds it', async () => {
    const store = await tableWithOneUser();
    // An ingest that passed its check of the rules record before the begin: it writes without looking again.
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
    const clock = { ...skippingClock(), onWait: writeZ };
    const drainMs = ingestDrainMs(900_000);

    // Segments done, the finish waits out the drain; the old ingest creates `z` meanwhile (or, with no wait,
    // right after the finish, where nothing would ever catch it).
    const first = runRebuild(rebuildTo(store.transport, TARGET).table, { totalSegments: 1, drainMs, clock });
    await expect(first.finally(writeZ)).rejects.toThrow(UsersLeftError);
    await expect(first).rejects.toThrow(/1 user is still cut under the old rules.*start the rebuild again/);

    // What the error says to do: start it again. It resumes, and the drain has passed since the first begin.
    const again = await runRebuild(rebuildTo(store.transport, TARGET).table, {
      totalSegments: 1,
      drainMs,
      clock,
    });

    expect(again).toMatchObject({ counted: true, counts: { users: 2, rebuilt: 1, current: 1 } });
    expect(await storedSessions(store, ['u', 'z'])).toEqual(
      referenceSessions([record({ id: 'm:1', userId: 'u', timestamp: T0 }), ...z], TARGET),
    );
    expect((await readTableRules(store.transport))?.fingerprint).toBe(TARGET.fingerprint);
  });

  it('answers a finish before the drain has passed with the seconds left, without counting or finishing', async () => {
    const store = await tableWithOneUser();
    const { table } = rebuildTo(store.transport, TARGET);
    const begunAt = Date.now();
    await beginRebuild(store.transport, TARGET, begunAt);
    const drainMs = ingestDrainMs(300_000);

    // `u` is still under the old rules: a count would refuse.
    expect(await finishTableRebuild(table, Infinity, drainMs, () => begunAt + 1_000)).toEqual({
      waitSeconds: Math.ceil((drainMs - 1_000) / 1000),
    });
    expect(await finishTableRebuild(table, Infinity, drainMs, () => begunAt + drainMs - 1)).toEqual({
      waitSeconds: 1,
    });
    expect((await readTableRules(store.transport))?.target?.fingerprint).toBe(TARGET.fingerprint);

    await expect(finishTableRebuild(table, Infinity, drainMs, () => begunAt + drainMs)).rejects.toThrow(
      UsersLeftError,
    );
    await runRebuild(table, { totalSegments: 1, drainMs, clock: { now: () => begunAt + drainMs } });
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
