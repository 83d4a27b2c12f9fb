import type { EventRecord, EventSource } from '../events/event.js';
import type { CompiledRules } from '../rules/session-rules.js';
import { projectionKey } from '../sessions/projection.js';
import type { Session } from '../sessions/session.js';
import { splitSessions } from '../sessions/split.js';
import { dayOf, monthOfDay } from './calendar.js';
import { type CopyTexts, preferredCopy, sameSource, type UnreadCopies } from './copy-choice.js';
import { type CopiesRequest, chooseCopies, sameCopies } from './partition-copies.js';
import type { StoredDay, UserTotals } from './stored.js';

/**
 * Merge planning, pure so it can be tested without a database. A user's sessions live in day buckets (the
 * UTC day each session starts). New or leaving events can only change sessions within one gap of them, and
 * the capped chains that follow; the caller loads those days (a contiguous range, whole days), plus the rest
 * of the range's last month, and this module re-runs the batch rules on them and says what changes.
 */
export interface MergeRequest {
  readonly user: string;
  readonly rules: CompiledRules;
  /** The head's committed totals. */
  readonly totals: UserTotals;
  /** Contiguous stored days, ascending; every session that the change can reach is among them. */
  readonly loaded: readonly StoredDay[];
  readonly add: readonly EventRecord[];
  /** Events leaving this user (a stitching move or an erasure); kept when absent. */
  readonly remove?: (event: EventRecord) => boolean;
  /** Copies kept out of the sessions (see {@link MergePlan.parked}); none when absent. */
  readonly parked?: readonly EventRecord[];
  /**
   * Texts of copies tied at one instant, read from different records: the plan names those it lacks ({@link
   * MergePlan.unreadCopies}). Without it such ties go by projection, and of copies alike in it the stored stays.
   */
  readonly texts?: CopyTexts;
  /** The new events' span, when only a window around it is loaded (see {@link CopiesRequest.reach}). */
  readonly reach?: CopiesRequest['reach'];
}

export interface DayChange {
  readonly day: string;
  readonly before: number;
  /** Empty when the day no longer holds any session. */
  readonly sessions: readonly Session[];
  /** True when the day was not stored before. */
  readonly isNew: boolean;
}

export interface MergePlan {
  /** Days whose sessions or `before` change, ascending. */
  readonly changes: readonly DayChange[];
  readonly sessionCount: number;
  readonly eventCount: number;
  readonly months: ReadonlyMap<string, number>;
  readonly dayCount: number;
  /** First and last event left in the loaded range (undefined when it is empty now). */
  readonly rangeFirstEventAt: number | undefined;
  readonly rangeLastEventAt: number | undefined;
  /** Events that were not stored before (copies of stored events do not count). */
  readonly newEvents: number;
  readonly removedEvents: number;
  readonly sessionsWritten: number;
  /**
   * Copies of an event that lost to a copy of another origin (the user's own events sent from one
   * anonymousId, or one anonymousId's events without a userId): one event while both are here (rule 3), two
   * again if a stitching move takes the anonymous one away, so the loser is kept, out of the sessions, to
   * take the winner's place then. A user's copy sent from another device is kept for its link, and so is one
   * that lost to an alias (which never links): rule 8 takes links from every copy, so a rebuild that turns
   * stitching on must find it.
   */
  readonly parked: readonly EventRecord[];
  /** Whether {@link parked} differs from the request's. */
  readonly parkedChanged: boolean;
  /** Copies whose texts a tie needed and the request's texts lacked: the plan is not final until they are read. */
  readonly unreadCopies: readonly EventSource[];
}

/**
 * Whether two lists hold the same events: alike in projection and read from the same record (a look-alike
 * whose text sorts first replaces a stored copy, and its day is written again to say where it was read).
 */
function sameEvents(a: readonly EventRecord[], b: readonly EventRecord[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as EventRecord;
    const y = b[i] as EventRecord;
    if (x !== y && (projectionKey(x) !== projectionKey(y) || !sameSource(x.source, y.source))) return false;
  }
  return true;
}

