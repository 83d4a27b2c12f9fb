import type { EventRecord } from './event.js';
import { formatTimestamp, parseTimestamp } from './timestamp.js';

export const DEFAULT_GAP_MINUTES = 30;

export interface Session {
  readonly userId: string;
  readonly sessionId: string;
  /** 1-based position among the user's sessions by start; only meaningful over the user's full history. */
  readonly sessionNumber: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly eventCount: number;
  /** Ordered by timestamp, ties by event id (spec rule 5). */
  readonly events: readonly EventRecord[];
}

export function minutesToMs(minutes: number): number {
  return Math.round(minutes * 60_000);
}

/** Spec rule 5 order: timestamp, then event id so ties are deterministic. */
export function compareEvents(a: EventRecord, b: EventRecord): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/**
 * Two deliveries of one messageId should carry the same content; when they do not, the winner must not
 * depend on arrival order (spec rule 6), so the smaller content wins: earlier timestamp, then user, type, name.
 */
export function preferredDuplicate(a: EventRecord, b: EventRecord): EventRecord {
  const order =
    a.timestamp - b.timestamp ||
    compareText(a.userId, b.userId) ||
    compareText(a.type, b.type) ||
    compareText(a.name, b.name);
  return order <= 0 ? a : b;
}

/**
 * A session's id is its start in compact UTC form (`20240101T090000000Z`): deterministic, sortable, and
 * unique per user because two sessions of one user never start at the same millisecond.
 */
export function sessionIdFor(startedAt: number): string {
  return formatTimestamp(startedAt).replace(/[-:.]/g, '');
}

const SESSION_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;

/** The start time a session id stands for, or undefined when it is not a session id. */
export function startedAtFromSessionId(sessionId: string): number | undefined {
  const match = SESSION_ID.exec(sessionId);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match;
  // parseTimestamp validates every field and, unlike Date.UTC, keeps years 0-99 literal.
  return parseTimestamp(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
}

/**
 * Splits one user's events, already deduplicated and sorted by {@link compareEvents}, into sessions: a new
 * session starts at the first event and after every gap strictly greater than `gapMs`.
 */
export function splitSessions(
  userId: string,
  sortedEvents: readonly EventRecord[],
  gapMs: number,
  firstSessionNumber = 1,
): Session[] {
  const sessions: Session[] = [];
  let start = 0;
  for (let i = 1; i <= sortedEvents.length; i++) {
    const current = sortedEvents[i];
    const previous = sortedEvents[i - 1] as EventRecord;
    if (current !== undefined && current.timestamp - previous.timestamp <= gapMs) continue;
    const events = sortedEvents.slice(start, i);
    const first = events[0] as EventRecord;
    sessions.push({
      userId,
      sessionId: sessionIdFor(first.timestamp),
      sessionNumber: firstSessionNumber + sessions.length,
      startedAt: first.timestamp,
      endedAt: previous.timestamp,
      eventCount: events.length,
      events,
    });
    start = i;
  }
  return sessions;
}

/** Merges events into a deduplicated set keyed by event id (spec rule 3). */
export class EventSet {
  private readonly byId = new Map<string, EventRecord>();

  add(record: EventRecord): void {
    const existing = this.byId.get(record.id);
    this.byId.set(record.id, existing === undefined ? record : preferredDuplicate(existing, record));
  }

  get size(): number {
    return this.byId.size;
  }

  /** Events grouped by user, each group sorted by {@link compareEvents}; users in code-unit order. */
  byUser(): Map<string, EventRecord[]> {
    const groups = new Map<string, EventRecord[]>();
    for (const record of this.byId.values()) {
      const group = groups.get(record.userId);
      if (group === undefined) groups.set(record.userId, [record]);
      else group.push(record);
    }
    const users = [...groups.keys()].sort();
    const sorted = new Map<string, EventRecord[]>();
    for (const user of users) sorted.set(user, (groups.get(user) as EventRecord[]).sort(compareEvents));
    return sorted;
  }
}

/** The one-shot batch computation of spec rules 1-5: every user's sessions, users in code-unit order. */
export function sessionize(events: Iterable<EventRecord>, gapMs: number): Session[] {
  const set = new EventSet();
  for (const event of events) set.add(event);
  return sessionizeSet(set, gapMs);
}

export function sessionizeSet(set: EventSet, gapMs: number): Session[] {
  const sessions: Session[] = [];
  for (const [userId, events] of set.byUser()) {
    for (const session of splitSessions(userId, events, gapMs)) sessions.push(session);
  }
  return sessions;
}

/** The label of an event in summaries: a track's event name, a page's name, else its type. */
export function eventLabel(event: EventRecord): string {
  return event.name ?? event.type;
}
