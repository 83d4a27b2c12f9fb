import type { EventRecord, EventSource } from '../events/event.js';
import type { CompiledRules } from '../rules/session-rules.js';
import { compareEvents } from '../sessions/order.js';
import { projectionKey } from '../sessions/projection.js';
import type { Session } from '../sessions/session.js';
import { splitSessions } from '../sessions/split.js';
import { dayOf, monthOfDay } from './calendar.js';
import { type CopyTexts, preferredCopy, type UnreadCopies } from './copy-choice.js';
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
   * Texts of copies tied at one instant that differ: the plan names those it lacks ({@link
   * MergePlan.unreadCopies}). Without it such ties go by projection.
   */
  readonly texts?: CopyTexts;
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
   * take the winner's place then. A user's copy sent from another device is kept for its link: rule 8 takes
   * links from every copy, so a rebuild that turns stitching on must find it.
   */
  readonly parked: readonly EventRecord[];
  /** Whether {@link parked} differs from the request's. */
  readonly parkedChanged: boolean;
  /** Copies whose texts a tie needed and the request's texts lacked: the plan is not final until they are read. */
  readonly unreadCopies: readonly EventSource[];
}

function sameEvents(a: readonly EventRecord[], b: readonly EventRecord[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as EventRecord;
    const y = b[i] as EventRecord;
    if (x !== y && projectionKey(x) !== projectionKey(y)) return false;
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

/**
 * Parked copies a user keeps at most, the latest (they live in the head, which every merge of the user
 * rewrites and pays for by size): past it, the earliest are dropped, as every losing copy was before parking.
 */
export const MAX_PARKED_COPIES = 500;

/**
 * Characters of event ids the parked copies hold at most, together: a messageId has no length limit, and the
 * head that holds them must stay under DynamoDB's 400 KB. Past it, the earliest go too.
 */
export const MAX_PARKED_ID_CHARACTERS = 128 * 1024;

/** Where a copy in a user's partition came from: the user's own events from one anonymousId, or one anonymousId's. */
function originOf(event: EventRecord): string {
  return `${event.userId !== null ? 'u' : 'a'}:${event.anonymousId ?? ''}`;
}

/**
 * Whether a losing copy is worth keeping: a user's copy never leaves the partition, so the user's copy that
 * loses to one can only matter for the link it carries, and one without an anonymousId carries none.
 */
function worthParking(loser: EventRecord, winner: EventRecord): boolean {
  return !(loser.userId !== null && loser.anonymousId === null && winner.userId !== null);
}

/** Parked copies compared as a set: by id and projection. */
function sameCopies(a: readonly EventRecord[], b: readonly EventRecord[]): boolean {
  if (a.length !== b.length) return false;
  const keys = (events: readonly EventRecord[]) =>
    events.map((event) => `${event.id}\u0000${projectionKey(event)}`).sort();
  const x = keys(a);
  const y = keys(b);
  return x.every((key, index) => key === y[index]);
}

export function planMerge(request: MergeRequest): MergePlan {
  const { user, rules, totals, loaded } = request;
  const remove = request.remove;
  const texts = request.texts;
  const unread: UnreadCopies = new Map();
  const prefer = (held: EventRecord, event: EventRecord) => preferredCopy(held, event, texts, unread);
  // Per event id, the preferred copy of each origin (a map only once two origins meet). Stored events first,
  // so a redelivered copy keeps the stored one unless it is preferred.
  const copies = new Map<string, EventRecord | Map<string, EventRecord>>();
  const offer = (event: EventRecord) => {
    const held = copies.get(event.id);
    if (held === undefined) {
      copies.set(event.id, event);
      return;
    }
    const origin = originOf(event);
    if (!(held instanceof Map)) {
      const heldOrigin = originOf(held);
      if (heldOrigin === origin) copies.set(event.id, prefer(held, event));
      else
        copies.set(
          event.id,
          new Map([
            [heldOrigin, held],
            [origin, event],
          ]),
        );
      return;
    }
    const same = held.get(origin);
    held.set(origin, same === undefined ? event : prefer(same, event));
  };
  let storedCount = 0;
  let removedEvents = 0;
  // Ids of loaded events that leave: a parked copy of one of them may take its place.
  const removedIds = new Set<string>();
  for (const day of loaded) {
    for (const session of day.sessions) {
      for (const event of session.events) {
        storedCount++;
        if (remove?.(event)) {
          removedEvents++;
          removedIds.add(event.id);
          continue;
        }
        offer(event);
      }
    }
  }
  // A parked copy is weighed again when the copy it lost to is loaded; otherwise nothing about it changes.
  const parkedAside: EventRecord[] = [];
  for (const event of request.parked ?? []) {
    if (remove?.(event)) continue;
    if (copies.has(event.id) || removedIds.has(event.id)) offer(event);
    else parkedAside.push(event);
  }
  let newEvents = 0;
  for (const event of request.add) {
    if (remove?.(event)) continue;
    if (!copies.has(event.id)) newEvents++;
    offer(event);
  }
  const events: EventRecord[] = [];
  const parked = parkedAside;
  for (const held of copies.values()) {
    if (!(held instanceof Map)) {
      events.push(held);
      continue;
    }
    let winner: EventRecord | undefined;
    for (const copy of held.values()) winner = winner === undefined ? copy : prefer(winner, copy);
    events.push(winner as EventRecord);
    for (const copy of held.values())
      if (copy !== winner && worthParking(copy, winner as EventRecord)) parked.push(copy);
  }
  events.sort(compareEvents);
  const idCharacters = parked.reduce((sum, copy) => sum + copy.id.length, 0);
  if (parked.length > MAX_PARKED_COPIES || idCharacters > MAX_PARKED_ID_CHARACTERS) {
    parked.sort((a, b) => compareEvents(b, a));
    let kept = 0;
    for (let sum = 0; kept < Math.min(parked.length, MAX_PARKED_COPIES); kept++) {
      sum += (parked[kept] as EventRecord).id.length;
      if (sum > MAX_PARKED_ID_CHARACTERS) break;
    }
    parked.length = kept;
  }
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
