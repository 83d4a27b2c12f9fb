// The session list walked by cursor over DynamoDB Local while merges land between its pages, committed or
// cut short by a crash (which leaves a write's pages behind that no reader may show): docs/api.md promises
// that a cursor names a position, so it stays valid while sessions are added, extended, joined and moved.
// Every session whose start stays a session's start from before the walk to its end shows exactly once, in
// order; no start shows twice. A session joined into the one before it, or whose start a late event moved,
// is not one of them: it may show again as the session it became (docs/api.md, Paging).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { record } from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, query, send } from '../../unit/api/api-event.js';
import { Crash, crashingClient } from './crashing-client.js';
import {
  freshStore,
  ingest,
  lookupApiOn,
  type StoreUnderTest,
  storedSessions,
  writerOn,
} from './store-harness.js';

const dynamo = useLocalDynamoDb();
const USER = 'walker';
const T0 = Date.UTC(2024, 0, 1);
/** Sessions start on slots 70 minutes apart, some 20 a day; one event between two slots is a session of its own. */
const SLOT_MS = 70 * 60_000;
const SLOTS = 300;
/** Fewer than a dozen sessions a stored page, so a day is several pages. */
const PAGE_LIMIT_BYTES = 1500;

const slotStart = (slot: number) => T0 + slot * SLOT_MS;

function eventAt(id: string, timestamp: number): EventRecord {
  return record({ id: `m:${id}`, userId: USER, timestamp, type: 'track', name: 'Clicked' });
}

/**
 * What lands between two pages, by a slot: an event a minute into its session (which moves no start), a
 * session between it and the next, an event 10 minutes before it (which moves its session's start), or two
 * events 25 and 50 minutes into it (which join its session with the next one's).
 */
const landing = fc.tuple(
  fc.integer({ min: 0, max: SLOTS - 1 }),
  fc.constantFrom('extend' as const, 'between' as const, 'before' as const, 'join' as const),
);

function landed(slot: number, kind: 'extend' | 'between' | 'before' | 'join', id: string): EventRecord[] {
  const start = slotStart(slot);
  switch (kind) {
    case 'extend':
      return [eventAt(id, start + 60_000)];
    case 'between':
      return [eventAt(id, start + SLOT_MS / 2)];
    case 'before':
      return [eventAt(id, start - 10 * 60_000)];
    case 'join':
      return [eventAt(`${id}a`, start + 25 * 60_000), eventAt(`${id}b`, start + 50 * 60_000)];
  }
}

async function page(handler: ApiHandler, parameters: Record<string, string | number | undefined>) {
  const result = await send(
    handler,
    gatewayEvent('GET', decodedUserPath(USER, 'sessions'), { query: query(parameters) }),
  );
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body as { sessions: { startedAt: string }[]; nextCursor: string | null };
}

/** Merges `events` as an ingest does, or as one that dies after `crashAfter` writes. */
async function land(store: StoreUnderTest, events: EventRecord[], crashAfter: number | null) {
  if (crashAfter === null) return ingest(store, events);
  const client = crashingClient(dynamo.endpoint, crashAfter);
  const writer = writerOn(store, client, { pageLimitBytes: PAGE_LIMIT_BYTES });
  await ingest({ ...store, writer }, events).catch((error: unknown) => {
    if (!(error instanceof Crash)) throw error;
  });
  client.destroy();
}

describe('a walk of the session list while merges land between its pages', () => {
  it('shows each session stored before it once, in order, whatever commits or crashes meanwhile', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: SLOTS - 1 }), {
          minLength: 40,
          maxLength: 200,
          size: 'max',
        }),
        fc.constantFrom('asc' as const, 'desc' as const),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 8 }),
        fc.array(
          fc.record({
            events: fc.array(landing, { minLength: 1, maxLength: 8, size: 'max' }),
            crashAfter: fc.option(fc.integer({ min: 0, max: 20 })),
          }),
          { minLength: 1, maxLength: 12, size: 'max' },
        ),
        async (slots, order, limits, merges) => {
          const store = await freshStore(dynamo.client, {}, { pageLimitBytes: PAGE_LIMIT_BYTES });
          await ingest(
            store,
            slots.map((slot) => eventAt(`s${slot}`, slotStart(slot))),
          );
          const handler = lookupApiOn(store);
          const shown: number[] = [];
          let cursor: string | undefined;
          for (let pages = 0; ; pages++) {
            expect(pages, 'a walk longer than the sessions').toBeLessThan(2 * SLOTS);
            const body = await page(handler, { order, limit: limits[pages % limits.length], cursor });
            shown.push(...body.sessions.map((session) => Date.parse(session.startedAt)));
            if (body.nextCursor === null) break;
            cursor = body.nextCursor;
            const merge = merges[pages % merges.length] ?? { events: [], crashAfter: null };
            const events = merge.events.flatMap(([slot, kind], index) =>
              landed(slot, kind, `${kind}${pages}-${index}`),
            );
            await land(store, events, merge.crashAfter);
          }
          // Starts are only ever joined away, never given back: one that is a start now was one throughout.
          const startsNow = new Set(
            (await storedSessions(store, [USER])).map((session) => session.startedAt),
          );
          const throughout = slots.map(slotStart).filter((start) => startsNow.has(start));
          expect(new Set(shown).size, 'a session shown twice').toBe(shown.length);
          const sorted = [...shown].sort((a, b) => (order === 'asc' ? a - b : b - a));
          expect(shown, 'sessions out of order').toEqual(sorted);
          const missing = throughout.filter((start) => !shown.includes(start));
          expect(
            missing.map((start) => new Date(start).toISOString()),
            'sessions never shown',
          ).toEqual([]);
        },
      ),
      integrationParams(25),
    );
  }, 300_000);
});
