// Lists over a day of more stored pages than a day's index holds (MAX_INDEXED_PAGES in page-index.ts), over
// DynamoDB Local: such a day is read whole from where a page starts, and a page must never resume where the
// last one did (a client following cursors would go round forever).
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_INDEXED_PAGES } from '../../functions/adapters/dynamodb/page-index.js';
import type { ApiHandler } from '../../functions/api/app.js';
import type { EventRecord } from '../../functions/domain/events/event.js';
import { record } from '../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../helpers/use-local-dynamodb.js';
import { walkList } from './list-walk.js';
import { dayPagesOf } from './store/long-sessions.js';
import { freshStore, ingest, lookupApiOn, type StoreUnderTest } from './store/store-harness.js';

const USER = 'kiosk';
const SESSIONS = 700;
const T0 = Date.UTC(2024, 6, 9, 1, 0, 0);
const MINUTE = 60_000;

const dynamo = useLocalDynamoDb();
let store: StoreUnderTest;
let handler: ApiHandler;

/** Session `s`: one page view two minutes after the last (gap: one minute), its title long and its own. */
function crowdedDay(): EventRecord[] {
  return Array.from({ length: SESSIONS }, (_, s) => {
    const title = Array.from({ length: 80 }, (_, w) => ((s + 1) * 2_654_435_761 * (w + 7)).toString(36)).join(
      ' ',
    );
    return record({
      id: `m:${USER}-${s}`,
      userId: USER,
      timestamp: T0 + s * 2 * MINUTE,
      type: 'page',
      name: 'Article',
      page: { url: `https://example.com/a/${s}`, path: `/a/${s}`, title, referrer: null },
    });
  });
}

beforeAll(async () => {
  store = await freshStore(dynamo.client, { gapMinutes: 1 });
  await ingest(store, crowdedDay());
  handler = lookupApiOn(store);
}, 120_000);

describe(`lists over a day of more than ${MAX_INDEXED_PAGES} pages`, () => {
  it('stores the day as more pages than its index holds', async () => {
    expect((await dayPagesOf(store, USER)).length).toBeGreaterThan(MAX_INDEXED_PAGES);
  });

  it.each([
    [20, 'desc'],
    [50, 'desc'],
    [50, 'asc'],
  ] as const)(
    'lists every session once, in order, at limit=%i, %s',
    async (limit, order) => {
      const { sessions } = await walkList(handler, store.transport, USER, { limit, order });
      const numbers = Array.from({ length: SESSIONS }, (_, s) => s + 1);
      expect(sessions.map((session) => session.sessionNumber)).toEqual(
        order === 'asc' ? numbers : numbers.reverse(),
      );
    },
    // A walk of hundreds of pages, each reading the whole day: 5-15 s on 2 busy cores, 30 s when overloaded.
    120_000,
  );
});
