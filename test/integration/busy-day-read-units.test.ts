// Read units of lookups on a busy day over DynamoDB Local: a bot whose rules (a one-minute gap) cut 600
// sessions in one day. Issue #13: any page costs at most 5 read units, however many sessions a day holds;
// a day's session rows take several pages (day-codec.ts) and a session read finds its own from the last.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionReader } from '../../functions/adapters/dynamodb/session-reader.js';
import { type Item, type Key, Transport } from '../../functions/adapters/dynamodb/transport.js';
import type { ApiHandler } from '../../functions/api/app.js';
import type { EventRecord } from '../../functions/domain/events/event.js';
import { formatTimestamp } from '../../functions/domain/rules/timestamp.js';
import { sessionIdFor } from '../../functions/domain/sessions/session.js';
import { record } from '../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, send } from '../unit/api/api-event.js';
import { pagesOver, walkList } from './list-walk.js';
import { dayPagesOf } from './store/long-sessions.js';
import { freshStore, ingest, lookupApiOn, type StoreUnderTest } from './store/store-harness.js';

const MAX_READ_UNITS_PER_PAGE = 5;
const USER = 'bot-42';
const SESSIONS = 600;
const T0 = Date.UTC(2024, 4, 6, 1, 0, 0);
const MINUTE = 60_000;

const dynamo = useLocalDynamoDb();
let store: StoreUnderTest;
let handler: ApiHandler;

/**
 * Session `s`: two page views 30 s apart, two minutes after the last session's start (gap: one minute), from
 * `from` on.
 */
function busyDay(user = USER, from = T0, sessions = SESSIONS): EventRecord[] {
  return Array.from({ length: sessions }, (_, s) =>
    [0, 30_000].map((offset, e) => {
      const path = `/articles/${((s + 1) * 2_654_435_761 + e * 40_503).toString(36)}`;
      return record({
        id: `m:${user}-${from}-${s}-${e}`,
        userId: user,
        timestamp: from + s * 2 * MINUTE + offset,
        type: 'page',
        name: `Article ${s}.${e}`,
        page: {
          url: `https://example.com${path}?ref=${s}`,
          path,
          title: `Article ${s}.${e}`,
          referrer: null,
        },
      });
    }),
  ).flat();
}

async function readUnitsOf<T>(call: () => Promise<T>): Promise<{ result: T; units: number }> {
  const before = store.transport.usage.readUnits;
  const result = await call();
  return { result, units: store.transport.usage.readUnits - before };
}

beforeAll(async () => {
  store = await freshStore(dynamo.client, { gapMinutes: 1 });
  await ingest(store, busyDay());
  handler = lookupApiOn(store);
}, 120_000);

describe('lookups on a day of 600 sessions', () => {
  it('stores the day as several pages', async () => {
    const summary = await send(handler, gatewayEvent('GET', decodedUserPath(USER)));
    expect(summary.body).toMatchObject({ sessionCount: SESSIONS });
  });

  it(`reads at most ${MAX_READ_UNITS_PER_PAGE} units for any session of the day, and finds it`, async () => {
    const over: { session: number; units: number }[] = [];
    for (let s = 0; s < SESSIONS; s += 23) {
      const startedAt = T0 + s * 2 * MINUTE;
      const sessionId = sessionIdFor(startedAt);
      const { result, units } = await readUnitsOf(() =>
        send(handler, gatewayEvent('GET', `${decodedUserPath(USER)}/sessions/${sessionId}`)),
      );
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({
        sessionId,
        sessionNumber: s + 1,
        startedAt: formatTimestamp(startedAt),
        endedAt: formatTimestamp(startedAt + 30_000),
        eventCount: 2,
        events: [{ name: `Article ${s}.0` }, { name: `Article ${s}.1` }],
        nextCursor: null,
      });
      if (units > MAX_READ_UNITS_PER_PAGE) over.push({ session: s, units });
    }
    expect(over).toEqual([]);
  });

  it.each([
    [20, 'desc'],
    [20, 'asc'],
    [50, 'desc'],
    [50, 'asc'],
  ] as const)(
    `lists every session, at most ${MAX_READ_UNITS_PER_PAGE} units a page, at limit=%i, %s`,
    async (limit, order) => {
      const { units, sessions } = await walkList(handler, store.transport, USER, { limit, order });
      const numbers = Array.from({ length: SESSIONS }, (_, s) => s + 1);
      expect(sessions.map((session) => session.sessionNumber)).toEqual(
        order === 'asc' ? numbers : numbers.reverse(),
      );
      expect(pagesOver(units, MAX_READ_UNITS_PER_PAGE)).toEqual([]);
    },
  );

  it('lists a day’s sessions from within it (from and to), at most as many units a page', async () => {
    const from = new Date(T0 + 301 * 2 * MINUTE).toISOString();
    const to = new Date(T0 + 420 * 2 * MINUTE).toISOString();
    for (const order of ['asc', 'desc'] as const) {
      const { units, sessions } = await walkList(handler, store.transport, USER, {
        limit: 20,
        order,
        from,
        to,
      });
      const numbers = Array.from({ length: 120 }, (_, s) => 302 + s);
      expect(sessions.map((session) => session.sessionNumber)).toEqual(
        order === 'asc' ? numbers : numbers.reverse(),
      );
      expect(pagesOver(units, MAX_READ_UNITS_PER_PAGE)).toEqual([]);
    }
  });

  it('answers 404 for a session id of that day that starts no session, within the same units', async () => {
    const sessionId = sessionIdFor(T0 + 7 * MINUTE);
    const { result, units } = await readUnitsOf(() =>
      send(handler, gatewayEvent('GET', `${decodedUserPath(USER)}/sessions/${sessionId}`)),
    );
    expect(result.status).toBe(404);
    expect(units).toBeLessThanOrEqual(MAX_READ_UNITS_PER_PAGE);
  });
});

