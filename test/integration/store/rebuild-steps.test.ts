import { describe, expect, it } from 'vitest';
import {
  AlreadyAtRulesError,
  NothingIngestedError,
  RebuildRefusedError,
} from '../../../functions/adapters/dynamodb/rebuild-record.js';
import {
  ensureTableRules,
  forgetRulesCheck,
  readTableRules,
} from '../../../functions/adapters/dynamodb/rules-record.js';
import type { DynamoDbTableRebuild } from '../../../functions/adapters/dynamodb/table-rebuild.js';
import type { RebuildStore } from '../../../functions/domain/store/ports.js';
import { createRebuildHandler } from '../../../functions/rebuild/create-handler.js';
import {
  beginTableRebuild,
  type FinishRequest,
  finishTableRebuild,
  nextFinishRequest,
  rebuildSegment,
} from '../../../functions/rebuild/rebuild-table.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { rebuildTo, recordRules, rulesOf } from './rebuild-harness.js';
import { freshStore, ingest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 2, 10, 9, 0, 0);
const USERS = Array.from({ length: 12 }, (_, index) => `user-${String(index).padStart(2, '0')}`);
const EVENTS = USERS.flatMap((user, index) => [
  record({ id: `m:${user}-1`, userId: user, timestamp: T0 + index * MINUTE }),
  record({ id: `m:${user}-2`, userId: user, timestamp: T0 + (index + 20) * MINUTE }),
]);
const OLD = { gapMinutes: 30 };
const NEW = rulesOf({ gapMinutes: 15 });

async function tableWithUsers() {
  const store = await freshStore(dynamo.client, OLD);
  await recordRules(store);
  await ingest(store, EVENTS);
  return store;
}

/** The table side, recording every user it is asked to rebuild. */
function recording(table: DynamoDbTableRebuild): { store: RebuildStore; rebuilt: string[] } {
  const rebuilt: string[] = [];
  const store: RebuildStore = {
    begin: () => table.begin(),
    inProgress: () => table.inProgress(),
    scanUsers: (segment, totalSegments, cursor) => table.scanUsers(segment, totalSegments, cursor),
    rebuildUser: (user, scope) => {
      rebuilt.push(user);
      return table.rebuildUser(user, scope);
    },
    findUsersLeft: (deadline, limit, from) => table.findUsersLeft(deadline, limit, from),
    finish: () => table.finish(),
  };
  return { store, rebuilt };
}

describe('the segment step', () => {
  it('resumes from its cursor, mid-page included: every user rebuilt exactly once', async () => {
    const store = await tableWithUsers();
    const { table } = rebuildTo(store.transport, NEW, { scanPageItems: 5 });
    const { store: steps, rebuilt } = recording(table);
    await beginTableRebuild(steps);

    const answers = [];
    for (const segment of [0, 1]) {
      let cursor: string | null = null;
      for (let done = false; !done; ) {
        // Past its deadline from the start: one user (or one page without users) per call.
        const outcome = await rebuildSegment(steps, { segment, totalSegments: 2, cursor }, 0);
        answers.push(outcome.progress);
        ({ cursor, done } = outcome.progress);
      }
    }
    await finishTableRebuild(steps, Date.now() + 60_000, 0);

    expect([...rebuilt].sort()).toEqual(USERS);
    expect(answers.filter((answer) => !answer.done).every((answer) => answer.cursor !== null)).toBe(true);
    expect(await storedSessions(store, USERS)).toEqual(referenceSessions(EVENTS, NEW));
  });

  it('rebuilds nothing twice when a call is repeated with the same cursor (a retried invocation)', async () => {
    const store = await tableWithUsers();
    const { table } = rebuildTo(store.transport, NEW);
    await beginTableRebuild(table);

    const first = await rebuildSegment(
      table,
      { segment: 0, totalSegments: 1, cursor: null },
      Date.now() + 60_000,
    );
    const again = await rebuildSegment(
      table,
      { segment: 0, totalSegments: 1, cursor: null },
      Date.now() + 60_000,
    );

    expect(first.counts).toMatchObject({ users: 12, rebuilt: 12 });
    expect(again.counts).toMatchObject({ users: 12, rebuilt: 0, current: 12 });
  });

  it('refuses a cursor it did not write, saying what to pass', async () => {
    const store = await tableWithUsers();
    const { table } = rebuildTo(store.transport, NEW);
    await beginTableRebuild(table);

    await expect(
      rebuildSegment(table, { segment: 0, totalSegments: 1, cursor: 'page 2' }, Date.now() + 60_000),
    ).rejects.toThrow(/is not one a rebuild segment answered: pass back the cursor of the previous answer/);
  });
});

