import fc from 'fast-check';
import { type EventRecord, type EventType, ownUser } from '../../functions/domain/events/event.js';
import type { CompiledRules } from '../../functions/domain/rules/session-rules.js';
import { compareEvents, compareText } from '../../functions/domain/sessions/order.js';
import { splitSessions } from '../../functions/domain/sessions/split.js';
import { type SessionSummary, summarizeSession } from '../../functions/domain/sessions/summary.js';
import { preferredCopy } from '../../functions/domain/store/copy-choice.js';

const TYPES: EventType[] = ['track', 'page', 'identify', 'screen'];
export const MINUTE = 60_000;
const BASE = Date.UTC(2024, 0, 30, 22, 0, 0);

/** A compact event for tests: everything not given is empty. */
export function record(fields: Partial<EventRecord> & Pick<EventRecord, 'id' | 'timestamp'>): EventRecord {
  return {
    type: 'track',
    name: null,
    userId: null,
    anonymousId: null,
    platform: null,
    page: null,
    campaign: null,
    urlCampaign: null,
    device: null,
    ...fields,
    ...(fields.userId === undefined && fields.anonymousId === undefined && { userId: 'user-0' }),
  };
}

/**
 * Events of a few users whose timestamps cluster around multiples of the gap, around midnight and a month
 * end, so gap boundaries, ties, sessions spanning days (buckets) and month counts come up often.
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
    anonymousId: fc.option(fc.constantFrom('device-a', 'device-b'), { nil: null }),
    platform: fc.option(fc.constantFrom('ios', 'web'), { nil: null }),
    path: fc.constantFrom('/', '/pricing', '/docs'),
    campaign: fc.option(fc.constantFrom('newsletter', 'ads'), { nil: null }),
  });
  return fc.array(event, { minLength: 1, maxLength: options.maxEvents ?? 60 }).map((drafts) =>
    drafts.map((draft, index) =>
      record({
        id: `m:${index}`,
        userId: draft.user,
        anonymousId: draft.anonymousId,
        timestamp: draft.base + draft.offset,
        type: draft.type,
        name: draft.name,
        platform: draft.platform,
        page:
          draft.type === 'page'
            ? { url: `https://shop.example${draft.path}`, path: draft.path, title: 'Shop', referrer: null }
            : null,
        campaign:
          draft.campaign === null
            ? null
            : { source: draft.campaign, medium: 'email', name: null, term: null, content: null },
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

/** Events grouped by their own user (rule 2), as an ingest hands them to the store without stitching. */
export function groupByUser(events: readonly EventRecord[]): Map<string, EventRecord[]> {
  const groups = new Map<string, EventRecord[]>();
  for (const event of events) {
    const user = ownUser(event);
    const group = groups.get(user);
    if (group === undefined) groups.set(user, [event]);
    else group.push(event);
  }
  return groups;
}

/** The batch result the store must equal (rule 6), with the store's own choice between copies of an event. */
export function referenceSessions(events: readonly EventRecord[], rules: CompiledRules): SessionSummary[] {
  const sessions: SessionSummary[] = [];
  for (const [user, userEvents] of [...groupByUser(events)].sort(([a], [b]) => compareText(a, b))) {
    const byId = new Map<string, EventRecord>();
    for (const event of userEvents) {
      const existing = byId.get(event.id);
      byId.set(event.id, existing === undefined ? event : preferredCopy(existing, event));
    }
    const split = splitSessions(user, [...byId.values()].sort(compareEvents), rules);
    sessions.push(...split.map((session, index) => summarizeSession(session, index + 1)));
  }
  return sessions;
}
