import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../functions/domain/event.js';
import { affectedWindow, dayOf, planMerge, type StoredBucket } from '../../../functions/domain/merge-plan.js';
import { type Session, sessionize } from '../../../functions/domain/sessionize.js';
import {
  deliveryArbitrary,
  eventRecordsArbitrary,
  groupByUser,
  MINUTE,
} from '../../helpers/event-arbitraries.js';

const GAP = 30 * MINUTE;

/** Applies plans to in-memory buckets the way the DynamoDB adapter applies them to items. */
class InMemoryBuckets {
  readonly byUser = new Map<string, Map<string, StoredBucket>>();

  merge(userId: string, events: readonly EventRecord[]): void {
    const buckets = this.byUser.get(userId) ?? new Map<string, StoredBucket>();
    this.byUser.set(userId, buckets);
    const plan = planMerge(userId, [...buckets.values()], events, GAP);
    for (const operation of plan.operations) {
      expect(buckets.get(operation.day)?.version).toBe(operation.expectedVersion);
      if (operation.kind === 'delete') buckets.delete(operation.day);
      else
        buckets.set(operation.day, {
          day: operation.day,
          version: (operation.expectedVersion ?? 0) + 1,
          sessions: operation.sessions,
        });
    }
  }

  sessions(): Array<Pick<Session, 'userId' | 'startedAt' | 'endedAt' | 'eventCount'>> {
    return [...this.byUser.keys()].sort().flatMap((userId) =>
      [...(this.byUser.get(userId)?.values() ?? [])]
        .sort((a, b) => (a.day < b.day ? -1 : 1))
        .flatMap((bucket) =>
          bucket.sessions.map(({ startedAt, endedAt, eventCount }) => ({
            userId,
            startedAt,
            endedAt,
            eventCount,
          })),
        ),
    );
  }
}

const summary = (sessions: readonly Session[]) =>
  sessions.map(({ userId, startedAt, endedAt, eventCount }) => ({ userId, startedAt, endedAt, eventCount }));

function track(id: string, minute: number, userId = 'u'): EventRecord {
  return {
    id,
    userId,
    timestamp: Date.UTC(2024, 0, 1, 9) + minute * MINUTE,
    type: 'track',
    name: 'x',
    hasMessageId: true,
  };
}

describe('planMerge', () => {
  it('joins two stored sessions when a late event bridges them', () => {
    const store = new InMemoryBuckets();
    store.merge('u', [track('a', 0), track('c', 50)]);
    expect(store.sessions()).toHaveLength(2);

    store.merge('u', [track('b', 25)]);

    expect(store.sessions()).toEqual([
      { userId: 'u', startedAt: track('a', 0).timestamp, endedAt: track('c', 50).timestamp, eventCount: 3 },
    ]);
  });

  it('moves a session to the earlier day when a late event moves its start across midnight', () => {
    const store = new InMemoryBuckets();
    const afterMidnight = { ...track('b', 0), timestamp: Date.UTC(2024, 0, 2, 0, 10) };
    store.merge('u', [afterMidnight]);
    const beforeMidnight = { ...track('a', 0), timestamp: Date.UTC(2024, 0, 1, 23, 55) };

    const plan = planMerge('u', [...(store.byUser.get('u')?.values() ?? [])], [beforeMidnight], GAP);

    expect(plan.operations.map((operation) => [operation.kind, operation.day])).toEqual([
      ['put', '2024-01-01'],
      ['delete', '2024-01-02'],
    ]);
    expect(plan.newEvents).toBe(1);
  });

  it('plans nothing when every event is already stored', () => {
    const store = new InMemoryBuckets();
    const events = [track('a', 0), track('b', 10)];
    store.merge('u', events);

    const plan = planMerge('u', [...(store.byUser.get('u')?.values() ?? [])], events, GAP);

    expect(plan).toEqual({ operations: [], newEvents: 0, sessionsWritten: 0 });
  });

  it('counts only events that were not stored as new', () => {
    const store = new InMemoryBuckets();
    store.merge('u', [track('a', 0)]);

    const plan = planMerge(
      'u',
      [...(store.byUser.get('u')?.values() ?? [])],
      [track('a', 0), track('b', 5)],
      GAP,
    );

    expect(plan.newEvents).toBe(1);
  });

  it('bounds the affected window by one gap around the new events', () => {
    expect(affectedWindow([track('a', 10), track('b', 40)], GAP)).toEqual({
      from: track('a', 10).timestamp - GAP,
      to: track('b', 40).timestamp + GAP,
    });
    expect(dayOf(Date.UTC(2024, 0, 1, 23, 59, 59, 999))).toBe('2024-01-01');
  });

  it('equals the batch result for any split, order and redelivery of the events', () => {
    fc.assert(
      fc.property(
        eventRecordsArbitrary().chain((events) => fc.tuple(fc.constant(events), deliveryArbitrary(events))),
        ([events, delivery]) => {
          const store = new InMemoryBuckets();
          for (const fileIndex of delivery.order) {
            for (const [userId, userEvents] of groupByUser(delivery.files[fileIndex] ?? []))
              store.merge(userId, userEvents);
          }
          expect(store.sessions()).toEqual(summary(sessionize(events, GAP)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