describe('begin and finish', () => {
  it('refuses to begin on a table no ingest has recorded rules in', async () => {
    const store = await freshStore(dynamo.client, OLD);

    const begun = beginTableRebuild(rebuildTo(store.transport, NEW).table);
    await expect(begun).rejects.toThrow(/records no session rules yet: nothing was ingested into it/);
    await expect(begun).rejects.toBeInstanceOf(NothingIngestedError);
  });

  it('ends an execution on AWS at once, not failed, on a table nothing was ingested into', async () => {
    const store = await freshStore(dynamo.client, OLD);
    const logged: string[] = [];
    const handler = createRebuildHandler({
      store: rebuildTo(store.transport, NEW).table,
      logger: { info: (message) => logged.push(message) },
      drainMs: 0,
    });

    // A failed execution would raise the rebuild-failed alarm, which says the table may be half rebuilt.
    const answer = await handler(
      { action: 'begin', totalSegments: 2 },
      { getRemainingTimeInMillis: () => 60_000 },
    );

    expect(answer).toEqual({ action: 'begin', totalSegments: 2, current: true });
    expect(logged).toEqual(['nothing to rebuild']);
    expect(await readTableRules(store.transport)).toBeUndefined();
  });

  it('refuses to begin when the table is already at the target', async () => {
    const store = await tableWithUsers();

    const begun = beginTableRebuild(rebuildTo(store.transport, rulesOf(OLD)).table);
    await expect(begun).rejects.toThrow(
      /already cut under these rules \(gap 30 min, stitching off\): nothing to rebuild/,
    );
    // Told apart from the other refusals: `npm run rebuild` exits 0 on it.
    await expect(begun).rejects.toBeInstanceOf(AlreadyAtRulesError);
  });

  it('refuses to begin while a rebuild to other rules is in progress, and resumes its own', async () => {
    const store = await tableWithUsers();
    await beginTableRebuild(rebuildTo(store.transport, NEW).table);

    await expect(
      beginTableRebuild(rebuildTo(store.transport, rulesOf({ gapMinutes: 5 })).table),
    ).rejects.toThrow(/a rebuild to other rules \(gap 15 min, stitching off\) is in progress; finish it/);
    await beginTableRebuild(rebuildTo(store.transport, NEW).table);
    expect((await readTableRules(store.transport))?.target?.fingerprint).toBe(NEW.fingerprint);
  });

  it('refuses segments and finish of rules no rebuild moves to', async () => {
    const store = await tableWithUsers();
    const { table } = rebuildTo(store.transport, NEW);

    await expect(
      rebuildSegment(table, { segment: 0, totalSegments: 1, cursor: null }, Infinity),
    ).rejects.toThrow(RebuildRefusedError);
    await expect(finishTableRebuild(table, Infinity, 0)).rejects.toThrow(
      /no rebuild to gap 15 min, stitching off is in progress: begin one first/,
    );
    expect(await readTableRules(store.transport)).toMatchObject({
      fingerprint: rulesOf(OLD).fingerprint,
      target: undefined,
    });
  });

  it('does not finish while users are still at the old rules: the next call cuts them, then finishes', async () => {
    const store = await tableWithUsers();
    const { table } = rebuildTo(store.transport, NEW, { scanPageItems: 5 });
    await beginTableRebuild(table);
    const { store: steps, rebuilt } = recording(table);

    const found = await finishTableRebuild(steps, Date.now() + 60_000, 0);
    expect(found).toMatchObject({ usersLeft: USERS.length, pass: 1 });
    expect([...(found as { users: readonly string[] }).users].sort()).toEqual(USERS);
    expect(rebuilt).toEqual([]);
    expect((await readTableRules(store.transport))?.target?.fingerprint).toBe(NEW.fingerprint);

    // Only the users found: the table is not scanned for users again.
    expect(
      await finishTableRebuild(steps, Date.now() + 60_000, 0, Date.now, found as FinishRequest),
    ).toMatchObject({ counted: true, counts: { users: USERS.length, rebuilt: USERS.length } });
    expect(rebuilt.sort()).toEqual(USERS);
    expect(await storedSessions(store, USERS)).toEqual(referenceSessions(EVENTS, NEW));
    expect(await readTableRules(store.transport)).toEqual({
      fingerprint: NEW.fingerprint,
      rules: NEW.source,
      target: undefined,
    });
    // A finish repeated after the table moved changes nothing.
    expect(await finishTableRebuild(table, Date.now() + 60_000, 0)).toEqual({ counted: false });
  });

  it('goes on with a count its deadline cut from where each segment stopped: every user found once', async () => {
    const store = await tableWithUsers();
    const { table } = rebuildTo(store.transport, NEW, { scanPageItems: 2 });
    await beginTableRebuild(table);

    // Past its deadline from the start: one page of each segment not done per call.
    let outcome = await finishTableRebuild(table, 0, 0);
    let calls = 1;
    while ('count' in outcome) {
      outcome = await finishTableRebuild(table, 0, 0, Date.now, nextFinishRequest(outcome));
      calls++;
    }

    expect(calls).toBeGreaterThan(2);
    expect(outcome).toMatchObject({ usersLeft: USERS.length, pass: 1 });
    expect([...(outcome as { users: readonly string[] }).users].sort()).toEqual(USERS);
    expect((await readTableRules(store.transport))?.target?.fingerprint).toBe(NEW.fingerprint);
    let next = await finishTableRebuild(table, 0, 0, Date.now, outcome as FinishRequest);
    while (!('counted' in next))
      next = await finishTableRebuild(table, 0, 0, Date.now, nextFinishRequest(next));
    expect(next).toEqual({ counted: true });
    expect(await storedSessions(store, USERS)).toEqual(referenceSessions(EVENTS, NEW));
    expect((await readTableRules(store.transport))?.target).toBeUndefined();
  });

  it('tells an ingest of the old rules which rules the table is being rebuilt to', async () => {
    const store = await tableWithUsers();
    await beginTableRebuild(rebuildTo(store.transport, NEW).table);
    forgetRulesCheck();

    await expect(ensureTableRules(store.transport, store.rules)).rejects.toThrow(
      /this table is being rebuilt under other rules \(gap 15 min, stitching off\) than this function runs \(gap 30 min, stitching off\)/,
    );
    forgetRulesCheck();
  });
});