function sameSessions(a: readonly Session[], b: readonly Session[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Session;
    const y = b[i] as Session;
    if (
      x.startedAt !== y.startedAt ||
      x.continuesChain !== y.continuesChain ||
      !sameEvents(x.events, y.events)
    )
      return false;
  }
  return true;
}

function countByMonth(days: Iterable<{ day: string; sessions: readonly Session[] }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { day, sessions } of days) {
    if (sessions.length === 0) continue;
    const month = monthOfDay(day);
    counts.set(month, (counts.get(month) ?? 0) + sessions.length);
  }
  return counts;
}

export function planMerge(request: MergeRequest): MergePlan {
  const { user, rules, totals, loaded } = request;
  const unread: UnreadCopies = new Map();
  const { events, parked, storedCount, removedEvents, newEvents } = chooseCopies({
    loaded,
    add: request.add,
    remove: request.remove,
    parked: request.parked,
    prefer: (held, event) => preferredCopy(held, event, request.texts, unread),
    reweighParked: request.texts !== undefined,
    reach: request.reach,
  });
  const recomputed = splitSessions(user, events, rules);

  // The first session keeps its place in a capped chain when its start did not move.
  const firstStored = loaded[0]?.sessions[0];
  const firstNew = recomputed[0];
  if (firstStored !== undefined && firstNew !== undefined && firstStored.continuesChain) {
    if (firstNew.startedAt === firstStored.startedAt) recomputed[0] = { ...firstNew, continuesChain: true };
  }

  const byDay = new Map<string, Session[]>();
  for (const session of recomputed) {
    const day = dayOf(session.startedAt);
    const list = byDay.get(day);
    if (list === undefined) byDay.set(day, [session]);
    else list.push(session);
  }
  const storedByDay = new Map(loaded.map((day) => [day.day, day]));
  const days = [...new Set([...storedByDay.keys(), ...byDay.keys()])].sort();

  // `before` of the first day of each month in the range: the month's sessions that lie before the range.
  const storedInRange = countByMonth(loaded);
  const startOfRange = new Map<string, number>();
  for (const [month, count] of totals.months) {
    const inRange = storedInRange.get(month) ?? 0;
    if (inRange > 0 || (days.length > 0 && monthOfDay(days[0] as string) === month)) {
      startOfRange.set(month, count - inRange);
    }
  }

  const changes: DayChange[] = [];
  const running = new Map<string, number>();
  let sessionsWritten = 0;
  for (const day of days) {
    const month = monthOfDay(day);
    const before = running.get(month) ?? startOfRange.get(month) ?? 0;
    const sessions = byDay.get(day) ?? [];
    running.set(month, before + sessions.length);
    const stored = storedByDay.get(day);
    if (stored !== undefined && stored.before === before && sameSessions(stored.sessions, sessions)) continue;
    if (stored === undefined && sessions.length === 0) continue;
    changes.push({ day, before, sessions, isNew: stored === undefined });
    sessionsWritten += sessions.length;
  }

  const months = new Map(totals.months);
  const newInRange = countByMonth([...byDay].map(([day, sessions]) => ({ day, sessions })));
  for (const month of new Set([...storedInRange.keys(), ...newInRange.keys()])) {
    const count = (months.get(month) ?? 0) - (storedInRange.get(month) ?? 0) + (newInRange.get(month) ?? 0);
    if (count > 0) months.set(month, count);
    else months.delete(month);
  }
  const sortedMonths = new Map([...months].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const storedSessions = loaded.reduce((sum, day) => sum + day.sessions.length, 0);
  return {
    changes,
    sessionCount: totals.sessionCount - storedSessions + recomputed.length,
    eventCount: totals.eventCount - storedCount + events.length,
    months: sortedMonths,
    dayCount: totals.dayCount - loaded.length + byDay.size,
    rangeFirstEventAt: events[0]?.timestamp,
    rangeLastEventAt: events[events.length - 1]?.timestamp,
    newEvents,
    removedEvents,
    sessionsWritten,
    parked,
    parkedChanged: !sameCopies(request.parked ?? [], parked),
    unreadCopies: [...unread.values()],
  };
}
