import { describe, expect, it } from 'vitest';
import type { EventRecord, EventSource } from '../../../../functions/domain/events/event.js';
import {
  compileRules,
  DEFAULT_SESSION_RULES,
  type SessionRules,
} from '../../../../functions/domain/rules/session-rules.js';
import { formatTimestamp } from '../../../../functions/domain/rules/timestamp.js';
import { compareEvents } from '../../../../functions/domain/sessions/order.js';
import { projectionKey } from '../../../../functions/domain/sessions/projection.js';
import { splitSessions } from '../../../../functions/domain/sessions/split.js';
import { dayOf, monthOfDay } from '../../../../functions/domain/store/calendar.js';
import { sourceTextKey } from '../../../../functions/domain/store/copy-choice.js';
import {
  MAX_PARKED_COPIES,
  MAX_PARKED_ID_CHARACTERS,
} from '../../../../functions/domain/store/partition-copies.js';
import { type MergeRequest, planMerge } from '../../../../functions/domain/store/plan-merge.js';
import { EMPTY_TOTALS, type StoredDay, type UserTotals } from '../../../../functions/domain/store/stored.js';
import { record } from '../../../helpers/event-arbitraries.js';

const USER = 'u-1';
const at = (iso: string) => Date.parse(iso);
const event = (id: string, iso: string, fields: Partial<EventRecord> = {}) =>
  record({ id, timestamp: at(iso), userId: USER, ...fields });

const rulesOf = (overrides: Partial<SessionRules> = {}) =>
  compileRules({ ...DEFAULT_SESSION_RULES, ...overrides });

/**
 * What a store holds after the batch rules cut `events`: day buckets with `before` counted within each month,
 * and the head's totals. `earlier` adds sessions of the same months stored before these days.
 */
function stored(
  events: EventRecord[],
  rules = rulesOf(),
  earlier: Record<string, number> = {},
): { days: StoredDay[]; totals: UserTotals } {
  const sessions = splitSessions(USER, [...events].sort(compareEvents), rules);
  const days: StoredDay[] = [];
  const running = new Map(Object.entries(earlier));
  for (const session of sessions) {
    const day = dayOf(session.startedAt);
    const month = monthOfDay(day);
    let bucket = days[days.length - 1];
    if (bucket?.day !== day) {
      bucket = { day, before: running.get(month) ?? 0, sessions: [] };
      days.push(bucket);
    }
    (bucket.sessions as typeof sessions).push(session);
    running.set(month, (running.get(month) ?? 0) + 1);
  }
  const earlierCount = Object.values(earlier).reduce((sum, count) => sum + count, 0);
  return {
    days,
    totals: {
      sessionCount: sessions.length + earlierCount,
      eventCount: events.length,
      firstSeenAt: events[0]?.timestamp,
      lastSeenAt: events[events.length - 1]?.timestamp,
      months: new Map([...running].sort()),
      dayCount: days.length,
    },
  };
}

const request = (overrides: Partial<MergeRequest> & Pick<MergeRequest, 'add'>): MergeRequest => ({
  user: USER,
  rules: rulesOf(),
  totals: EMPTY_TOTALS,
  loaded: [],
  ...overrides,
});

/** A change as `day (before): start–end, …`. */
const describeChanges = (plan: ReturnType<typeof planMerge>) =>
  plan.changes.map(
    (change) =>
      `${change.day} (${change.before}): ${change.sessions
        .map(
          (session) =>
            `${formatTimestamp(session.startedAt).slice(11, 16)}–${formatTimestamp(session.endedAt).slice(11, 16)}`,
        )
        .join(', ')}`,
  );

