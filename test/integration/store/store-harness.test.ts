// The store harness's own reads: what the properties compare against the batch must be every stored session
// and every event of it, however many sessions and event pages the user's history holds.
import { describe, expect, it } from 'vitest';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { dayPagesOf, HOUR, sessionEvents } from './long-sessions.js';
import { freshStore, ingest, storedEventsOf, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 4, 1, 1);

describe('storedEventsOf', () => {
  it("reads every session of a user with more than one list page's worth, and every event page of each", async () => {
    const store = await freshStore(dynamo.client, {});
    // 61 sessions an hour apart (gap 30 min): a long first one stored in segments, then 60 of two events.
    const events = sessionEvents('u', [700, ...Array.from({ length: 60 }, () => 2)], {
      start: T0,
      seed: 3,
      stepMs: 100,
      tie: 3,
    });
    await ingest(store, events);
    expect((await dayPagesOf(store, 'u')).some((page) => page.sg !== undefined)).toBe(true);
    expect(await storedSessions(store, ['u'])).toHaveLength(61);
    expect((await storedEventsOf(store, 'u')).map((event) => event.id)).toEqual(
      events.map((event) => event.id),
    );
    const paged = await storedEventsOf(store, 'u', { sessionPageSize: 50, eventPageSize: 13 });
    expect(paged).toEqual(events);
    // A user with nothing stored has no events.
    expect(await storedEventsOf(store, 'nobody')).toEqual([]);
  }, 120_000);

  it('reads the last session of a user whose sessions start an hour apart over days', async () => {
    const store = await freshStore(dynamo.client, {});
    const events = sessionEvents(
      'v',
      Array.from({ length: 75 }, () => 1),
      {
        start: T0,
        seed: 4,
        stepMs: 100,
        tie: 1,
      },
    );
    await ingest(store, events);
    const stored = await storedEventsOf(store, 'v');
    expect(stored.at(-1)?.timestamp).toBe(T0 + 74 * HOUR);
    expect(stored).toEqual(events);
  }, 120_000);
});
