// Read units per list page over DynamoDB Local for a user with a long, sparse history: the benchmark's user
// (bench/generator/, about 2,000 sessions of ~20 events over three years, two sessions a day on average),
// every page walked at the default limit and at the largest the API takes (50), in both orders. Issue #13:
// any page costs at most 5 read units.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../bench/generator/generate.js';
import { LONG_HISTORY } from '../../bench/plan.js';
import type { ApiHandler } from '../../functions/api/app.js';
import { MAX_LIMIT } from '../../functions/api/query-params.js';
import { createBrowserOf } from '../../functions/domain/events/browser.js';
import { acceptedEvent } from '../helpers/normalize-object.js';
import { useLocalDynamoDb } from '../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, send } from '../unit/api/api-event.js';
import { pagesOver, walkList } from './list-walk.js';
import { freshStore, ingest, lookupApiOn, type StoreUnderTest } from './store/store-harness.js';

const MAX_READ_UNITS_PER_PAGE = 5;

const dynamo = useLocalDynamoDb();
let store: StoreUnderTest;
let handler: ApiHandler;
let userId: string;
let sessionCount: number;

const walk = (parameters: Record<string, string | number>) =>
  walkList(handler, store.transport, userId, parameters);

beforeAll(async () => {
  store = await freshStore(dynamo.client);
  // The benchmark's long-history user (bench/exports.ts, longHistoryExport), seed 1.
  const generated = [
    ...generateEvents({
      events: LONG_HISTORY.sessions * 20,
      users: 1,
      days: LONG_HISTORY.days,
      sessionsPerDay: LONG_HISTORY.sessions / LONG_HISTORY.days,
      anonymousShare: 0,
      seed: 1,
    }),
  ];
  // Devices as the ingest function reads them (user agents to browsers): they are part of what is stored.
  const browserOf = createBrowserOf();
  const events = generated.map((event) => acceptedEvent('segment', event, browserOf));
  userId = events[0]?.userId as string;
  await ingest(store, events);
  handler = lookupApiOn(store);
  const summary = await send(handler, gatewayEvent('GET', decodedUserPath(userId)));
  sessionCount = (summary.body as { sessionCount: number }).sessionCount;
}, 120_000);

describe('read units per list page of a long history', () => {
  it('has a history long and sparse enough to measure', () => {
    expect(sessionCount).toBeGreaterThan(1_900);
  });

  it.each([
    [20, 'desc'],
    [20, 'asc'],
    [MAX_LIMIT, 'desc'],
    [MAX_LIMIT, 'asc'],
  ] as const)(
    `reads at most ${MAX_READ_UNITS_PER_PAGE} units on every page at limit=%i, %s`,
    async (limit, order) => {
      const { units, sessions } = await walk({ limit, order });
      const ids = sessions.map((session) => session.sessionId);
      expect(new Set(ids).size).toBe(sessionCount);
      expect(ids).toHaveLength(sessionCount);
      expect(pagesOver(units, MAX_READ_UNITS_PER_PAGE)).toEqual([]);
    },
    60_000,
  );

  it.each([
    ['a filter that matches no session', { campaignSource: 'nowhere' }],
    ['a filter that matches a few', { bounce: 'true' }],
  ] as const)(
    `reads at most ${MAX_READ_UNITS_PER_PAGE} units on every page of %s, finding every match`,
    async (_what, filter) => {
      const all = (await walk({ limit: MAX_LIMIT, order: 'asc' })).sessions;
      const expected = all.filter((session) =>
        'bounce' in filter ? session.bounce : session.campaign?.source === filter.campaignSource,
      );
      for (const limit of [20, MAX_LIMIT]) {
        const { units, sessions } = await walk({ limit, order: 'desc', ...filter });
        expect(sessions.map((session) => session.sessionId)).toEqual(
          expected.map((session) => session.sessionId).reverse(),
        );
        expect(pagesOver(units, MAX_READ_UNITS_PER_PAGE)).toEqual([]);
      }
    },
    120_000,
  );
});
