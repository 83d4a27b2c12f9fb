// The same rules written another way (a platform gap equal to the default gap) against a table recorded under
// the first form: the rules record and each head keep the form they were written with, and every comparison
// takes the two for the same rules (docs/operations.md, "Rebuild under new rules").
import { describe, expect, it } from 'vitest';
import { AlreadyAtRulesError } from '../../../functions/adapters/dynamodb/rebuild-record.js';
import {
  ensureTableRules,
  forgetRulesCheck,
  readTableRules,
} from '../../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import type { CompiledRules } from '../../../functions/domain/rules/session-rules.js';
import { beginTableRebuild } from '../../../functions/rebuild/rebuild-table.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { headOf } from './erasure-harness.js';
import { rebuildTo, recordRules, rulesOf, runRebuild } from './rebuild-harness.js';
import { freshStore, ingest, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 2, 10, 9, 0, 0);
const GAP_30 = { gapMinutes: 30 };
const GAP_30_IOS_30 = rulesOf({ gapMinutes: 30, gapMinutesByPlatform: { ios: 30 } });

const visit = (user: string, from: number, platform: string | null = 'ios') =>
  [0, 20, 45].map((minutes) =>
    record({
      id: `m:${user}-${from + minutes}`,
      userId: user,
      timestamp: T0 + (from + minutes) * MINUTE,
      platform,
    }),
  );

/** A store on the same table as `store`, as an ingest running `rules` writes to it. */
const runningRules = (store: StoreUnderTest, rules: CompiledRules): StoreUnderTest => ({
  ...store,
  rules,
  writer: new DynamoDbSessionWriter({ transport: store.transport, rules, wholePartitionEvents: 0 }),
});

async function tableAt30(): Promise<StoreUnderTest> {
  const store = await freshStore(dynamo.client, GAP_30);
  await recordRules(store);
  await ingest(store, [...visit('ann', 0), ...visit('bob', 0, null)]);
  return store;
}

describe('rules given in another form that cuts the same sessions', () => {
  it('are accepted by the rules record and by each head, which keep the form they were written in', async () => {
    const store = await tableAt30();
    const other = runningRules(store, GAP_30_IOS_30);
    forgetRulesCheck();
    await ensureTableRules(store.transport, GAP_30_IOS_30);
    forgetRulesCheck();

    const later = [...visit('ann', 100), ...visit('cat', 0)];
    await ingest(other, later);
    // And the first form still, after heads were written in the second.
    await ingest(store, visit('ann', 200, 'android'));

    const all = [...visit('ann', 0), ...visit('bob', 0, null), ...later, ...visit('ann', 200, 'android')];
    expect(await storedSessions(store, ['ann', 'bob', 'cat'])).toEqual(referenceSessions(all, store.rules));
    expect(await readTableRules(store.transport)).toMatchObject({
      fingerprint: store.rules.fingerprint,
      rules: store.rules.source,
    });
    expect((await headOf(store, 'cat')).rules).toBe(GAP_30_IOS_30.fingerprint);
  });

  it('are nothing to rebuild to', async () => {
    const store = await tableAt30();
    const begun = beginTableRebuild(rebuildTo(store.transport, GAP_30_IOS_30).table);
    await expect(begun).rejects.toBeInstanceOf(AlreadyAtRulesError);
    expect((await readTableRules(store.transport))?.target).toBeUndefined();
  });

  it('let a rebuild to other rules finish over heads written in either form of its target', async () => {
    const store = await tableAt30();
    const target = rulesOf({ gapMinutes: 15 });
    const targetOtherForm = rulesOf({ gapMinutes: 15, gapMinutesByPlatform: { android: 15 } });
    const { table } = rebuildTo(store.transport, target);
    await beginTableRebuild(table);
    forgetRulesCheck();
    await ensureTableRules(store.transport, targetOtherForm);
    forgetRulesCheck();
    // An ingest of the target's other form meets ann still at the old rules (rebuilt first) and adds cat.
    const meanwhile = [...visit('ann', 100), ...visit('cat', 0)];
    const writer = rebuildTo(store.transport, targetOtherForm).writer;
    await ingest({ ...store, rules: targetOtherForm, writer }, meanwhile);
    expect((await headOf(store, 'cat')).rules).toBe(targetOtherForm.fingerprint);

    const run = await runRebuild(table, { totalSegments: 2 });
    expect(run.counted).toBe(true);
    expect(await readTableRules(store.transport)).toMatchObject({
      fingerprint: target.fingerprint,
      target: undefined,
    });
    const all = [...visit('ann', 0), ...visit('bob', 0, null), ...meanwhile];
    expect(await storedSessions(store, ['ann', 'bob', 'cat'])).toEqual(referenceSessions(all, target));
  });

  it('let a rebuild begun in one form of its rules resume and finish in another', async () => {
    const store = await tableAt30();
    const target = rulesOf({ gapMinutes: 15 });
    await beginTableRebuild(
      rebuildTo(store.transport, rulesOf({ gapMinutes: 15, gapMinutesByPlatform: { ios: 15 } })).table,
    );

    const run = await runRebuild(rebuildTo(store.transport, target).table, { totalSegments: 2 });
    expect(run.counted).toBe(true);
    expect(await readTableRules(store.transport)).toEqual({
      fingerprint: target.fingerprint,
      rules: target.source,
      target: undefined,
    });
    const all = [...visit('ann', 0), ...visit('bob', 0, null)];
    expect(await storedSessions(store, ['ann', 'bob'])).toEqual(referenceSessions(all, target));
  });
});
