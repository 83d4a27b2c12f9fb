// A long session (a bot's, under rules without a length cap) over DynamoDB Local: its events are stored in
// segments, and a page of its timeline reads the segments it shows, not the whole day (issue #13: an API page
// costs a few read units whatever the history).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, query, send } from '../../unit/api/api-event.js';
import { expectRunHolds, sessionEvents, smallestSegment } from './long-sessions.js';
import { freshStore, ingest, lookupApiOn, type StoreUnderTest } from './store-harness.js';

const T0 = Date.UTC(2024, 4, 1, 8);
const SESSION_ID = sessionIdFor(T0);

/** `count` events of one session, three to a second, as a bot sends them. */
const botEvents = (user: string, count: number, seed: number) =>
  sessionEvents(user, [count], { start: T0, seed, stepMs: 1_000, tie: 3 });

const dynamo = useLocalDynamoDb();

describe('a long session read in part', () => {
  let store: StoreUnderTest;
  let events: EventRecord[];

  beforeAll(async () => {
    // Segments of at most 2,000 bytes (the page limit bounds them), so a short test has many.
    store = await freshStore(dynamo.client, {}, { pageLimitBytes: 2_000 });
    events = botEvents('bot', 3_000, 1);
    await ingest(store, events);
  }, 120_000);

  it('answers every request with a run of the session that holds what was asked', async () => {
    const whole = await store.reader.getSession('bot', SESSION_ID);
    expect(whole?.events).toEqual(events);
    const wanted = fc.record({
      fromIndex: fc.integer({ min: 0, max: 3_100 }),
      afterTime: fc.option(
        fc.integer({ min: -2, max: 1_002 }).map((second) => T0 + second * 1_000),
        { nil: undefined },
      ),
      count: fc.integer({ min: 1, max: 1_000 }),
    });
    const cutAfter = await smallestSegment(store, 'bot');
    const units: number[] = [];
    await fc.assert(
      fc.asyncProperty(wanted, async (asked) => {
        const before = store.transport.usage.readUnits;
        const found = await store.reader.getSession('bot', SESSION_ID, asked);
        units.push(store.transport.usage.readUnits - before);
        expectRunHolds(found, events, asked, cutAfter);
      }),
      integrationParams(60),
    );
    // The head, the day's page and at most three segments, however many events were asked for.
    expect(Math.max(...units)).toBeLessThanOrEqual(5);
  }, 120_000);

  it('reads the events of a run from its segments, not the whole day', async () => {
    const before = store.transport.usage.readUnits;
    await store.reader.getSession('bot', SESSION_ID);
    const whole = store.transport.usage.readUnits - before;
    const afterWhole = store.transport.usage.readUnits;
    await store.reader.getSession('bot', SESSION_ID, { fromIndex: 1_500, count: 100 });
    const part = store.transport.usage.readUnits - afterWhole;
    // The head, the day's page with its index, and one or two segments of a dozen.
    expect(part).toBeLessThanOrEqual(5);
    expect(whole).toBeGreaterThan(2 * part);
  }, 60_000);
});

describe('a long session with thousands of events at one instant', () => {
  it('reads past three segments to the page’s start, and holds every event of the cursor’s time', async () => {
    const store = await freshStore(dynamo.client);
    // Three instants of 4,000 events each: every tie spans a dozen segments.
    const events = sessionEvents('tie', [12_000], { start: T0, seed: 4, stepMs: 1_000, tie: 4_000 });
    await ingest(store, events);
    expect(await smallestSegment(store, 'tie')).toBeLessThan(1_000);
    for (const asked of [
      { fromIndex: 0, afterTime: T0, count: 50 },
      { fromIndex: 3_990, afterTime: T0 + 1_000, count: 1_000 },
      { fromIndex: 11_000, afterTime: T0 + 2_000, count: 10 },
    ]) {
      // Its three segments spent before the start showed, the page holds at least its first event.
      expectRunHolds(await store.reader.getSession('tie', SESSION_ID, asked), events, asked, 1);
    }
  }, 120_000);
});

describe('the timeline of a long session through the API', () => {
  let store: StoreUnderTest;
  let handler: ApiHandler;
  let events: EventRecord[];

  beforeAll(async () => {
    store = await freshStore(dynamo.client);
    events = botEvents('bot', 40_000, 2);
    await ingest(store, events);
    handler = lookupApiOn(store);
  }, 240_000);

  it('pages through every event, each page reading at most three segments, while late events arrive', async () => {
    const path = decodedUserPath('bot', 'sessions', SESSION_ID);
    const seen: string[] = [];
    const units: number[] = [];
    const late = botEvents('bot', 40_000, 3).filter((_, index) => index % 4_000 === 1_999);
    let cursor: string | undefined;
    for (let page = 0; ; page++) {
      const before = store.transport.usage.readUnits;
      const result = await send(
        handler,
        gatewayEvent('GET', path, { query: query({ limit: 1_000, cursor }) }),
      );
      units.push(store.transport.usage.readUnits - before);
      expect(result.status).toBe(200);
      const body = result.body as { events: { id: string }[]; nextCursor: string | null };
      seen.push(...body.events.map((event) => event.id));
      if (body.nextCursor === null) break;
      cursor = body.nextCursor;
      // Late events land before and after where the walk is: those after it show up, once each.
      if (page === 10) await ingest(store, late);
    }
    const stored = await store.reader.getSession('bot', SESSION_ID);
    const shown = new Set(seen);
    expect(seen).toHaveLength(shown.size);
    expect(events.filter((event) => !shown.has(event.id))).toEqual([]);
    const storedIds = new Set(stored?.events.map((event) => event.id));
    expect(seen.filter((id) => !storedIds.has(id))).toEqual([]);
    expect(late.filter((event) => shown.has(event.id)).length).toBeGreaterThan(0);
    // The whole day is hundreds of units; a page reads the head, the day's page and at most three segments
    // of about 7 KB, ending early where a thousand events (random UUIDs) take more.
    expect(Math.max(...units)).toBeLessThanOrEqual(5);
    const wholeBefore = store.transport.usage.readUnits;
    await store.reader.getSession('bot', SESSION_ID);
    expect(store.transport.usage.readUnits - wholeBefore).toBeGreaterThan(5 * Math.max(...units));
  }, 240_000);
});
