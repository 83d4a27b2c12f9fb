// What the planMerge tests share: events of one user, stored days built by the batch rules, merge requests.
import type { EventRecord } from '../../../../functions/domain/events/event.js';
import {
  compileRules,
  DEFAULT_SESSION_RULES,
  type SessionRules,
} from '../../../../functions/domain/rules/session-rules.js';
import { formatTimestamp } from '../../../../functions/domain/rules/timestamp.js';
import { compareEvents } from '../../../../functions/domain/sessions/order.js';
import { splitSessions } from '../../../../functions/domain/sessions/split.js';
import { dayOf, monthOfDay } from '../../../../functions/domain/store/calendar.js';
import type { MergeRequest, planMerge } from '../../../../functions/domain/store/plan-merge.js';
import { EMPTY_TOTALS, type StoredDay, type UserTotals } from '../../../../functions/domain/store/stored.js';
import { record } from '../../../helpers/event-arbitraries.js';

export const USER = 'u-1';
export const at = (iso: string) => Date.parse(iso);
export const event = (id: string, iso: string, fields: Partial<EventRecord> = {}) =>
  record({ id, timestamp: at(iso), userId: USER, ...fields });

export const rulesOf = (overrides: Partial<SessionRules> = {}) =>
  compileRules({ ...DEFAULT_SESSION_RULES, ...overrides });

/**
 * What a store holds after the batch rules cut `events`: day buckets with `before` counted within each month,
 * and the head's totals. `earlier` adds sessions of the same months stored before these days.
 */
export function stored(
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

export const request = (overrides: Partial<MergeRequest> & Pick<MergeRequest, 'add'>): MergeRequest => ({
  user: USER,
  rules: rulesOf(),
  totals: EMPTY_TOTALS,
  loaded: [],
  ...overrides,
});

/** A change as `day (before): start–end, …`. */
export const describeChanges = (plan: ReturnType<typeof planMerge>) =>
  plan.changes.map(
    (change) =>
      `${change.day} (${change.before}): ${change.sessions
        .map(
          (session) =>
            `${formatTimestamp(session.startedAt).slice(11, 16)}–${formatTimestamp(session.endedAt).slice(11, 16)}`,
        )
        .join(', ')}`,
  );
