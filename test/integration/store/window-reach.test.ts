// Merges that load only a window around their new events (past WHOLE_PARTITION_EVENTS): what they write
// must be what they loaded, and the head's totals what the pages show (rule 6, the API's numbers 1..N).
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { freshStore, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

/** The stored sessions are the batch's over `events`, numbered 1..N, and the summary counts them. */
async function expectBatch(store: StoreUnderTest, user: string, events: readonly EventRecord[]) {
  const sessions = await storedSessions(store, [user]);
  expect(sessions).toEqual(referenceSessions(events, store.rules));
  expect(sessions.map((session) => session.sessionNumber)).toEqual(sessions.map((_, index) => index + 1));
  expect((await store.reader.getUserSummary(user))?.sessionCount).toBe(sessions.length);
}

describe('a windowed merge', () => {
  // Every 20 minutes from 22:00 on January 31 to 00:20 on February 1, under a cap of 60 minutes: split at
  // 23:20, whose session [23:20, 00:20] is stored on January 31; a visit at 05:00 on February `visitDay`.
  // A late event at 21:50 moves the chain's start: it splits at 23:00 and at 00:20, on February 1.
  it.each([
    ['the day the split lands on', 1],
    ['a later day of that month (renumbered)', 3],
  ])(
    'loads the month a capped session ends in when a late event moves its split there: %s',
    async (_, visitDay) => {
      const store = await freshStore(dynamo.client, { maxSessionMinutes: 60 });
      const start = Date.UTC(2024, 0, 31, 22, 0);
      const events = Array.from({ length: 8 }, (_, k) =>
        record({ id: `m:${k}`, timestamp: start + k * 20 * MINUTE, userId: 'u' }),
      );
      events.push(record({ id: 'm:visit', timestamp: Date.UTC(2024, 1, visitDay, 5, 0), userId: 'u' }));
      await store.writer.mergeUserEvents('u', events);
      const late = record({ id: 'm:late', timestamp: start - 10 * MINUTE, userId: 'u' });
      await store.writer.mergeUserEvents('u', [late]);
      await expectBatch(store, 'u', [...events, late]);
    },
    60_000,
  );

  it('loads the month a capped session ends in when a late event first splits it', async () => {
    const store = await freshStore(dynamo.client, { maxSessionMinutes: 60 });
    // One session [23:10, 00:10] across the month end, within the cap; a visit on February 1.
    const events = [
      record({ id: 'm:1', timestamp: Date.UTC(2024, 0, 31, 23, 10), userId: 'u' }),
      record({ id: 'm:2', timestamp: Date.UTC(2024, 0, 31, 23, 40), userId: 'u' }),
      record({ id: 'm:3', timestamp: Date.UTC(2024, 1, 1, 0, 10), userId: 'u' }),
      record({ id: 'm:visit', timestamp: Date.UTC(2024, 1, 1, 5, 0), userId: 'u' }),
    ];
    await store.writer.mergeUserEvents('u', events);
    // At 23:00 it starts the session, which the cap now splits at 00:10.
    const late = record({ id: 'm:late', timestamp: Date.UTC(2024, 0, 31, 23, 0), userId: 'u' });
    await store.writer.mergeUserEvents('u', [late]);
    await expectBatch(store, 'u', [...events, late]);
  }, 60_000);

  // A copy sent again 50 minutes before the stored one (more than a gap apart) still meets it when the stored
  // one's day is loaded: rule 3 keeps the earlier, and the session the stored copy started now starts at its
  // next event, on February 1, a day the window around the new copy did not load (nor its month).
  it('loads the days a stored copy it displaces reaches, past the month end', async () => {
    const store = await freshStore(dynamo.client);
    const events = [
      record({ id: 'm:again', timestamp: Date.UTC(2024, 0, 31, 23, 50), userId: 'u' }),
      record({ id: 'm:next', timestamp: Date.UTC(2024, 1, 1, 0, 10), userId: 'u' }),
      record({ id: 'm:visit', timestamp: Date.UTC(2024, 1, 1, 5, 0), userId: 'u' }),
      record({ id: 'm:later', timestamp: Date.UTC(2024, 1, 3, 5, 0), userId: 'u' }),
    ];
    await store.writer.mergeUserEvents('u', events);
    const again = record({ id: 'm:again', timestamp: Date.UTC(2024, 0, 31, 23, 0), userId: 'u' });
    await store.writer.mergeUserEvents('u', [again]);
    await expectBatch(store, 'u', [...events, again]);
  }, 60_000);
});