describe('planMerge', () => {
  it('stores a new user: one bucket per start day, before counted within the month', () => {
    const plan = planMerge(
      request({
        add: [
          event('m:1', '2024-01-31T09:00:00Z'),
          event('m:2', '2024-01-31T11:00:00Z'),
          event('m:3', '2024-02-01T09:00:00Z'),
          event('m:4', '2024-02-02T09:00:00Z'),
        ],
      }),
    );
    expect(describeChanges(plan)).toEqual([
      '2024-01-31 (0): 09:00–09:00, 11:00–11:00',
      '2024-02-01 (0): 09:00–09:00',
      '2024-02-02 (1): 09:00–09:00',
    ]);
    expect(plan.changes.every((change) => change.isNew)).toBe(true);
    expect(plan).toMatchObject({
      sessionCount: 4,
      eventCount: 4,
      dayCount: 3,
      newEvents: 4,
      sessionsWritten: 4,
    });
    expect([...plan.months]).toEqual([
      ['2024-01', 2],
      ['2024-02', 2],
    ]);
  });

  it('joins two stored sessions when a late event falls within the gap of both', () => {
    const { days, totals } = stored([
      event('m:1', '2024-01-10T09:00:00Z'),
      event('m:2', '2024-01-10T09:20:00Z'),
      event('m:3', '2024-01-10T10:00:00Z'),
      event('m:4', '2024-01-10T10:10:00Z'),
    ]);
    const plan = planMerge(request({ totals, loaded: days, add: [event('m:5', '2024-01-10T09:40:00Z')] }));
    expect(describeChanges(plan)).toEqual(['2024-01-10 (0): 09:00–10:10']);
    expect(plan).toMatchObject({ sessionCount: 1, eventCount: 5, newEvents: 1, dayCount: 1 });
    expect(plan.months.get('2024-01')).toBe(1);
  });

  it('moves a session to the day of its new start', () => {
    const { days, totals } = stored([event('m:1', '2024-01-11T00:10:00Z')]);
    const plan = planMerge(request({ totals, loaded: days, add: [event('m:0', '2024-01-10T23:55:00Z')] }));
    expect(describeChanges(plan)).toEqual(['2024-01-10 (0): 23:55–00:10', '2024-01-11 (1): ']);
    expect(plan.changes.map((change) => change.isNew)).toEqual([true, false]);
    expect(plan).toMatchObject({ dayCount: 1, sessionCount: 1 });
  });

  it("counts before from the month's sessions outside the loaded range", () => {
    // Three January sessions are stored before the loaded day; the head knows them only by count.
    const { days, totals } = stored([event('m:1', '2024-01-20T09:00:00Z')], rulesOf(), { '2024-01': 3 });
    expect(days[0]?.before).toBe(3);
    const plan = planMerge(
      request({
        totals,
        loaded: days,
        add: [event('m:2', '2024-01-20T08:00:00Z'), event('m:3', '2024-01-21T09:00:00Z')],
      }),
    );
    expect(describeChanges(plan)).toEqual([
      '2024-01-20 (3): 08:00–08:00, 09:00–09:00',
      '2024-01-21 (5): 09:00–09:00',
    ]);
    expect(plan.months.get('2024-01')).toBe(6);
    expect(plan.sessionCount).toBe(6);
  });

  it("counts before from the month's earlier sessions when nothing of the month is loaded", () => {
    // Three January sessions are stored long before the new event: none is within its reach.
    const { totals } = stored([], rulesOf(), { '2024-01': 3 });
    const plan = planMerge(request({ totals, loaded: [], add: [event('m:1', '2024-01-20T09:00:00Z')] }));
    expect(describeChanges(plan)).toEqual(['2024-01-20 (3): 09:00–09:00']);
    expect(plan.months.get('2024-01')).toBe(4);
  });

  it('rewrites a later day whose before changes even when its sessions do not', () => {
    const { days, totals } = stored([
      event('m:1', '2024-03-01T09:00:00Z'),
      event('m:2', '2024-03-02T09:00:00Z'),
    ]);
    const plan = planMerge(request({ totals, loaded: days, add: [event('m:3', '2024-03-01T12:00:00Z')] }));
    expect(describeChanges(plan)).toEqual([
      '2024-03-01 (0): 09:00–09:00, 12:00–12:00',
      '2024-03-02 (2): 09:00–09:00',
    ]);
    expect(plan.sessionsWritten).toBe(3);
  });

  it('rewrites a later day whose session only now continues a capped chain (rule 7)', () => {
    const rules = rulesOf({ maxSessionMinutes: 60 });
    // 00:01 is 61 minutes after 23:00: a new session by the gap, and by the cap once 23:00 reaches it.
    const { days, totals } = stored(
      [
        event('m:1', '2024-03-01T23:00:00Z'),
        event('m:5', '2024-03-02T00:01:00Z'),
        event('m:6', '2024-03-02T00:10:00Z'),
      ],
      rules,
    );
    expect(days[1]?.sessions[0]?.continuesChain).toBe(false);
    const add = [
      event('m:2', '2024-03-01T23:20:00Z'),
      event('m:3', '2024-03-01T23:40:00Z'),
      event('m:4', '2024-03-02T00:00:00Z'),
    ];
    const plan = planMerge(request({ rules, totals, loaded: days, add }));
    expect(describeChanges(plan)).toEqual(['2024-03-01 (0): 23:00–00:00', '2024-03-02 (1): 00:01–00:10']);
    expect(plan.changes[1]?.sessions[0]?.continuesChain).toBe(true);
  });

  it('changes nothing for a redelivered copy of stored events', () => {
    const events = [event('m:1', '2024-01-10T09:00:00Z'), event('m:2', '2024-01-10T09:10:00Z')];
    const { days, totals } = stored(events);
    const plan = planMerge(request({ totals, loaded: days, add: events.map((copy) => ({ ...copy })) }));
    expect(plan.changes).toEqual([]);
    expect(plan).toMatchObject({ newEvents: 0, sessionsWritten: 0, sessionCount: 1, eventCount: 2 });
  });

  it('keeps the earlier of two copies of an event, moving the session', () => {
    const { days, totals } = stored([event('m:1', '2024-01-10T09:05:00Z')]);
    const plan = planMerge(request({ totals, loaded: days, add: [event('m:1', '2024-01-10T09:01:00Z')] }));
    expect(describeChanges(plan)).toEqual(['2024-01-10 (0): 09:01–09:01']);
    expect(plan).toMatchObject({ newEvents: 0, eventCount: 1 });
  });

  it('splits a capped chain from its first event and keeps a chain continuing into the range', () => {
    const rules = rulesOf({ maxSessionMinutes: 60 });
    const times = ['10:00', '10:20', '10:40', '11:00', '11:20', '11:40', '12:00'];
    const { days, totals } = stored(
      times.map((time, i) => event(`m:${i}`, `2024-01-10T${time}:00Z`)),
      rules,
    );
    const late = planMerge(
      request({ rules, totals, loaded: days, add: [event('m:late', '2024-01-10T09:50:00Z')] }),
    );
    expect(describeChanges(late)).toEqual(['2024-01-10 (0): 09:50–10:40, 11:00–12:00']);
    expect(late.changes[0]?.sessions.map((session) => session.continuesChain)).toEqual([false, true]);

    // Loaded from the chain's second session on: it stays a continuation while its start does not move.
    const continued = days.map((day) => ({ ...day, sessions: day.sessions.slice(1) }));
    const plan = planMerge(
      request({ rules, totals, loaded: continued, add: [event('m:x', '2024-01-10T11:30:00Z')] }),
    );
    expect(plan.changes[0]?.sessions[0]?.continuesChain).toBe(true);
  });

  it('removes leaving events and empties a day that no longer holds a session', () => {
    const { days, totals } = stored([
      event('m:1', '2024-01-10T09:00:00Z', { anonymousId: 'a-1', userId: null }),
      event('m:2', '2024-01-11T09:00:00Z'),
    ]);
    const plan = planMerge(
      request({ totals, loaded: days, add: [], remove: (leaving) => leaving.anonymousId === 'a-1' }),
    );
    expect(describeChanges(plan)).toEqual(['2024-01-10 (0): ', '2024-01-11 (0): 09:00–09:00']);
    expect(plan.changes[0]).toMatchObject({ isNew: false, sessions: [] });
    expect(plan).toMatchObject({ removedEvents: 1, sessionCount: 1, eventCount: 1, dayCount: 1 });
    expect(plan.rangeFirstEventAt).toBe(at('2024-01-11T09:00:00Z'));
  });

  it('drops a month whose last session leaves', () => {
    const { days, totals } = stored([
      event('m:1', '2024-01-10T09:00:00Z'),
      event('m:2', '2024-02-10T09:00:00Z'),
    ]);
    const plan = planMerge(
      request({ totals, loaded: days, add: [], remove: (leaving) => leaving.id === 'm:1' }),
    );
    expect([...plan.months]).toEqual([['2024-02', 1]]);
    expect(plan.rangeFirstEventAt).toBe(at('2024-02-10T09:00:00Z'));
  });
});

