// What the rebuild state machine passes between its states stays in the execution history for 90 days and
// cannot be deleted, so an erasure never reaches it: no user id may appear in it. The handler seals cursors
// and lists of users under the rebuild's key, which the rules record drops when the rebuild finishes.
import { describe, expect, it } from 'vitest';
import { META_PK, RULES_SK } from '../../../functions/adapters/dynamodb/keys.js';
import { itemKey } from '../../../functions/adapters/dynamodb/transport.js';
import { createRebuildHandler, type RebuildAnswer } from '../../../functions/rebuild/create-handler.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { rebuildTo, recordRules, rulesOf } from './rebuild-harness.js';
import { freshStore, ingest, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 2, 10, 9, 0, 0);
const USERS = Array.from({ length: 10 }, (_, index) => `person-${index}@example.com`);
const EVENTS = USERS.flatMap((user, index) => [
  record({ id: `m:${index}-1`, userId: user, timestamp: T0 + index * MINUTE }),
  record({ id: `m:${index}-2`, userId: user, timestamp: T0 + (index + 20) * MINUTE }),
]);
const OLD = { gapMinutes: 30 };
const NEW = rulesOf({ gapMinutes: 15 });
/** Each call past its deadline from the start: one user or one page a call, so every step is seen. */
const outOfTime = { getRemainingTimeInMillis: () => 0 };
const plentyOfTime = { getRemainingTimeInMillis: () => 60_000 };

async function tableWithUsers(): Promise<StoreUnderTest> {
  const store = await freshStore(dynamo.client, OLD);
  await recordRules(store);
  await ingest(store, EVENTS);
  return store;
}

function handlerOf(store: StoreUnderTest) {
  return createRebuildHandler({
    store: rebuildTo(store.transport, NEW, { scanPageItems: 3 }).table,
    logger: { info: () => undefined },
    drainMs: 0,
  });
}

const rulesRecord = (store: StoreUnderTest) => store.transport.get(itemKey(META_PK, RULES_SK));

describe("the rebuild's state machine data", () => {
  it('names no user: cursors, counts and users left travel sealed, and the key goes when it finishes', async () => {
    const store = await tableWithUsers();
    const handler = handlerOf(store);
    /** Every state's input and output, as the execution history keeps them. */
    const history: unknown[] = [];
    const call = async (request: unknown, context = outOfTime): Promise<RebuildAnswer> => {
      history.push(request);
      const answer = await handler(request, context);
      history.push(answer);
      return answer;
    };

    await call({ action: 'begin', totalSegments: 2 });
    // Only segment 0: the finish's count finds segment 1's users left, names them and cuts them again.
    let cursor: string | null = null;
    for (let done = false; !done; ) {
      ({ cursor, done } = (await call({ action: 'segment', segment: 0, totalSegments: 2, cursor })) as {
        cursor: string | null;
        done: boolean;
      });
    }
    let answer = await call({ action: 'finish' });
    const seen = new Set<string>();
    while ('next' in answer) {
      for (const key of ['counting', 'usersLeft']) if (key in answer) seen.add(key);
      answer = await call(answer.next);
    }

    expect(answer).toEqual({ action: 'finish', counted: true });
    // The history went through every kind of state that carries users.
    expect(seen).toEqual(new Set(['counting', 'usersLeft']));
    const text = JSON.stringify(history);
    expect(text).toContain('"users":"');
    for (const user of USERS) expect(text).not.toContain(user);
    expect(text).not.toMatch(/U#|person-|example\.com/);
    expect(await storedSessions(store, USERS)).toEqual(referenceSessions(EVENTS, NEW));
    expect(await rulesRecord(store)).not.toHaveProperty('tk');
  });

  it('resumes a retried call from the same sealed cursor, and a new execution from null', async () => {
    const store = await tableWithUsers();
    const handler = handlerOf(store);
    await handler({ action: 'begin', totalSegments: 1 }, plentyOfTime);
    const first = await handler({ action: 'segment', segment: 0, totalSegments: 1, cursor: null }, outOfTime);
    const { cursor } = first as { cursor: string };

    const again = await handler({ action: 'segment', segment: 0, totalSegments: 1, cursor }, plentyOfTime);
    const retried = await handler({ action: 'segment', segment: 0, totalSegments: 1, cursor }, plentyOfTime);
    // A begin resumed (a new execution) keeps the key: the cursors it sealed still open.
    await handler({ action: 'begin', totalSegments: 1 }, plentyOfTime);
    const resumed = await handler({ action: 'segment', segment: 0, totalSegments: 1, cursor }, plentyOfTime);
    const fresh = await handler(
      { action: 'segment', segment: 0, totalSegments: 1, cursor: null },
      plentyOfTime,
    );

    for (const answer of [again, retried, resumed, fresh]) {
      expect(answer).toEqual({ segment: 0, totalSegments: 1, cursor: null, done: true });
    }
    expect(await handler({ action: 'finish' }, plentyOfTime)).toEqual({ action: 'finish', counted: true });
    expect(await storedSessions(store, USERS)).toEqual(referenceSessions(EVENTS, NEW));
    // A call retried after the finish needs no key: there is nothing left to do.
    expect(await handler({ action: 'segment', segment: 0, totalSegments: 1, cursor }, plentyOfTime)).toEqual({
      segment: 0,
      totalSegments: 1,
      cursor: null,
      done: true,
    });
  });

  it('refuses a cursor from before the deploy, altered, or under a key the record no longer holds', async () => {
    const store = await tableWithUsers();
    const handler = handlerOf(store);
    await handler({ action: 'begin', totalSegments: 1 }, plentyOfTime);
    const { cursor } = (await handler(
      { action: 'segment', segment: 0, totalSegments: 1, cursor: null },
      outOfTime,
    )) as { cursor: string };
    const refused = /^the cursor does not open with this rebuild's key.*or null to start the segment over/;
    const segment = (sent: string) =>
      handler({ action: 'segment', segment: 0, totalSegments: 1, cursor: sent }, plentyOfTime);

    // An execution in flight when the sealing was deployed hands on its plain cursor.
    await expect(segment(JSON.stringify({ pk: `U#${USERS[0]}`, sk: 'H' }))).rejects.toThrow(refused);
    await expect(segment(`${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'AB' : 'AA'}`)).rejects.toThrow(
      refused,
    );
    // A record a rebuild of the old code began holds no key: the next call records one, and the old cursors
    // (sealed under none, or under another) do not open.
    await store.transport.update(itemKey(META_PK, RULES_SK), { UpdateExpression: 'REMOVE tk' });
    await expect(segment(cursor)).rejects.toThrow(refused);
    expect((await rulesRecord(store))?.tk?.S).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await expect(segment(cursor)).rejects.toThrow(refused);
    const message = await segment(cursor).catch((error: Error) => error.message);
    expect(message).not.toContain('person-');
  });
});
