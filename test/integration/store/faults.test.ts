import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import {
  deliveryArbitrary,
  eventRecordsArbitrary,
  record,
  referenceSessions,
} from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, crashingClient, hookedClient, isHeadCommit } from './crashing-client.js';
import { pausePoint } from './pause-point.js';
import { freshStore, ingest, type StoreUnderTest, storedSessions, writerOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

/** Each event exactly once across the user's sessions, read through the API. */
async function auditOnce(sessions: { eventCount: number }[], expected: number) {
  expect(sessions.reduce((sum, session) => sum + session.eventCount, 0)).toBe(expected);
}

describe('merges under crashes', () => {
  it('never shows a half-applied merge, and converges when the file is delivered again', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventRecordsArbitrary({ maxEvents: 30, users: 2 }).chain((events) =>
          fc.record({
            events: fc.constant(events),
            delivery: deliveryArbitrary(events, 3),
            crashAfter: fc.integer({ min: 0, max: 12 }),
            crashedDelivery: fc.nat(),
          }),
        ),
        async ({ events, delivery, crashAfter, crashedDelivery }) => {
          const store = await freshStore(dynamo.client, { maxSessionMinutes: 60 }, { pageLimitBytes: 700 });
          const files = delivery.order.map((index) => delivery.files[index] ?? []);
          const crashAt = crashedDelivery % files.length;
          const delivered: EventRecord[] = [];
          const users = [...new Set(events.map((event) => event.userId ?? ''))];
          for (const [index, file] of files.entries()) {
            if (index === crashAt) {
              const writer = writerOn(store, crashingClient(dynamo.endpoint, crashAfter), {
                pageLimitBytes: 700,
              });
              await ingest({ ...store, writer }, file).catch((error) => {
                if (!(error instanceof Crash)) throw error;
              });
              // Whatever the crash left, readers see a whole state: before this file, or after it.
              const seen = await storedSessions(store, users);
              const before = referenceSessions(delivered, store.rules);
              const after = referenceSessions([...delivered, ...file], store.rules);
              const perUser = (sessions: typeof seen, user: string) =>
                sessions.filter((session) => session.userId === user);
              for (const user of users) {
                const mine = perUser(seen, user);
                expect([perUser(before, user), perUser(after, user)]).toContainEqual(mine);
              }
            }
            await ingest(store, file);
            delivered.push(...file);
          }
          expect(await storedSessions(store, users)).toEqual(referenceSessions(events, store.rules));
          await auditOnce(
            await storedSessions(store, users),
            new Set(events.map((event) => `${event.userId}|${event.id}`)).size,
          );
        },
      ),
      integrationParams(40),
    );
    // 40 runs of up to 3 deliveries, each read back page by page: about 10 s alone, more beside other files.
  }, 120_000);

  it('keeps a large day whole when the same file is delivered several times at once, and later merges work', async () => {
    const store = await freshStore(dynamo.client, {}, { pageLimitBytes: 2_000 });
    const T0 = Date.UTC(2024, 2, 1, 8, 0, 0);
    const events = Array.from({ length: 400 }, (_, index) =>
      record({
        id: `m:big-${index}`,
        timestamp: T0 + index * 20_000,
        userId: 'bot',
        name: `event number ${index} with a longer name`,
      }),
    );
    await Promise.all([1, 2, 3, 4].map(() => ingest(store, events)));
    expect(await storedSessions(store, ['bot'])).toEqual(referenceSessions(events, store.rules));
    const later = record({ id: 'm:later', timestamp: T0 + 400 * 20_000 + 60_000, userId: 'bot' });
    await Promise.all([ingest(store, [later]), ingest(store, events)]);
    expect(await storedSessions(store, ['bot'])).toEqual(referenceSessions([...events, later], store.rules));
    const session = (await storedSessions(store, ['bot']))[0];
    const read = await store.reader.getSession('bot', session?.sessionId ?? '');
    expect(read?.events.map((event) => event.id)).toEqual([...events, later].map((event) => event.id));
  });
});

