// One session's events walked by cursor over DynamoDB Local while merges land between its pages: late events
// before the walk's place, at its very instant (ties sorted by id on both sides of the marked event), after
// it and past the session's end, enough of them to take a small session stored in its day item to stored
// segments mid-walk. docs/api.md promises each page goes on after the event the previous one ended on: every
// event stored before the walk shows exactly once, in session order, and so does every late event that lands
// after the walk's place.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import { record } from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, query, send } from '../../unit/api/api-event.js';
import { freshStore, ingest, lookupApiOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();
const USER = 'reader';
const T0 = Date.UTC(2024, 4, 1, 8);
const SESSION_ID = sessionIdFor(T0);
const STEP_MS = 10_000;

const eventAt = (id: string, timestamp: number): EventRecord =>
  record({ id: `m:${id}`, userId: USER, timestamp, type: 'track', name: `Clicked ${id}` });

interface Shown {
  id: string;
  timestamp: string;
}

async function page(handler: ApiHandler, limit: number, cursor: string | undefined) {
  const result = await send(
    handler,
    gatewayEvent('GET', decodedUserPath(USER, 'sessions', SESSION_ID), { query: query({ limit, cursor }) }),
  );
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body as { events: Shown[]; nextCursor: string | null };
}

/** Session order: by time, ties by event id. */
const sessionOrder = (a: Shown, b: Shown) =>
  Date.parse(a.timestamp) - Date.parse(b.timestamp) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Where late events land, from the last event shown: before it, at its instant, after it, or in a crowd. */
const landing = fc.record({
  where: fc.constantFrom('before' as const, 'tie' as const, 'after' as const, 'crowd' as const),
  offset: fc.integer({ min: 1, max: 40 }),
});

describe("a walk of one session's events while merges land between its pages", () => {
  it('shows each event stored before it once, in order, and each that lands after its place', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5, max: 60 }),
        fc.array(fc.integer({ min: 5, max: 200 }), { minLength: 1, maxLength: 4 }),
        fc.array(landing, { minLength: 1, maxLength: 6 }),
        async (count, limits, landings) => {
          const store = await freshStore(dynamo.client);
          const stored = Array.from({ length: count }, (_, index) =>
            eventAt(`e${String(index).padStart(3, '0')}`, T0 + index * STEP_MS),
          );
          await ingest(store, stored);
          const handler = lookupApiOn(store);
          const shown: Shown[] = [];
          /** Late events that landed after the last event shown when they landed. */
          const ahead = new Set<string>();
          let cursor: string | undefined;
          for (let pages = 0; ; pages++) {
            expect(pages, 'a walk longer than the events').toBeLessThan(2_000);
            const body = await page(handler, limits[pages % limits.length] as number, cursor);
            shown.push(...body.events);
            if (body.nextCursor === null) break;
            cursor = body.nextCursor;
            const last = shown.at(-1) as Shown;
            const at = Date.parse(last.timestamp);
            // One landing a page for the first pages only, so that the walk reaches the end.
            const landed = landings[pages];
            if (landed === undefined) continue;
            const { where, offset } = landed;
            const late: EventRecord[] = [];
            if (where === 'before') late.push(eventAt(`b${pages}`, Math.max(T0 + 1, at - offset * 1_000)));
            if (where === 'after') late.push(eventAt(`a${pages}`, at + offset * 1_000));
            if (where === 'tie') {
              // Ids sorting before and after the marked event's, at its instant.
              late.push(eventAt(`${last.id.slice(2)}-${pages}`, at), eventAt(`0${pages}`, at));
            }
            if (where === 'crowd') {
              // Hundreds of long events after the place: the session passes a segment's 7 KB.
              for (let index = 0; index < 300; index++)
                late.push(eventAt(`c${pages}-${index}-${'x'.repeat(40)}`, at + 1 + index));
            }
            await ingest(store, late);
            for (const event of late) {
              const afterPlace =
                sessionOrder({ id: event.id, timestamp: new Date(event.timestamp).toISOString() }, last) > 0;
              if (afterPlace) ahead.add(event.id);
            }
          }
          const ids = shown.map((event) => event.id);
          expect(new Set(ids).size, 'an event shown twice').toBe(ids.length);
          expect(shown, 'events out of session order').toEqual([...shown].sort(sessionOrder));
          const seen = new Set(ids);
          const missing = [...stored.map((event) => event.id), ...ahead].filter((id) => !seen.has(id));
          expect(missing, 'events never shown').toEqual([]);
        },
      ),
      integrationParams(25),
    );
  }, 300_000);
});
