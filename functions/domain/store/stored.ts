import type { EventRecord } from '../events/event.js';
import type { Session } from '../sessions/session.js';

/** One stored day: the sessions of a user that start on that UTC day, with all their events. */
export interface StoredDay {
  readonly day: string;
  /** Sessions of the same user and month stored on earlier days: with the head's month counts, session numbers. */
  readonly before: number;
  readonly sessions: readonly Session[];
}

/** The whole-user figures the head keeps, so a summary or a page number never needs a scan. */
export interface UserTotals {
  readonly sessionCount: number;
  readonly eventCount: number;
  /** Earliest and latest event; undefined for a user with no sessions. */
  readonly firstSeenAt: number | undefined;
  readonly lastSeenAt: number | undefined;
  /** Sessions per `YYYY-MM` month of their start. */
  readonly months: ReadonlyMap<string, number>;
  /** Days holding sessions: with the session count, how many days a page of sessions spans. */
  readonly dayCount: number;
}

export const EMPTY_TOTALS: UserTotals = {
  sessionCount: 0,
  eventCount: 0,
  firstSeenAt: undefined,
  lastSeenAt: undefined,
  months: new Map(),
  dayCount: 0,
};

export function eventsOfDays(days: readonly StoredDay[]): EventRecord[] {
  const events: EventRecord[] = [];
  for (const day of days)
    for (const session of day.sessions) for (const event of session.events) events.push(event);
  return events;
}

/** Where the loaded range sits in the user's history: whether stored days precede or follow it. */
export interface RangeCoverage {
  readonly startsAtFirstDay: boolean;
  readonly endsAtLastDay: boolean;
}

/**
 * First and last seen after a merge: outside the loaded range nothing changed, so the old bounds stand unless
 * the range held them. `outside` gives the nearest event beyond a range that was emptied at an end of history.
 */
export function seenBounds(
  old: Pick<UserTotals, 'firstSeenAt' | 'lastSeenAt'>,
  range: { first: number | undefined; last: number | undefined },
  coverage: RangeCoverage,
  outside: { firstAfter?: number | undefined; lastBefore?: number | undefined } = {},
): { firstSeenAt: number | undefined; lastSeenAt: number | undefined } {
  const firstSeenAt = coverage.startsAtFirstDay
    ? (range.first ?? outside.firstAfter)
    : Math.min(old.firstSeenAt ?? Number.POSITIVE_INFINITY, range.first ?? Number.POSITIVE_INFINITY);
  const lastSeenAt = coverage.endsAtLastDay
    ? (range.last ?? outside.lastBefore)
    : Math.max(old.lastSeenAt ?? Number.NEGATIVE_INFINITY, range.last ?? Number.NEGATIVE_INFINITY);
  return {
    firstSeenAt: firstSeenAt === undefined || !Number.isFinite(firstSeenAt) ? undefined : firstSeenAt,
    lastSeenAt: lastSeenAt === undefined || !Number.isFinite(lastSeenAt) ? undefined : lastSeenAt,
  };
}
