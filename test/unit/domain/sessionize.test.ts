import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../functions/domain/event.js';
import { summarizeSession, toSessionView } from '../../../functions/domain/session-view.js';
import {
  EventSet,
  minutesToMs,
  type Session,
  sessionIdFor,
  sessionize,
  startedAtFromSessionId,
} from '../../../functions/domain/sessionize.js';

const MINUTE = 60_000;
const GAP = 30 * MINUTE;
const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);

function record(
  id: string,
  userId: string,
  timestamp: number,
  extra: Partial<EventRecord> = {},
): EventRecord {
  return { id, userId, timestamp, type: 'track', name: 'Clicked', hasMessageId: true, ...extra };
}

/** The comparable shape of a session; events by id. */
function shape(session: Session) {
  return {
    userId: session.userId,
    sessionNumber: session.sessionNumber,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    eventCount: session.eventCount,
    events: session.events.map((event) => event.id),
  };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('sessionize', () => {
  it('returns no sessions for no events', () => {
    expect(sessionize([], GAP)).toEqual([]);
  });

  it('continues a session after a gap of exactly the threshold and splits after threshold + 1 ms', () => {
    const events = [record('a', 'u', T0), record('b', 'u', T0 + GAP), record('c', 'u', T0 + 2 * GAP + 1)];

    const sessions = sessionize(events, GAP).map(shape);

    expect(sessions).toEqual([
      { userId: 'u', sessionNumber: 1, startedAt: T0, endedAt: T0 + GAP, eventCount: 2, events: ['a', 'b'] },
      {
        userId: 'u',
        sessionNumber: 2,
        startedAt: T0 + 2 * GAP + 1,
        endedAt: T0 + 2 * GAP + 1,
        eventCount: 1,
        events: ['c'],
      },
    ]);
  });

  it('measures the gap from the previous event, not from the session start', () => {
    const events = [0, 20, 40, 60, 80].map((minutes) => record(`e${minutes}`, 'u', T0 + minutes * MINUTE));

    const sessions = sessionize(events, GAP);

    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.endedAt).toBe(T0 + 80 * MINUTE);
  });

  it('uses the gap it is given', () => {
    const events = [
      record('a', 'u', T0),
      record('b', 'u', T0 + 4 * MINUTE),
      record('c', 'u', T0 + 10 * MINUTE),
    ];

    const fiveMinutes = sessionize(events, minutesToMs(5)).map((session) => session.events.map((e) => e.id));
    const tenMinutes = sessionize(events, minutesToMs(10)).map((session) => session.events.map((e) => e.id));

    expect(fiveMinutes).toEqual([['a', 'b'], ['c']]);
    expect(tenMinutes).toEqual([['a', 'b', 'c']]);
  });

  it('orders events by timestamp, then by id for equal timestamps, whatever the input order', () => {
    const events = [
      record('m-2', 'u', T0 + MINUTE),
      record('m-b', 'u', T0),
      record('m-a', 'u', T0),
      record('m-1', 'u', T0 + MINUTE),
    ];

    for (const order of permutations(events)) {
      expect(sessionize(order, GAP).map(shape)[0]?.events).toEqual(['m-a', 'm-b', 'm-1', 'm-2']);
    }
  });

  it('numbers sessions per user from 1, in order of start', () => {
    const events = [
      record('a3', 'alice', T0 + 5 * GAP),
      record('b1', 'bob', T0),
      record('a1', 'alice', T0),
      record('a2', 'alice', T0 + 2 * GAP),
      record('b2', 'bob', T0 + 3 * GAP),
    ];

    const sessions = sessionize(events, GAP).map((s) => [s.userId, s.sessionNumber, s.events[0]?.id]);

    expect(sessions).toEqual([
      ['alice', 1, 'a1'],
      ['alice', 2, 'a2'],
      ['alice', 3, 'a3'],
      ['bob', 1, 'b1'],
      ['bob', 2, 'b2'],
    ]);
  });

  it('lists users in UTF-16 code-unit order, not locale or code-point order', () => {
    // Locale order would put "a" before "Z"; code-point order would put U+FF5E before the emoji.
    const users = ['a', 'Z', '\uFF5E', '😀', '10', '9', 'é'];
    const events = users.map((user, i) => record(`m${i}`, user, T0));

    const order = sessionize(events, GAP).map((session) => session.userId);

    expect(order).toEqual(['10', '9', 'Z', 'a', 'é', '😀', '\uFF5E']);
  });

  it('counts an event once however often its messageId appears, within and across inputs', () => {
    const fileA = [record('m1', 'u', T0), record('m2', 'u', T0 + MINUTE), record('m1', 'u', T0)];
    const fileB = [record('m2', 'u', T0 + MINUTE), record('m3', 'u', T0 + 2 * MINUTE)];

    const sessions = sessionize([...fileA, ...fileB, ...fileA], GAP).map(shape);

    expect(sessions).toEqual([
      {
        userId: 'u',
        sessionNumber: 1,
        startedAt: T0,
        endedAt: T0 + 2 * MINUTE,
        eventCount: 3,
        events: ['m1', 'm2', 'm3'],
      },
    ]);
  });

  it('resolves conflicting duplicates of one messageId to the same winner whatever the order', () => {
    const variants = [
      record('dup', 'u', T0 + 40 * MINUTE),
      record('dup', 'u', T0 + 10 * MINUTE, { name: 'B' }),
      record('dup', 'u', T0 + 10 * MINUTE, { name: 'A' }),
      record('dup', 'u', T0 + 10 * MINUTE, { type: 'page', name: 'A' }),
      record('dup', 'v', T0 + 10 * MINUTE),
    ];
    const other = record('other', 'u', T0);

    const outcomes = new Set(
      permutations(variants).map((order) => JSON.stringify(sessionize([other, ...order], GAP))),
    );

    expect(outcomes.size).toBe(1);
    const [session] = sessionize([other, ...variants], GAP);
    // The earliest timestamp wins, then the smallest user, type and name.
    expect(session?.events[1]).toEqual(record('dup', 'u', T0 + 10 * MINUTE, { type: 'page', name: 'A' }));
  });

  it('gives each session its start-derived id, its ordered events and its count', () => {
    const events = [record('b', 'u', T0 + MINUTE), record('a', 'u', T0)];

    const [session] = sessionize(events, GAP);

    expect(session?.sessionId).toBe('20240101T090000000Z');
    expect(session?.events).toEqual([events[1], events[0]]);
    expect(session?.eventCount).toBe(2);
  });
});

