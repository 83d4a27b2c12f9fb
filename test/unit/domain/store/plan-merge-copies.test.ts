import { describe, expect, it } from 'vitest';
import type { EventRecord, EventSource } from '../../../../functions/domain/events/event.js';
import { projectionKey } from '../../../../functions/domain/sessions/projection.js';
import { sourceTextKey } from '../../../../functions/domain/store/copy-choice.js';
import {
  MAX_PARKED_COPIES,
  MAX_PARKED_ID_CHARACTERS,
} from '../../../../functions/domain/store/partition-copies.js';
import { planMerge } from '../../../../functions/domain/store/plan-merge.js';
import { at, event, request, stored } from './plan-merge-harness.js';

describe('planMerge: copies of one event from another origin', () => {
  const own = event('m:x', '2024-01-10T09:00:00Z', { anonymousId: 'a' });
  const anonymous = event('m:x', '2024-01-10T10:00:00Z', { userId: null, anonymousId: 'a' });

  /**
   * The two copies at one instant, from two objects: the one whose projection sorts first, the other, and
   * texts by which the other sorts first.
   */
  function copiesTiedInTime() {
    const sourceOf = (object: string) => ({ object, version: 'e:1', file: object, record: 1 });
    const tied = [
      { ...own, name: 'Own', source: sourceOf('own.ndjson') },
      { ...anonymous, timestamp: own.timestamp, name: 'Anonymous', source: sourceOf('anon.ndjson') },
    ];
    const [byProjection, other] = [...tied].sort((a, b) =>
      projectionKey(a) < projectionKey(b) ? -1 : 1,
    ) as [EventRecord, EventRecord];
    const texts = new Map([
      [sourceTextKey(other.source as EventSource), '{"a":1}'],
      [sourceTextKey(byProjection.source as EventSource), '{"b":1}'],
    ]);
    return { byProjection, other, texts };
  }

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
    // The texts choose the copy whose projection sorts last: a rebuild weighing by projection would swap them.
    const { byProjection, other, texts } = copiesTiedInTime();
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
    // Stored by projection (a merge without texts); the texts say the parked copy sorts first.
    const { byProjection, other, texts } = copiesTiedInTime();
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

  it('parks, of two link copies behind an alias at one instant, the one whose text sorts first', () => {
    // Rule 8 weighs a rival link of this id and instant (another user's, from this device) by that text.
    const alias = { ...own, type: 'alias' as const };
    const later = at('2024-01-10T09:01:00Z');
    const sourceOf = (object: string) => ({ object, version: 'e:1', file: object, record: 1 });
    const [first, second] = ['first.ndjson', 'second.ndjson'].map((object) => ({
      ...own,
      timestamp: later,
      source: sourceOf(object),
    })) as [EventRecord, EventRecord];
    const texts = new Map([
      [sourceTextKey(first.source as EventSource), '{"p":2}'],
      [sourceTextKey(second.source as EventSource), '{"p":1}'],
    ]);
    const { days, totals } = stored([alias]);
    for (const add of [
      [first, second],
      [second, first],
    ])
      expect(planMerge(request({ totals, loaded: days, add, texts })).parked).toEqual([second]);
  });

  it('merges copies of one origin as before: the loser is gone, not parked', () => {
    const later = { ...own, timestamp: at('2024-01-10T09:30:00Z') };
    const { days, totals } = stored([own]);
    const plan = planMerge(request({ totals, loaded: days, add: [later] }));
    expect(plan.parked).toEqual([]);
    expect(plan.parkedChanged).toBe(false);
  });
});
