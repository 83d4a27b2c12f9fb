import { describe, expect, it } from 'vitest';
import { planMerge } from '../../../../functions/domain/store/plan-merge.js';
import { at, describeChanges, event, request, rulesOf, stored } from './plan-merge-harness.js';

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