describe('EventSet', () => {
  it('holds one event per id and groups them by user in code-unit order, each sorted', () => {
    const set = new EventSet();
    for (const event of [
      record('b2', 'b', T0 + 1),
      record('a1', 'a', T0),
      record('b1', 'b', T0 + 1),
      record('a1', 'a', T0),
    ]) {
      set.add(event);
    }

    const groups = [...set.byUser()].map(([user, events]) => [user, events.map((e) => e.id)]);

    expect(set.size).toBe(3);
    expect(groups).toEqual([
      ['a', ['a1']],
      ['b', ['b1', 'b2']],
    ]);
  });
});

describe('minutesToMs', () => {
  it('converts whole and fractional minutes to whole milliseconds', () => {
    expect(minutesToMs(30)).toBe(1_800_000);
    expect(minutesToMs(0.5)).toBe(30_000);
    expect(minutesToMs(1 / 60_000 / 3)).toBe(0);
  });
});

describe('sessionIdFor / startedAtFromSessionId', () => {
  it('writes the start as a compact UTC timestamp', () => {
    expect(sessionIdFor(Date.UTC(2024, 0, 2, 8, 30, 5, 7))).toBe('20240102T083005007Z');
  });

  it.each([
    ['an ordinary start', Date.UTC(2024, 0, 2, 8, 30, 5, 7)],
    ['the epoch', 0],
    ['a leap day', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['year 9999', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    ['year 0050', new Date('0050-06-15T12:00:00.000Z').getTime()],
    ['year 0001', new Date('0001-01-01T00:00:00.000Z').getTime()],
  ])('round-trips %s', (_label, startedAt) => {
    expect(startedAtFromSessionId(sessionIdFor(startedAt))).toBe(startedAt);
  });

  it('round-trips every millisecond from year 0000 to 9999 (property)', () => {
    const min = Date.parse('0000-01-01T00:00:00.000Z');
    const max = Date.parse('9999-12-31T23:59:59.999Z');

    fc.assert(
      fc.property(fc.integer({ min, max }), (startedAt) => {
        const sessionId = sessionIdFor(startedAt);
        return /^\d{8}T\d{9}Z$/.test(sessionId) && startedAtFromSessionId(sessionId) === startedAt;
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['empty', ''],
    ['an ISO timestamp', '2024-01-02T08:30:05.007Z'],
    ['too short', '20240102T083005Z'],
    ['too long', '20240102T0830050070Z'],
    ['lower-case z', '20240102T083005007z'],
    ['trailing text', '20240102T083005007Z '],
    ['Feb 30', '20240230T000000000Z'],
    ['Feb 29 of a common year', '20230229T000000000Z'],
    ['month 13', '20241301T000000000Z'],
    ['day 0', '20240100T000000000Z'],
    ['hour 24', '20240101T240000000Z'],
    ['minute 60', '20240101T006000000Z'],
    ['second 60', '20240101T000060000Z'],
    ['letters', 'abcdefghTijklmnopqZ'],
  ])('rejects a session id that is %s', (_label, sessionId) => {
    expect(startedAtFromSessionId(sessionId)).toBeUndefined();
  });
});

describe('summarizeSession + toSessionView', () => {
  it('shows ISO timestamps, the duration and the first and last event labels', () => {
    const [session] = sessionize(
      [
        record('a', 'u', T0, { type: 'page', name: 'Home' }),
        record('b', 'u', T0 + 90_500, { type: 'identify', name: null }),
      ],
      GAP,
    );

    const view = toSessionView(summarizeSession(session as Session));

    expect(view).toEqual({
      userId: 'u',
      sessionNumber: 1,
      sessionId: '20240101T090000000Z',
      startedAt: '2024-01-01T09:00:00.000Z',
      endedAt: '2024-01-01T09:01:30.500Z',
      durationSeconds: 90.5,
      eventCount: 2,
      firstEvent: 'Home',
      lastEvent: 'identify',
    });
  });
});