describe('planMerge: copies of one event from another origin', () => {
  const own = event('m:x', '2024-01-10T09:00:00Z', { anonymousId: 'a' });
  const anonymous = event('m:x', '2024-01-10T10:00:00Z', { userId: null, anonymousId: 'a' });

  it("merges an anonymous copy into the user's and parks the one that lost", () => {
    const { days, totals } = stored([own]);
    const plan = planMerge(request({ totals, loaded: days, add: [anonymous] }));
    expect(plan.changes).toEqual([]);
    expect(plan.eventCount).toBe(1);
    expect(plan.newEvents).toBe(0);
    expect(plan.parked).toEqual([anonymous]);
    expect(plan.parkedChanged).toBe(true);
  });

  it("parks the user's own copy when the anonymous one is earlier, and changes nothing when it comes again", () => {
    const earlier = { ...anonymous, timestamp: at('2024-01-10T08:00:00Z') };
    const { days, totals } = stored([own]);
    const plan = planMerge(request({ totals, loaded: days, add: [earlier] }));
    expect(plan.changes[0]?.sessions[0]?.events).toEqual([earlier]);
    expect(plan.parked).toEqual([own]);
    const after = stored([earlier]);
    const again = planMerge(
      request({ totals: after.totals, loaded: after.days, add: [earlier], parked: [own] }),
    );
    expect(again.changes).toEqual([]);
    expect(again.parkedChanged).toBe(false);
  });

  it('gives a parked copy its place back when the copy it lost to leaves (a stitching move)', () => {
    const earlier = { ...anonymous, timestamp: at('2024-01-10T08:00:00Z') };
    const { days, totals } = stored([earlier]);
    const plan = planMerge(
      request({ totals, loaded: days, add: [], parked: [own], remove: (leaving) => leaving.userId === null }),
    );
    expect(plan.changes.flatMap((change) => change.sessions.flatMap((session) => session.events))).toEqual([
      own,
    ]);
    expect(plan.parked).toEqual([]);
    expect(plan.parkedChanged).toBe(true);
  });

  it('keeps aside, unchanged, a parked copy whose rival is not loaded', () => {
    const { days, totals } = stored([event('m:other', '2024-03-01T09:00:00Z')]);
    const plan = planMerge(request({ totals, loaded: days, add: [], parked: [anonymous] }));
    expect(plan.parked).toEqual([anonymous]);
    expect(plan.parkedChanged).toBe(false);
  });

  it("parks the user's copy sent from another device, for its link (a rebuild may turn stitching on)", () => {
    const fromOtherDevice = { ...own, anonymousId: 'b', timestamp: at('2024-01-10T09:01:00Z') };
    const { days, totals } = stored([own]);
    const plan = planMerge(request({ totals, loaded: days, add: [fromOtherDevice] }));
    expect(plan.changes).toEqual([]);
    expect(plan.newEvents).toBe(0);
    expect(plan.parked).toEqual([fromOtherDevice]);

    const again = planMerge(request({ totals, loaded: days, add: [fromOtherDevice], parked: plan.parked }));
    expect(again.parkedChanged).toBe(false);
  });

  it('keeps the stored copy over the parked one it beat by text, when no texts are given (a rebuild)', () => {
    const sourceOf = (object: string) => ({ object, version: 'e:1', file: object, record: 1 });
    const tied = [
      { ...own, name: 'Own', source: sourceOf('own.ndjson') },
      { ...anonymous, timestamp: own.timestamp, name: 'Anonymous', source: sourceOf('anon.ndjson') },
    ];
    // The texts choose the copy whose projection sorts last: a rebuild weighing by projection would swap them.
    const [byProjection, other] = [...tied].sort((a, b) =>
      projectionKey(a) < projectionKey(b) ? -1 : 1,
    ) as [EventRecord, EventRecord];
    const texts = new Map([
      [sourceTextKey(other.source as EventSource), '{"a":1}'],
      [sourceTextKey(byProjection.source as EventSource), '{"b":1}'],
    ]);
    const { days, totals } = stored([other]);
    const rebuild = planMerge(request({ totals, loaded: days, add: [], parked: [byProjection] }));
    expect(rebuild.changes).toEqual([]);
    expect(rebuild.parked).toEqual([byProjection]);
    expect(rebuild.parkedChanged).toBe(false);
    // With texts, the parked copy is weighed again, and its text read first when the texts lack it.
    const unread = planMerge(
      request({ totals, loaded: days, add: [], parked: [byProjection], texts: new Map() }),
    );
    expect(unread.unreadCopies).toHaveLength(2);
    const merge = planMerge(request({ totals, loaded: days, add: [], parked: [byProjection], texts }));
    expect([merge.changes, merge.parkedChanged]).toEqual([[], false]);
  });

  it("weighs again a parked copy at the very edge of the new events' span (reach is inclusive)", () => {
    const sourceOf = (object: string) => ({ object, version: 'e:1', file: object, record: 1 });
    const tied = [
      { ...own, name: 'Own', source: sourceOf('own.ndjson') },
      { ...anonymous, timestamp: own.timestamp, name: 'Anonymous', source: sourceOf('anon.ndjson') },
    ];
    // Stored by projection (a merge without texts); the texts say the parked copy sorts first.
    const [byProjection, other] = [...tied].sort((a, b) =>
      projectionKey(a) < projectionKey(b) ? -1 : 1,
    ) as [EventRecord, EventRecord];
    const texts = new Map([
      [sourceTextKey(other.source as EventSource), '{"a":1}'],
      [sourceTextKey(byProjection.source as EventSource), '{"b":1}'],
    ]);
    const { days, totals } = stored([byProjection]);
    const newcomer = event('m:new', '2024-01-10T09:00:00Z');
    const reach = { first: own.timestamp, last: own.timestamp };
    const plan = planMerge(request({ totals, loaded: days, add: [newcomer], parked: [other], texts, reach }));
    const kept = plan.changes.flatMap((change) => change.sessions.flatMap((session) => session.events));
    expect(kept.map((copy) => copy.name)).toEqual(expect.arrayContaining([other.name]));
    expect(plan.parked).toEqual([byProjection]);
  });

  it("parks no user's copy that carries no anonymousId: a user's copy never leaves, and it has no link", () => {
    const withoutDevice = { ...own, anonymousId: null, timestamp: at('2024-01-10T09:01:00Z') };
    const { days, totals } = stored([own]);
    const plan = planMerge(request({ totals, loaded: days, add: [withoutDevice] }));
    expect(plan.changes).toEqual([]);
    expect(plan.parked).toEqual([]);
    expect(plan.parkedChanged).toBe(false);
  });

  /** The user's own events with these ids a second apart, stored, and an anonymous copy of each just after. */
  function ownEventsWithLaterCopies(ids: readonly string[]) {
    const owns = ids.map((id, index) =>
      event(id, new Date(at('2024-01-10T00:00:00Z') + index * 1000).toISOString()),
    );
    const copies = owns.map((copy) => ({
      ...copy,
      userId: null,
      anonymousId: 'a',
      timestamp: copy.timestamp + 500,
    }));
    return { ...stored(owns), copies };
  }

  it(`keeps the latest ${MAX_PARKED_COPIES} parked copies, and then plans no change when nothing new comes`, () => {
    const { days, totals, copies } = ownEventsWithLaterCopies(
      Array.from({ length: MAX_PARKED_COPIES + 10 }, (_, index) => `m:${index}`),
    );
    const plan = planMerge(request({ totals, loaded: days, add: copies }));
    expect(plan.parked).toHaveLength(MAX_PARKED_COPIES);
    expect(Math.min(...plan.parked.map((copy) => copy.timestamp))).toBe(
      (copies[10] as EventRecord).timestamp,
    );
    const again = planMerge(request({ totals, loaded: days, add: copies, parked: plan.parked }));
    expect(again.parkedChanged).toBe(false);
    expect(again.changes).toEqual([]);
  });

  it('keeps the latest parked copies whose ids fit the budget together (a messageId has no length limit)', () => {
    const long = (index: number) => `m:${String(index).padStart(MAX_PARKED_ID_CHARACTERS / 4, '-')}`;
    const { days, totals, copies } = ownEventsWithLaterCopies(
      Array.from({ length: 6 }, (_, index) => long(index)),
    );
    const plan = planMerge(request({ totals, loaded: days, add: copies }));
    // Each id is a little over a quarter of the budget: the latest three fit.
    expect(plan.parked.map((copy) => copy.id).sort()).toEqual([long(3), long(4), long(5)]);
    const again = planMerge(request({ totals, loaded: days, add: copies, parked: plan.parked }));
    expect(again.parkedChanged).toBe(false);
  });

  it('keeps parked copies whose ids fill the budget exactly', () => {
    const quarter = (index: number) => `m:${String(index).padStart(MAX_PARKED_ID_CHARACTERS / 4 - 2, '-')}`;
    const { days, totals, copies } = ownEventsWithLaterCopies(
      Array.from({ length: 5 }, (_, index) => quarter(index)),
    );
    expect(quarter(0)).toHaveLength(MAX_PARKED_ID_CHARACTERS / 4);
    const plan = planMerge(request({ totals, loaded: days, add: copies }));
    expect(plan.parked.map((copy) => copy.id).sort()).toEqual([
      quarter(1),
      quarter(2),
      quarter(3),
      quarter(4),
    ]);
  });

  it('parks a later copy of one origin that carries the link its alias winner lacks, once', () => {
    const alias = { ...own, type: 'alias' as const };
    const later = { ...own, timestamp: at('2024-01-10T09:01:00Z') };
    const { days, totals } = stored([alias]);
    const plan = planMerge(
      request({ totals, loaded: days, add: [later, { ...later, timestamp: later.timestamp + 1 }] }),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.parked).toEqual([later]);

    const again = planMerge(request({ totals, loaded: days, add: [later], parked: plan.parked }));
    expect(again.parkedChanged).toBe(false);
    // A link earlier than the alias takes its place, and carries the link itself: nothing is parked.
    const earlier = { ...own, timestamp: at('2024-01-10T08:59:00Z') };
    const replaced = planMerge(request({ totals, loaded: days, add: [earlier], parked: plan.parked }));
    expect(replaced.changes[0]?.sessions[0]?.events).toEqual([earlier]);
    expect(replaced.parked).toEqual([]);
  });

  it('merges copies of one origin as before: the loser is gone, not parked', () => {
    const later = { ...own, timestamp: at('2024-01-10T09:30:00Z') };
    const { days, totals } = stored([own]);
    const plan = planMerge(request({ totals, loaded: days, add: [later] }));
    expect(plan.parked).toEqual([]);
    expect(plan.parkedChanged).toBe(false);
  });
});
