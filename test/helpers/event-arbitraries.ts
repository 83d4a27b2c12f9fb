import fc from 'fast-check';
import type { EventRecord, EventType } from '../../functions/domain/event.js';

const TYPES: EventType[] = ['track', 'page', 'identify', 'screen'];
export const MINUTE = 60_000;
const BASE = Date.UTC(2024, 0, 1, 22, 0, 0);

/**
 * Events of a few users whose timestamps cluster around multiples of the gap and around midnight, so gap
 * boundaries, ties and sessions spanning two days (two storage buckets) come up often.
 */
export function eventRecordsArbitrary(
  options: { maxEvents?: number; users?: number; gapMinutes?: number } = {},
): fc.Arbitrary<EventRecord[]> {
  const gapMinutes = options.gapMinutes ?? 30;
  const users = Array.from({ length: options.users ?? 3 }, (_, index) => `user-${index}`);
  const offset = fc.oneof(
    fc.integer({ min: 0, max: 6 }).map((k) => k * gapMinutes * MINUTE),
    fc.integer({ min: -2, max: 2 }),
    fc.integer({ min: 0, max: 5 * 24 * 60 * MINUTE }),
    fc.integer({ min: 0, max: 240 }).map((m) => m * MINUTE),
  );
  const event = fc.record({
    user: fc.constantFrom(...users),
    base: fc.integer({ min: 0, max: 3 }).map((day) => BASE + day * 24 * 60 * MINUTE),
    offset,
    type: fc.constantFrom(...TYPES),
    name: fc.option(fc.constantFrom('Clicked', 'Viewed', 'Signed In'), { nil: null }),
  });
  return fc.array(event, { minLength: 1, maxLength: options.maxEvents ?? 60 }).map((drafts) =>
    drafts.map(
      (draft, index): EventRecord => ({
        id: `m-${index}`,
        userId: draft.user,
        timestamp: draft.base + draft.offset,
        type: draft.type,
        name: draft.name,
        hasMessageId: true,
      }),
    ),
  );
}

/** A delivery plan: events split into files, delivered in some order, some files more than once. */
export interface Delivery {
  files: EventRecord[][];
  /** Indexes into `files`, in arrival order; repeats are redeliveries. */
  order: number[];
}

export function deliveryArbitrary(events: EventRecord[], maxFiles = 5): fc.Arbitrary<Delivery> {
  return fc
    .record({
      fileOf: fc.array(fc.integer({ min: 0, max: maxFiles - 1 }), {
        minLength: events.length,
        maxLength: events.length,
      }),
      extraCopies: fc.array(fc.integer({ min: 0, max: maxFiles - 1 }), { maxLength: 3 }),
      seed: fc.integer(),
    })
    .chain(({ fileOf, extraCopies }) => {
      const files: EventRecord[][] = Array.from({ length: maxFiles }, () => []);
      events.forEach((event, index) => {
        files[fileOf[index] ?? 0]?.push(event);
      });
      const deliveries = [...files.keys(), ...extraCopies];
      return fc
        .shuffledSubarray(deliveries, { minLength: deliveries.length })
        .map((order) => ({ files, order }));
    });
}

/** Events grouped by user, as an ingest hands them to the store. */
export function groupByUser(events: readonly EventRecord[]): Map<string, EventRecord[]> {
  const groups = new Map<string, EventRecord[]>();
  for (const event of events) {
    const group = groups.get(event.userId);
    if (group === undefined) groups.set(event.userId, [event]);
    else group.push(event);
  }
  return groups;
}