/** What is stored for `user` on `day`, day pages and chunks alike, committed or not: key, version, transaction. */
async function storedOnDay(store: StoreUnderTest, user: string, day: string) {
  const items = [];
  for (const prefix of ['D#', 'E#']) {
    items.push(
      ...(await store.transport.query({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
        ExpressionAttributeValues: { ':pk': { S: `U#${user}` }, ':day': { S: `${prefix}${day}#` } },
        ProjectionExpression: 'sk, v, t',
        ConsistentRead: true,
      })),
    );
  }
  return items.map((item) => ({ sk: item.sk?.S, v: item.v?.N, t: item.t?.S }));
}

describe('an attempt that loses the race but keeps writing', () => {
  it('is never visible, not even after later commits, and its leftovers are cleared once it can no longer write', async () => {
    const store = await freshStore(dynamo.client);
    const T0 = Date.UTC(2024, 3, 1, 9, 0, 0);
    const first = record({ id: 'm:first', timestamp: T0, userId: 'u' });
    await ingest(store, [first]);

    // The loser reads the head and plans; it writes only once the winner has committed, then dies before its
    // own commit, so it never deletes what it wrote. Its day is in May and every later merge's in April: a
    // merge loads the rest of its own month only, so none meets the loser's items and collects them as
    // garbage; only the head forgetting their version can clear them.
    const planned = pausePoint();
    const client = hookedClient(dynamo.endpoint, async (command, input, send) => {
      if (command === 'BatchWriteItemCommand') await planned.wait();
      if (isHeadCommit(command, input)) throw new Crash();
      return send();
    });
    // Small pages: the loser leaves chunks as well as pages.
    const loser = writerOn(store, client, { pageLimitBytes: 700 });
    const LOST_AT = Date.UTC(2024, 4, 10, 9, 0, 0);
    const lost = Array.from({ length: 20 }, (_, index) =>
      record({
        // UUIDs are stored as their 16 bytes: twenty of them are more than a page holds inline.
        id: `m:00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
        timestamp: LOST_AT + index * 60_000,
        userId: 'u',
      }),
    );
    const dying = loser.mergeUserEvents('u', lost).catch((error) => {
      if (!(error instanceof Crash)) throw error;
    });
    await planned.reached;
    const winner = record({ id: 'm:winner', timestamp: T0 + 86_400_000, userId: 'u' });
    await ingest(store, [winner]);
    planned.release();
    await dying;

    const later = record({ id: 'm:later', timestamp: T0 + 3 * 86_400_000, userId: 'u' });
    await ingest(store, [later]);
    const committed = [first, winner, later];
    expect(await storedSessions(store, ['u'])).toEqual(referenceSessions(committed, store.rules));
    // What the loser left: pages and chunks of the winner's version under another transaction.
    const winning = (await store.writer.readHead('u')).recent.find((commit) => commit.version === 2)?.txn;
    expect(winning).toBeDefined();
    const leftovers = await storedOnDay(store, 'u', '2024-05-10');
    expect(new Set(leftovers.map((item) => item.sk?.slice(0, 2)))).toEqual(new Set(['D#', 'E#']));
    for (const item of leftovers) expect([item.v, item.t === winning]).toEqual(['2', false]);

    // Minutes later the head forgets those versions, clearing what the loser left behind first: kept, the
    // leftovers would count as committed.
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 10 * 60_000);
    try {
      const afterwards = record({ id: 'm:afterwards', timestamp: T0 + 4 * 86_400_000, userId: 'u' });
      await ingest(store, [afterwards]);
      await ingest(store, [record({ id: 'm:next', timestamp: T0 + 5 * 86_400_000, userId: 'u' })]);
      const stored = await storedSessions(store, ['u']);
      expect(stored.map((session) => session.sessionId)).not.toContain('20240510T090000000Z');
      expect(await storedOnDay(store, 'u', '2024-05-10')).toEqual([]);
    } finally {
      clock.mockRestore();
    }
    // Delivered again, the lost events are stored like any other.
    await ingest(store, lost);
    expect((await storedSessions(store, ['u'])).map((session) => session.sessionId)).toContain(
      '20240510T090000000Z',
    );
  });
});
