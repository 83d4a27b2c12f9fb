// Erasing a user with an anonymousId stitched to it that is also another user's userId (rule 2: one id, one
// partition; the anonymousId is marked `ea`): that other user's merges racing the erasure, rebuilds after it,
// crashes, every order of the files, the API.
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { permutations } from '../../helpers/permutations.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { call, userPath } from '../../unit/api/api-event.js';
import {
  aliceOnDevice,
  eraseCrashingAt,
  eraseRacing,
  eventCounts,
  HOUR,
  headOf,
  headsOnly,
  ingestFile,
  keysOf,
  lookupApi,
  ndjson,
  pageEventsOf,
  scanTable,
  stitchingStore,
  T0,
} from './erasure-harness.js';
import { rebuildStore, recordRules, rulesOf } from './rebuild-harness.js';
import { storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const SHARED_ID = [
  ...aliceOnDevice('42', 'Secret Browse'),
  { userId: '42', at: T0 + 3 * HOUR, id: 'u42-1', event: 'Order' },
  { anonymousId: 'd9', at: T0 + 5 * HOUR, id: 'd9-browse' },
  { userId: '42', anonymousId: 'd9', at: T0 + 5 * HOUR + MINUTE, id: 'd9-login' },
  { userId: 'bob', at: T0, id: 'b-1' },
];

describe('erasing a user whose anonymousId is another user’s userId', () => {
  it('keeps the sessions that other user commits while the erasure clears the id’s partition', async () => {
    const store = await stitchingStore(dynamo.client);
    // Device 42 is alice's; customer 42 has no sessions yet when alice is erased.
    await ingestFile(store, ndjson(aliceOnDevice('42', 'Secret Browse')));
    expect((await headOf(store, '42')).totals.sessionCount).toBe(0);

    // Customer 42's first event lands after the eraser marked U#42 `ea` and before it clears its pages.
    await eraseRacing(
      store,
      dynamo.endpoint,
      'alice',
      (command, input) => {
        const values = input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined;
        return command === 'QueryCommand' && values?.[':pk']?.S === 'U#42' && values[':from'] !== undefined;
      },
      async () => {
        const { stats } = await ingestFile(
          store,
          ndjson([{ userId: '42', at: T0 + 5 * HOUR, id: 'u42-1', event: 'Order' }]),
        );
        expect(stats.erased).toBe(0);
      },
    );

    expect((await headOf(store, '42')).totals.sessionCount).toBe(1);
    const sessions = await storedSessions(store, ['42']);
    expect(sessions.map((session) => session.eventCount)).toEqual([1]);
  });
});

/** Device 42 is alice's; customer 42 has sessions of its own and a device `d9` of its own. */
describe('a rebuild over an anonymousId erased with its user', () => {
  it('turns stitching off and on again, keeping the other user’s sessions and the erasure', async () => {
    const store = await stitchingStore(dynamo.client);
    await recordRules(store);
    await ingestFile(store, ndjson(SHARED_ID));
    expect(await eventCounts(store, '42')).toEqual([1, 2]);
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
    expect(await eventCounts(store, '42')).toEqual([1, 2]);

    const off = await rebuildStore(store, rulesOf({ identityStitching: false }), { totalSegments: 2 });
    expect(off.run.counted).toBe(true);
    // Rule 2: U#42 is customer 42's events and device 42's anonymous ones (erased); d9 is its own user.
    expect(await eventCounts(store, '42')).toEqual([1, 1]);
    expect(await eventCounts(store, 'd9')).toEqual([1]);
    expect((await headOf(store, '42')).anonymousErased).toBe(true);
    const refused = await ingestFile(
      off.store,
      ndjson([{ anonymousId: '42', at: T0 + 2 * MINUTE, id: 'a-late' }]),
    );
    expect(refused.stats.erased).toBe(1);

    const on = await rebuildStore(store, rulesOf({ identityStitching: true }), { totalSegments: 2 });
    expect(on.run.counted).toBe(true);
    expect(await eventCounts(store, '42')).toEqual([1, 2]);
    expect((await headOf(store, '42')).anonymousErased).toBe(true);
    expect(await store.reader.getUserSummary('alice')).toBeUndefined();
    const device = await ingestFile(
      on.store,
      ndjson([{ anonymousId: '42', at: T0 + 3 * MINUTE, id: 'a-later' }]),
    );
    expect(device.stats.erased).toBe(1);
    const customer = await ingestFile(on.store, ndjson([{ userId: '42', at: T0 + 9 * HOUR, id: 'u42-2' }]));
    expect(customer.stats.erased).toBe(0);
    expect(await eventCounts(store, '42')).toEqual([1, 2, 1]);
  });
});

describe('an erasure of a user with a shared id, interrupted', () => {
  it('finishes when run again after a crash at any write, and never touches the other user', async () => {
    for (let crashAt = 0; ; crashAt++) {
      const store = await stitchingStore(dynamo.client);
      await ingestFile(store, ndjson(SHARED_ID));
      const crashed = await eraseCrashingAt(store, dynamo.endpoint, 'alice', crashAt);
      expect(await eventCounts(store, '42'), `crash at ${crashAt}`).toEqual([1, 2]);
      await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
      const items = await scanTable(dynamo.client, store);
      expect(keysOf(items, ['alice']), `crash at ${crashAt}`).toEqual(headsOnly(['alice']));
      const head42 = await headOf(store, '42');
      expect(head42.anonymousErased).toBe(true);
      expect(head42.link?.canonical).toBe('');
      expect(await eventCounts(store, '42'), `crash at ${crashAt}`).toEqual([1, 2]);
      const text = JSON.stringify(items.filter((item) => item.pk?.S !== 'U#alice'));
      expect(text, `crash at ${crashAt}`).not.toContain('Secret Browse');
      if (!crashed) break;
    }
  });
});

describe('the API over the shared id', () => {
  it('answers customer 42 before and after the erasure, naming alice only before', async () => {
    const store = await stitchingStore(dynamo.client);
    await ingestFile(store, ndjson(SHARED_ID));
    const lookup = lookupApi(store);
    const before = await call(lookup, 'GET', userPath('42'));
    expect(before.status).toBe(200);
    expect(JSON.stringify(before.body)).toContain('alice');
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
    const after = await call(lookup, 'GET', userPath('42'));
    expect(after.status).toBe(200);
    expect(JSON.stringify(after.body)).not.toContain('alice');
    expect((after.body as { sessionCount: number }).sessionCount).toBe(2);
    const list = await call(lookup, 'GET', userPath('42', 'sessions'));
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain('Secret');
    expect((list.body as { sessions: unknown[] }).sessions).toHaveLength(2);
    expect((await call(lookup, 'GET', userPath('alice'))).status).toBe(404);
    expect((await call(lookup, 'GET', userPath('alice', 'sessions'))).status).toBe(404);
  });
});

describe('a shared id, whatever order its files and the erasure come in', () => {
  it('ends with the other user’s events all stored and none of the erased user’s', async () => {
    const store = await stitchingStore(dynamo.client);
    const files = ['browse', 'login', 'order', 'self'] as const;
    let run = 0;
    for (const order of permutations(files)) {
      for (let eraseAt = 0; eraseAt <= files.length; eraseAt++) {
        run++;
        const id = `${1000 + run}`;
        const alice = `alice-${run}`;
        const lines = {
          browse: [{ anonymousId: id, at: T0, id: `b-${run}`, event: 'Secret Browse' }],
          login: [{ userId: alice, anonymousId: id, at: T0 + MINUTE, id: `l-${run}` }],
          order: [{ userId: id, at: T0 + 3 * HOUR, id: `o-${run}`, event: 'Order' }],
          self: [{ userId: id, anonymousId: id, at: T0 + 6 * HOUR, id: `s-${run}`, event: 'Self' }],
        };
        const steps = [...order.map((file) => file as string)];
        steps.splice(eraseAt, 0, 'erase');
        for (const step of steps) {
          if (step === 'erase') await new DynamoDbEraser({ transport: store.transport }).eraseUser(alice);
          else await ingestFile(store, ndjson(lines[step as (typeof files)[number]]));
        }
        const where = `${steps.join(',')}`;
        const starts = (await storedSessions(store, [id])).map((session) => [
          session.startedAt,
          session.eventCount,
        ]);
        expect(starts, where).toEqual([
          [T0 + 3 * HOUR, 1],
          [T0 + 6 * HOUR, 1],
        ]);
        expect(await store.reader.getUserSummary(alice), where).toBeUndefined();
        const summary = await store.reader.getUserSummary(id);
        expect(summary?.stitchedTo, where).toBeUndefined();
        const later = await ingestFile(
          store,
          ndjson([{ anonymousId: id, at: T0 + 2 * MINUTE, id: `x-${run}` }]),
        );
        expect(later.stats.erased, where).toBe(1);
      }
    }
  }, 300_000);
});

describe('an erasure while both users of a shared id keep sending', () => {
  it('stores every event of the other user and none of the erased user’s', async () => {
    const store = await stitchingStore(dynamo.client);
    await ingestFile(store, ndjson(SHARED_ID));
    const customer = Array.from({ length: 8 }, (_, n) =>
      ingestFile(
        store,
        ndjson([{ userId: '42', at: T0 + (10 + n) * HOUR, id: `u42-x${n}`, event: 'Order' }]),
      ),
    );
    const device = Array.from({ length: 4 }, (_, n) =>
      ingestFile(
        store,
        ndjson([{ anonymousId: '42', at: T0 + (n + 2) * MINUTE, id: `a-x${n}`, event: 'Secret Browse' }]),
      ),
    );
    await Promise.all([
      ...customer,
      ...device,
      new DynamoDbEraser({ transport: store.transport }).eraseUser('alice'),
    ]);
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
    expect(await eventCounts(store, '42')).toEqual([1, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
    const items = await scanTable(dynamo.client, store);
    expect(keysOf(items, ['alice'])).toEqual(headsOnly(['alice']));
    const names = pageEventsOf(items, (item) => item.pk?.S !== 'U#alice').map((event) => event.name);
    expect(names).not.toContain('Secret Browse');
  });
});

describe('a rebuild that turns stitching off after an anonymousId stitched to a user was erased', () => {
  it('erases its anonymous events from the user’s sessions, where rule 2 gives them back to it', async () => {
    const store = await stitchingStore(dynamo.client);
    await recordRules(store);
    await ingestFile(
      store,
      ndjson([
        { anonymousId: 'dev', at: T0, id: 'd-page' },
        { anonymousId: 'dev', at: T0 + 5 * MINUTE, id: 'd-browse', event: 'Secret Browse' },
        { userId: 'u', anonymousId: 'dev', at: T0 + 6 * MINUTE, id: 'u-login' },
        { userId: 'u', at: T0 + 7 * MINUTE, id: 'u-order', event: 'Order' },
      ]),
    );
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('dev');
    // Rule 8: while stitching is on, dev's anonymous events are u's, and stay.
    expect(await eventCounts(store, 'u')).toEqual([4]);

    const off = await rebuildStore(store, rulesOf({ identityStitching: false }), { totalSegments: 2 });
    expect(off.run.counted).toBe(true);
    expect(await eventCounts(store, 'u')).toEqual([2]);
    expect(await eventCounts(store, 'dev')).toEqual([]);
    expect((await store.reader.getUserSummary('u'))?.stitchedCount ?? 0).toBe(0);
    const refused = await ingestFile(
      off.store,
      ndjson([{ anonymousId: 'dev', at: T0 + 8 * MINUTE, id: 'd-late' }]),
    );
    expect(refused.stats.erased).toBe(1);

    await rebuildStore(store, rulesOf({ identityStitching: true }), { totalSegments: 2 });
    expect(await eventCounts(store, 'u')).toEqual([2]);
    expect(await eventCounts(store, 'dev')).toEqual([]);
  });
});