describe('a history of quiet days around one busy day', () => {
  // The head says the user has a day of several pages, so a page's requests read no more items than it has
  // units left: a page that reads into the busy day from the quiet ones stays within them too.
  it(`lists every session, at most ${MAX_READ_UNITS_PER_PAGE} units a page, in either order`, async () => {
    const user = 'mostly-quiet';
    const own = await freshStore(dynamo.client, { gapMinutes: 1 });
    const DAY = 24 * 60 * MINUTE;
    // Two sessions a day for sixty days, the busy day in the middle of them.
    const quiet = Array.from({ length: 60 }, (_, d) =>
      busyDay(user, T0 - 30 * DAY + d * DAY + 9 * 60 * MINUTE, 2),
    )
      .flat()
      .filter((event) => event.timestamp < T0 || event.timestamp >= T0 + DAY);
    await ingest(own, [...quiet, ...busyDay(user)]);
    const ownHandler = lookupApiOn(own);
    const total = SESSIONS + quiet.length / 2;
    for (const order of ['asc', 'desc'] as const)
      for (const limit of [20, 50]) {
        const { units, sessions } = await walkList(ownHandler, own.transport, user, { limit, order });
        const numbers = Array.from({ length: total }, (_, s) => s + 1);
        expect(sessions.map((session) => session.sessionNumber)).toEqual(
          order === 'asc' ? numbers : numbers.reverse(),
        );
        expect(pagesOver(units, MAX_READ_UNITS_PER_PAGE)).toEqual([]);
      }
  }, 120_000);
});

/** A transport that runs `meanwhile` once, before its first single-item read of a day page. */
class RacingTransport extends Transport {
  meanwhile: (() => Promise<void>) | undefined;
  override async get(key: Key, consistent = true): Promise<Item | undefined> {
    const run = key.sk.S.startsWith('D#') ? this.meanwhile : undefined;
    if (run !== undefined) {
      this.meanwhile = undefined;
      await run();
    }
    return super.get(key, consistent);
  }
}

describe('a session read on a busy day, when the day’s newest item is not the whole story', () => {
  const startOf = (s: number) => T0 + s * 2 * MINUTE;

  it('reads again when a merge replaces the day between the last page and the session’s own', async () => {
    const own = await freshStore(dynamo.client, { gapMinutes: 1 });
    await ingest(own, busyDay());
    const transport = new RacingTransport({
      client: dynamo.client,
      tableName: own.tableName,
      baseDelayMs: 2,
    });
    // A late event joins sessions 10 and 11 (one minute from each), so the day is written again.
    const late = record({ id: 'm:late', userId: USER, timestamp: startOf(10) + 75_000 });
    transport.meanwhile = () => ingest(own, [late]);
    const found = await new DynamoDbSessionReader(transport).getSession(USER, sessionIdFor(startOf(10)));
    expect(found?.session).toMatchObject({ sessionNumber: 11, eventCount: 5, endedAt: startOf(11) + 30_000 });
    expect(transport.meanwhile).toBeUndefined();
  }, 120_000);

  it('reads the whole day when its newest write is not committed yet, or names no page index', async () => {
    const own = await freshStore(dynamo.client, { gapMinutes: 1 });
    await ingest(own, busyDay());
    const pages = await dayPagesOf(own, USER);
    const last = pages.at(-1) as Item;
    expect(last.pi).toBeDefined();
    const expectSession = async (s: number) =>
      expect((await own.reader.getSession(USER, sessionIdFor(startOf(s))))?.session).toMatchObject({
        sessionNumber: s + 1,
        eventCount: 2,
      });
    // A day written before pages were indexed.
    const { pi: _index, ...unindexed } = last;
    await own.transport.put(unindexed);
    await expectSession(5);
    await own.transport.put(last);
    // A merge's page written above the head's version: pending, so the day is read whole and the head's
    // version of it answered.
    const version = Number(last.v?.N) + 1;
    const token = `${version.toString(36).padStart(10, '0')}pending`;
    await own.transport.put({
      ...last,
      sk: { S: (last.sk?.S ?? '').replace(/#[^#]+#(\d+)$/, `#${token}#$1`) },
      v: { N: String(version) },
      t: { S: 'pending' },
    });
    await expectSession(5);
    await expectSession(SESSIONS - 1);
  }, 120_000);
});
