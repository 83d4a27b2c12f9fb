// Long sessions for the segmented-page tests: events that fill segments, and the port's promise for a run.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { decodeDayPage, segmentIndexOf } from '../../../functions/adapters/dynamodb/day-codec.js';
import type { Item } from '../../../functions/adapters/dynamodb/transport.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { compareEvents } from '../../../functions/domain/sessions/order.js';
import type { EventsWanted, SessionEvents } from '../../../functions/domain/store/ports.js';
import { record } from '../../helpers/event-arbitraries.js';
import { pageStartOf, tightestRun } from '../../helpers/fake-session-reader.js';
import type { StoreUnderTest } from './store-harness.js';

export const HOUR = 3_600_000;

/** A UUID messageId as random as a producer's (stored as 16 bytes, which nothing compresses). */
function uuid(seed: number, index: number): string {
  const hex = createHash('md5').update(`${seed}-${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One user's sessions an hour apart from `start`, `sizes[s]` events each, `stepMs` apart in ties of `tie`
 * (ties that segment boundaries cut through), in session order.
 */
export function sessionEvents(
  user: string,
  sizes: readonly number[],
  options: { start: number; seed: number; stepMs: number; tie: number },
): EventRecord[] {
  const { start, seed, stepMs, tie } = options;
  return sizes
    .flatMap((size, s) =>
      Array.from({ length: size }, (_, index) =>
        record({
          id: `m:${uuid(seed, s * 100_000 + index)}`,
          userId: user,
          timestamp: start + s * HOUR + Math.floor(index / tie) * stepMs,
          name: `Request ${(index * 7919 + seed) % 97}`,
        }),
      ),
    )
    .sort(compareEvents);
}

/** The user's stored day pages (every version), in key order. */
export function dayPagesOf(store: StoreUnderTest, user: string): Promise<Item[]> {
  return store.transport.query({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
    ExpressionAttributeValues: { ':pk': { S: `U#${user}` }, ':d': { S: 'D#' } },
  });
}

/** The fewest events any segment of the user's stored day pages holds (Infinity without segments). */
export async function smallestSegment(store: StoreUnderTest, user: string): Promise<number> {
  let smallest = Number.POSITIVE_INFINITY;
  for (const item of await dayPagesOf(store, user)) {
    for (const count of segmentIndexOf(decodeDayPage(item))?.counts ?? [])
      smallest = Math.min(smallest, count);
  }
  return smallest;
}

/**
 * What the port promises of a run: the session's own events from `firstIndex`, holding what was asked, or,
 * where the store stopped to bound a page's reads, at least `cutAfter` events from where the page starts
 * (the reader stops after three segments, so a whole one past the start's; `smallestSegment`).
 */
export function expectRunHolds(
  found: SessionEvents | undefined,
  events: readonly EventRecord[],
  asked: EventsWanted,
  cutAfter = Number.POSITIVE_INFINITY,
): void {
  if (found === undefined) throw new Error('the session is gone');
  const { firstIndex } = found;
  expect(found.events).toEqual(events.slice(firstIndex, firstIndex + found.events.length));
  const [from, to] = tightestRun(events, asked);
  expect(firstIndex).toBeLessThanOrEqual(from);
  expect(firstIndex + found.events.length).toBeGreaterThanOrEqual(
    Math.min(to, pageStartOf(events, asked) + cutAfter),
  );
  expect(found.session.eventCount).toBe(events.length);
}
