// Segmented day pages (event-segments.ts) against DynamoDB Local: runs of sessions that share a segmented
// page or are split by the page limit, a read in part while a merge commits and collects, a rebuild over
// segmented days, and the API over runs read in part answering as over whole sessions while merges land.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DynamoDbRebuilder } from '../../../functions/adapters/dynamodb/rebuilder.js';
import { DynamoDbSessionReader } from '../../../functions/adapters/dynamodb/session-reader.js';
import { type Key, Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { createApiHandler } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { compareEvents } from '../../../functions/domain/sessions/order.js';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import type { SessionReader } from '../../../functions/domain/store/ports.js';
import { record } from '../../helpers/event-arbitraries.js';
import { tightestRun } from '../../helpers/fake-session-reader.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, query, send, TEST_SIGNING_KEY } from '../../unit/api/api-event.js';
import { dayPagesOf, expectRunHolds, HOUR, sessionEvents, smallestSegment } from './long-sessions.js';
import { rulesOf } from './rebuild-harness.js';
import { freshStore, ingest, type StoreUnderTest } from './store-harness.js';

const T0 = Date.UTC(2024, 4, 1, 1);

/** Sessions an hour apart (gap 30 min), `sizes[s]` events each, 100 ms apart in ties of three. */
const manySessions = (user: string, sizes: number[], seed: number) =>
  sessionEvents(user, sizes, { start: T0, seed, stepMs: 100, tie: 3 });

const dynamo = useLocalDynamoDb();

async function pagesOf(store: StoreUnderTest, user: string) {
  return (await dayPagesOf(store, user)).map((item) => ({
    sk: item.sk?.S,
    n: Number(item.n?.N),
    ec: item.ec?.N,
    sg: item.sg !== undefined,
  }));
}

async function checkRuns(store: StoreUnderTest, user: string, events: EventRecord[], starts: number[]) {
  const pages = await pagesOf(store, user);
  expect(pages.some((page) => page.sg)).toBe(true);
  const bySession = starts.map((start, index) =>
    events.filter((event) => event.timestamp >= start && event.timestamp < (starts[index + 1] ?? Infinity)),
  );
  for (const [index, start] of starts.entries()) {
    const whole = await store.reader.getSession(user, sessionIdFor(start));
    expect(whole?.events).toEqual(bySession[index]);
  }
  const cutAfter = await smallestSegment(store, user);
  const wanted = fc.record({
    session: fc.integer({ min: 0, max: starts.length - 1 }),
    fromIndex: fc.integer({ min: 0, max: 700 }),
    afterSteps: fc.option(fc.integer({ min: -2, max: 220 }), { nil: undefined }),
    count: fc.integer({ min: 1, max: 300 }),
  });
  await fc.assert(
    fc.asyncProperty(wanted, async ({ session, fromIndex, afterSteps, count }) => {
      const start = starts[session] as number;
      const own = bySession[session] as EventRecord[];
      const asked = {
        fromIndex,
        afterTime: afterSteps === undefined ? undefined : start + afterSteps * 100,
        count,
      };
      const found = await store.reader.getSession(user, sessionIdFor(start), asked);
      expectRunHolds(found, own, asked, cutAfter);
    }),
    integrationParams(200),
  );
}

describe('several sessions on one segmented page', () => {
  it('answers runs that hold what was asked for every session of the page', async () => {
    const store = await freshStore(dynamo.client, {});
    const events = manySessions('u', [600, 600, 600, 600, 600, 600], 1);
    await ingest(store, events);
    const starts = Array.from({ length: 6 }, (_, s) => T0 + s * HOUR);
    expect((await pagesOf(store, 'u')).some((page) => page.sg && page.n > 1)).toBe(true);
    await checkRuns(store, 'u', events, starts);
  }, 120_000);

  it('answers runs for sessions of pages split by the page limit', async () => {
    const store = await freshStore(dynamo.client, {}, { pageLimitBytes: 12_000 });
    const events = manySessions('v', [600, 50, 50, 900, 30, 400, 20, 20], 2);
    await ingest(store, events);
    const starts = Array.from({ length: 8 }, (_, s) => T0 + s * HOUR);
    expect((await pagesOf(store, 'v')).length).toBeGreaterThan(1);
    await checkRuns(store, 'v', events, starts);
  }, 120_000);
});

/** A transport that runs `meanwhile` once, before its first read of segments reaches the table. */
class RacingTransport extends Transport {
  meanwhile: (() => Promise<void>) | undefined;
  override async batchGet(keys: readonly Key[], consistent = true) {
    const run = this.meanwhile;
    this.meanwhile = undefined;
    if (run !== undefined) await run();
    return super.batchGet(keys, consistent);
  }
}

describe('a read in part while a merge commits and collects', () => {
  it('reads again under the new head and answers the session as it is now', async () => {
    const store = await freshStore(dynamo.client, {});
    const events = manySessions('r', [3_000], 4);
    await ingest(store, events);
    expect((await pagesOf(store, 'r')).some((page) => page.sg)).toBe(true);
    const transport = new RacingTransport({
      client: dynamo.client,
      tableName: store.tableName,
      baseDelayMs: 2,
    });
    const reader = new DynamoDbSessionReader(transport);
    const late = manySessions('r', [3_000], 5).filter((_, index) => index % 300 === 7);
    transport.meanwhile = async () => {
      await ingest(store, late);
    };
    const asked = { fromIndex: 1_000, afterTime: (events[999] as EventRecord).timestamp, count: 200 };
    const found = await reader.getSession('r', sessionIdFor(T0), asked);
    const now = [...events, ...late].sort(compareEvents);
    expect(found?.session.eventCount).toBe(now.length);
    const firstIndex = found?.firstIndex ?? -1;
    expect(found?.events).toEqual(now.slice(firstIndex, firstIndex + (found?.events.length ?? 0)));
    const [from, to] = tightestRun(now, asked);
    expect(firstIndex).toBeLessThanOrEqual(from);
    expect(firstIndex + (found?.events.length ?? 0)).toBeGreaterThanOrEqual(to);
    // The superseded version's segments are gone.
    const chunks = await store.transport.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': { S: 'U#r' }, ':e': { S: 'E#' } },
    });
    const pages = await pagesOf(store, 'r');
    expect(pages).toHaveLength(1);
    expect(chunks).toHaveLength(Number(pages[0]?.ec));
  }, 120_000);
});

