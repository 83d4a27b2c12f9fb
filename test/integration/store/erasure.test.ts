// User erasure against DynamoDB Local: what is left afterwards, merges racing it, crashes in the middle, and
// old exports delivered again through the real ingest use case.
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { MINUTE, record } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { call, userPath } from '../../unit/api/api-event.js';
import {
  eraseCrashingAt,
  eventCounts,
  headOf,
  headsOnly,
  ingestFile,
  keysOf,
  lookupApi,
  ndjson,
  noise,
  pausingClient,
  type SegmentEvent,
  scanTable,
  T0,
} from './erasure-harness.js';
import { freshStore, type StoreUnderTest } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const DAY = 86_400_000;

/** A store with stitching on and small pages, so a busy day takes several pages and a long session chunks. */
const stitchingStore = () =>
  freshStore(dynamo.client, { identityStitching: true, maxSessionMinutes: 24 * 60 }, { pageLimitBytes: 900 });

const scan = (store: StoreUnderTest) => scanTable(dynamo.client, store);
/**
 * Alice browses anonymously on two devices, logs in on both, and is active over four days, one of them with a
 * session long enough to be stored in chunks; Bob, with a device of his own, shares nothing with her.
 */
function history(): SegmentEvent[] {
  const events: SegmentEvent[] = [
    { anonymousId: 'anon-a1', at: T0 - 20 * MINUTE, id: 'a1-browse-1' },
    { anonymousId: 'anon-a1', at: T0 - 10 * MINUTE, id: 'a1-browse-2' },
    { userId: 'alice', anonymousId: 'anon-a1', at: T0, id: 'a1-login' },
    { anonymousId: 'anon-a2', at: T0 + 2 * DAY - 5 * MINUTE, id: 'a2-browse' },
    { userId: 'alice', anonymousId: 'anon-a2', at: T0 + 2 * DAY, id: 'a2-login' },
    { userId: 'alice', at: T0 + 3 * DAY, id: 'alice-late' },
    { anonymousId: 'anon-b1', at: T0 + DAY - MINUTE, id: 'b1-browse' },
    { userId: 'bob', anonymousId: 'anon-b1', at: T0 + DAY, id: 'b1-login' },
    { userId: 'bob', at: T0 + 2 * DAY, id: 'bob-2' },
  ];
  for (let index = 0; index < 60; index++) {
    events.push({
      userId: 'alice',
      at: T0 + DAY + index * MINUTE,
      id: `alice-long-${index}`,
      event: noise(`alice-long-${index}`),
    });
  }
  return events;
}

const ALICE = ['alice', 'anon-a1', 'anon-a2'];
const BOB = ['bob', 'anon-b1'];
const ALICE_EVENTS = history().filter(
  (event) => event.userId === 'alice' || event.anonymousId?.startsWith('anon-a'),
);

describe('DynamoDbEraser', () => {
  it('leaves only the heads of the user and its anonymousIds, and answers what it deleted', async () => {
    const store = await stitchingStore();
    await ingestFile(store, ndjson(history()));
    const before = await scan(store);
    const aliceKeys = keysOf(before, ALICE);
    const bobKeys = keysOf(before, BOB);
    const sessionIds = (
      await store.reader.listSessions({ userId: 'alice', order: 'asc', limit: 100 })
    ).sessions.map((session) => session.sessionId);
    // What makes this test worth running: pages, chunks and markers to delete.
    expect(aliceKeys.filter((key) => key.startsWith('U#alice D#')).length).toBeGreaterThan(3);
    expect(aliceKeys.filter((key) => key.startsWith('U#alice E#')).length).toBeGreaterThan(0);
    expect(aliceKeys).toEqual(expect.arrayContaining(['U#alice A#anon-a1', 'U#alice A#anon-a2']));
    expect(sessionIds.length).toBeGreaterThan(2);

    const result = await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');

    const after = await scan(store);
    expect(result).toEqual({
      userId: 'alice',
      itemsDeleted: aliceKeys.length - ALICE.length,
      anonymousIds: ['anon-a1', 'anon-a2'],
    });
    expect(keysOf(after, ALICE)).toEqual(headsOnly(ALICE));
    expect(keysOf(after, BOB)).toEqual(bobKeys);
    for (const id of ALICE) {
      const head = await headOf(store, id);
      // Alice is erased whole; her anonymousIds as anonymousIds (their ids' own users, if any, are others).
      expect(id === 'alice' ? head.erased : head.anonymousErased, id).toBe(true);
      expect(head.totals).toMatchObject({
        sessionCount: 0,
        eventCount: 0,
        dayCount: 0,
        firstSeenAt: undefined,
      });
      expect(head.totals.months.size).toBe(0);
      expect([head.lastDay, head.stitchedCount, head.stitchedSample]).toEqual([undefined, 0, []]);
    }
    // The anonymousIds still route to alice, so their later events are refused as hers.
    expect((await headOf(store, 'anon-a1')).link?.userId).toBe('alice');
    expect(await store.reader.getUserSummary('alice')).toBeUndefined();
    const lookup = lookupApi(store);
    for (const path of [
      userPath('alice'),
      userPath('alice', 'sessions'),
      userPath('alice', 'sessions', sessionIds[1] as string),
      userPath('anon-a1'),
      userPath('anon-a2', 'sessions'),
    ]) {
      expect((await call(lookup, 'GET', path)).status, path).toBe(404);
    }
    expect((await call(lookup, 'GET', userPath('bob', 'sessions'))).status).toBe(200);
  });

  it('keeps an erased anonymousId’s route to its user, but not the content of the link event', async () => {
    const store = await stitchingStore();
    const link = {
      userId: 'erin',
      timestamp: T0,
      eventId: 'm:login',
      canonical: '{"context":{"ip":"192.0.2.1"}}',
    };
    await new DynamoDbStitchingWriter(store.writer).offerLink('anon-e', link);
    expect((await headOf(store, 'anon-e')).link).toEqual(link);

    const result = await new DynamoDbEraser({ transport: store.transport }).eraseUser('erin');

    expect(result.anonymousIds).toEqual(['anon-e']);
    expect((await headOf(store, 'anon-e')).link).toEqual({ ...link, canonical: '' });
    expect(JSON.stringify(await scan(store))).not.toContain('192.0.2.1');
  });

  it('names the user an erased anonymousId is stitched to, whose sessions keep its earlier events', async () => {
    const store = await stitchingStore();
    await ingestFile(
      store,
      ndjson([
        { anonymousId: 'anon-d', at: T0, id: 'd-browse' },
        { userId: 'dan', anonymousId: 'anon-d', at: T0 + MINUTE, id: 'd-login' },
      ]),
    );
    const eraser = new DynamoDbEraser({ transport: store.transport });

    expect(await eraser.eraseUser('anon-d')).toEqual({
      userId: 'anon-d',
      itemsDeleted: 0,
      anonymousIds: [],
      stitchedTo: 'dan',
    });
    expect(await eventCounts(store, 'dan')).toEqual([2]);
    // Once its user is erased (and it with them), nothing of it is left anywhere to name.
    expect((await eraser.eraseUser('dan')).anonymousIds).toEqual(['anon-d']);
    expect((await eraser.eraseUser('anon-d')).stitchedTo).toBeUndefined();
  });

  it('is idempotent, and records the suppression of an id it never saw', async () => {
    const store = await stitchingStore();
    await ingestFile(store, ndjson(history()));
    const eraser = new DynamoDbEraser({ transport: store.transport });
    await eraser.eraseUser('alice');

    const again = await eraser.eraseUser('alice');
    const unknown = await eraser.eraseUser('nobody yet');

    expect(again).toEqual({ userId: 'alice', itemsDeleted: 0, anonymousIds: [] });
    expect(unknown).toEqual({ userId: 'nobody yet', itemsDeleted: 0, anonymousIds: [] });
    expect((await headOf(store, 'nobody yet')).erased).toBe(true);
    expect(keysOf(await scan(store), ['nobody yet'])).toEqual(headsOnly(['nobody yet']));
    const later = await store.writer.mergeUserEvents('nobody yet', [
      record({ id: 'm:first', timestamp: T0, userId: 'nobody yet' }),
    ]);
    expect(later).toMatchObject({ newEvents: 0, erasedEvents: 1 });
    expect(keysOf(await scan(store), ['nobody yet'])).toEqual(headsOnly(['nobody yet']));
  });

  it('rejects the user’s events as erased when old exports are delivered again, and stores none', async () => {
    const store = await stitchingStore();
    const exported = ndjson(history());
    await ingestFile(store, exported);
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
    const bobBefore = keysOf(await scan(store), BOB);

    const { stats, report } = await ingestFile(store, exported);

    const erasedLines = report.written.filter((line) => line.reason === 'erased');
    expect(stats.erased).toBe(ALICE_EVENTS.length);
    expect(erasedLines).toHaveLength(ALICE_EVENTS.length);
    // The report names where each refused event was, never its text.
    expect(erasedLines.every((line) => 'raw' in line && line.raw === '')).toBe(true);
    expect(stats.newEvents).toBe(0);
    const after = await scan(store);
    expect(keysOf(after, ALICE)).toEqual(headsOnly(ALICE));
    expect(keysOf(after, BOB)).toEqual(bobBefore);
  });

  it('keeps an id erased before its events arrive empty, even when a later link stitches an anonymousId to it', async () => {
    const store = await stitchingStore();
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('carol');
    await ingestFile(store, ndjson([{ anonymousId: 'anon-c', at: T0, id: 'c-browse' }]));

    await ingestFile(
      store,
      ndjson([{ userId: 'carol', anonymousId: 'anon-c', at: T0 + MINUTE, id: 'c-login' }]),
    );

    expect(keysOf(await scan(store), ['carol', 'anon-c'])).toEqual(headsOnly(['carol', 'anon-c']));
  });

  it('has nothing left to delete on a second run after a late link to an erased id', async () => {
    const store = await stitchingStore();
    const eraser = new DynamoDbEraser({ transport: store.transport });
    await eraser.eraseUser('carol');
    await ingestFile(store, ndjson([{ anonymousId: 'anon-c', at: T0, id: 'c-browse' }]));
    await ingestFile(
      store,
      ndjson([{ userId: 'carol', anonymousId: 'anon-c', at: T0 + MINUTE, id: 'c-login' }]),
    );

    const again = await eraser.eraseUser('carol');

    expect(again.itemsDeleted).toBe(0);
    expect(keysOf(await scan(store), ['carol', 'anon-c'])).toEqual(headsOnly(['carol', 'anon-c']));
  });
});