describe('a rebuild over segmented days', () => {
  it('recuts them, collects every superseded segment, and reads the new sessions in part', async () => {
    const store = await freshStore(dynamo.client, {});
    const events = manySessions('b', [1_500, 1_500, 1_500], 6);
    await ingest(store, events);
    const before = await pagesOf(store, 'b');
    expect(before.some((page) => page.sg && page.n > 1)).toBe(true);
    // Under a 90-minute gap the three sessions are one.
    const rebuilder = new DynamoDbRebuilder({
      transport: store.transport,
      rules: rulesOf({ gapMinutes: 90 }),
    });
    expect((await rebuilder.rebuildUser('b', { sourceStitches: false })).status).toBe('rebuilt');
    const pages = await pagesOf(store, 'b');
    expect(pages.map((page) => page.n)).toEqual([1]);
    const chunks = await store.transport.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': { S: 'U#b' }, ':e': { S: 'E#' } },
    });
    expect(chunks).toHaveLength(Number(pages[0]?.ec));
    await checkRuns(store, 'b', events, [T0]);
  }, 120_000);
});

describe('the API over runs read in part, against the same API over whole sessions', () => {
  it('answers every page alike while merges add late events and earlier copies', async () => {
    const store = await freshStore(dynamo.client, {});
    const sizes = [900, 2_500, 700];
    const events = manySessions('w', sizes, 7);
    await ingest(store, events);
    expect((await pagesOf(store, 'w')).some((page) => page.sg && page.n > 1)).toBe(true);
    const whole: SessionReader = {
      listSessions: (q) => store.reader.listSessions(q),
      getUserSummary: (id) => store.reader.getUserSummary(id),
      getSession: (id, sessionId) => store.reader.getSession(id, sessionId),
    };
    const config = { cursorSigningKey: TEST_SIGNING_KEY, corsAllowedOrigins: [], pathsDecoded: true };
    const part = createApiHandler({ reader: store.reader, config, logger: { error: vi.fn() } });
    const full = createApiHandler({ reader: whole, config, logger: { error: vi.fn() } });
    const path = decodedUserPath('w', 'sessions', sessionIdFor(T0 + HOUR));
    const second = events.filter((e) => e.timestamp >= T0 + HOUR && e.timestamp < T0 + 2 * HOUR);
    let cursor: string | undefined;
    const seen: string[] = [];
    for (let page = 0; page < 200; page++) {
      const request = gatewayEvent('GET', path, { query: query({ limit: 97, cursor }) });
      const a = await send(part, request);
      const b = await send(full, request);
      expect(a.status).toBe(200);
      expect(a.body).toEqual(b.body);
      const body = a.body as { events: { id: string }[]; nextCursor: string | null };
      seen.push(...body.events.map((event) => event.id));
      if (body.nextCursor === null) break;
      cursor = body.nextCursor;
      if (page % 4 === 1) {
        // Late events around the walk, and copies of events yet to show, some earlier, some at their time.
        const at = Math.min(second.length - 1, seen.length + 30 * (page % 3));
        const next = second[at] as EventRecord;
        const later = second[Math.min(second.length - 1, at + 150)] as EventRecord;
        await ingest(store, [
          record({ id: `m:late-${page}-a`, userId: 'w', timestamp: next.timestamp, name: 'Late' }),
          record({ id: `m:late-${page}-b`, userId: 'w', timestamp: (second[5] as EventRecord).timestamp }),
          { ...later, timestamp: later.timestamp - 250, name: 'Earlier copy' },
          { ...next, name: 'Same-time copy' },
        ]);
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
  }, 240_000);
});