describe('DynamoDbEraser racing a merge', () => {
  /** Bob has sessions on days 0, 2 and 4; the racing merge adds one on day 1 (staged) or day 6 (appended). */
  const existing = [0, 2, 4].map((day) =>
    record({ id: `m:old-${day}`, timestamp: T0 + day * DAY, userId: 'bob' }),
  );

  for (const [kind, day] of [
    ['a staged merge', 1],
    ['an appended merge', 6],
  ] as const) {
    it(`never leaves events stored, whatever write of ${kind} the erasure runs at`, async () => {
      const store = await freshStore(dynamo.client);
      const adding = [record({ id: `m:new-${day}`, timestamp: T0 + day * DAY, userId: 'bob' })];
      let pausedAt = 0;
      for (let pauseAt = 0; ; pauseAt++) {
        const user = `bob-${pauseAt}`;
        const events = (list: EventRecord[]) => list.map((event) => ({ ...event, userId: user }));
        await store.writer.mergeUserEvents(user, events(existing));
        const paused = pausingClient(dynamo.endpoint, pauseAt);
        const writer = new DynamoDbSessionWriter({
          transport: new Transport({ client: paused.client, tableName: store.tableName, baseDelayMs: 2 }),
          rules: store.rules,
        });
        const merging = writer.mergeUserEvents(user, events(adding));
        const reachedFirst = await Promise.race([paused.reached.then(() => true), merging.then(() => false)]);

        const erased = await new DynamoDbEraser({ transport: store.transport }).eraseUser(user);
        paused.release();
        const merged = await merging;

        // Committed before the erasure (then erased with the rest) or refused after it: stored, never.
        expect(merged.newEvents + merged.erasedEvents, `paused at write ${pauseAt}`).toBe(1);
        expect(erased.itemsDeleted).toBeGreaterThan(0);
        expect(keysOf(await scan(store), [user]), `paused at write ${pauseAt}`).toEqual(headsOnly([user]));
        expect(await store.reader.getUserSummary(user)).toBeUndefined();
        paused.client.destroy();
        if (!reachedFirst) break;
        pausedAt = pauseAt;
      }
      // The merge wrote its items and committed (a staged one registered its intent first).
      expect(pausedAt).toBeGreaterThanOrEqual(kind === 'a staged merge' ? 2 : 1);
    });
  }

  it('refuses a merge that runs while the erasure is deleting, and deletes what one committed just before', async () => {
    const store = await freshStore(dynamo.client, {}, { pageLimitBytes: 300 });
    let pausedAt = 0;
    for (let pauseAt = 0; ; pauseAt++) {
      const user = `dave-${pauseAt}`;
      // A session each, over three days, a page or two each: more pages than one batch deletes.
      const many = Array.from({ length: 80 }, (_, index) =>
        record({
          id: `m:${index}`,
          timestamp: T0 + index * 40 * MINUTE,
          userId: user,
          name: noise(`${index}`),
        }),
      );
      await store.writer.mergeUserEvents(user, many);
      const paused = pausingClient(dynamo.endpoint, pauseAt);
      const erasing = new DynamoDbEraser({
        transport: new Transport({ client: paused.client, tableName: store.tableName, baseDelayMs: 2 }),
      }).eraseUser(user);
      const reachedFirst = await Promise.race([paused.reached.then(() => true), erasing.then(() => false)]);

      const merged = await store.writer.mergeUserEvents(user, [
        record({ id: 'm:during', timestamp: T0 + 30 * DAY, userId: user }),
      ]);
      paused.release();
      await erasing;
      if (!reachedFirst) await new DynamoDbEraser({ transport: store.transport }).eraseUser(user);

      // At write 0 the head is not marked yet: the merge commits, and the erasure then retries over it.
      expect(merged.erasedEvents, `paused at write ${pauseAt}`).toBe(pauseAt === 0 ? 0 : 1);
      expect(keysOf(await scan(store), [user]), `paused at write ${pauseAt}`).toEqual(headsOnly([user]));
      paused.client.destroy();
      if (!reachedFirst) break;
      pausedAt = pauseAt;
    }
    // The head, then the pages in batches of 25.
    expect(pausedAt).toBeGreaterThanOrEqual(2);
  });
});

describe('DynamoDbEraser interrupted', () => {
  it('finishes the job when run again after a crash at any write', async () => {
    const store = await stitchingStore();
    let crashedAt = 0;
    for (let crashAfter = 0; ; crashAfter++) {
      // Every round its own ids: alice's history under new names.
      const rename = (id: string | undefined) => (id === undefined ? undefined : `${id}-${crashAfter}`);
      const events = history().map((event) => ({
        ...event,
        userId: rename(event.userId),
        anonymousId: rename(event.anonymousId),
      }));
      await ingestFile(store, ndjson(events));
      const ids = ALICE.map((id) => `${id}-${crashAfter}`);
      const finished = !(await eraseCrashingAt(store, dynamo.endpoint, ids[0] as string, crashAfter));

      await new DynamoDbEraser({ transport: store.transport }).eraseUser(ids[0] as string);

      expect(keysOf(await scan(store), ids), `crashed after ${crashAfter} writes`).toEqual(headsOnly(ids));
      for (const [index, id] of ids.entries()) {
        const head = await headOf(store, id);
        expect(index === 0 ? head.erased : head.anonymousErased, `${id} after ${crashAfter} writes`).toBe(
          true,
        );
      }
      if (finished) break;
      crashedAt = crashAfter;
    }
    // Heads marked, markers followed, pages deleted in batches: several places to crash at.
    expect(crashedAt).toBeGreaterThanOrEqual(4);
  });
});
