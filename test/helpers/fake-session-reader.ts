import type { EventRecord } from '../../functions/domain/events/event.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../functions/domain/rules/session-rules.js';
import { compareEvents } from '../../functions/domain/sessions/order.js';
import { splitSessions } from '../../functions/domain/sessions/split.js';
import { type SessionSummary, summarizeSession } from '../../functions/domain/sessions/summary.js';
import type {
  EventsWanted,
  SessionEvents,
  SessionListPage,
  SessionListQuery,
  SessionReader,
  UserSummary,
} from '../../functions/domain/store/ports.js';
import { groupByUser, record } from './event-arbitraries.js';

interface StoredEntry {
  readonly session: SessionSummary;
  readonly events: readonly EventRecord[];
}

function assertPrecondition(ok: boolean, what: string): void {
  // The real store may misbehave on such input; failing loudly makes the API tests catch the caller.
  if (!ok) throw new Error(`FakeSessionReader: ${what}`);
}

function isEpochMs(value: number | undefined): boolean {
  return value === undefined || Number.isSafeInteger(value);
}

/** Where the page `wanted` asks for starts among `events`: its index, or just after the events of its time. */
export function pageStartOf(events: readonly EventRecord[], wanted: EventsWanted): number {
  const time = wanted.afterTime;
  if (time === undefined) return Math.min(wanted.fromIndex, events.length);
  const start = events.findIndex((event) => event.timestamp > time);
  return start === -1 ? events.length : start;
}

/** The shortest [from, to) of `events` that holds what `wanted` asks for (see EventsWanted). */
export function tightestRun(events: readonly EventRecord[], wanted: EventsWanted): [number, number] {
  const start = pageStartOf(events, wanted);
  const time = wanted.afterTime;
  let from = time === undefined ? start : events.findIndex((event) => event.timestamp >= time);
  if (from === -1) from = events.length;
  return [from, Math.min(events.length, start + wanted.count)];
}

/**
 * In-memory {@link SessionReader} with the port's documented semantics, built from events by the domain's
 * own sessionization. It throws on queries the port does not allow (bad limit, from > to, ...), so a handler
 * that forwards unchecked input shows up as a 500 in tests.
 */
export class FakeSessionReader implements SessionReader {
  /** Every listSessions query received, for assertions. */
  readonly listQueries: SessionListQuery[] = [];
  private readonly users = new Map<string, StoredEntry[]>();
  /** AnonymousId → the user it is stitched to. */
  readonly stitched = new Map<string, string>();
  /**
   * When set, a filtered page stops once it has scanned this many sessions without filling up, and says where
   * to resume (`resumeAfter`), as the real reader does so that no page reads a whole history.
   */
  scanLimit: number | undefined;
  /**
   * When set, a session comes with the fewest events the port allows for what was asked, as a store that
   * reads long sessions in part may answer.
   */
  tightRuns = false;

  static fromEvents<Reader extends FakeSessionReader>(
    this: new () => Reader,
    events: Iterable<EventRecord>,
  ): Reader {
    const reader = new this();
    const rules = compileRules(DEFAULT_SESSION_RULES);
    for (const [user, userEvents] of groupByUser([...events])) {
      const sessions = splitSessions(user, [...userEvents].sort(compareEvents), rules);
      reader.users.set(
        user,
        sessions.map((session, index) => ({
          session: summarizeSession(session, index + 1),
          events: session.events,
        })),
      );
    }
    return reader;
  }

  /** The rules a user's sessions were cut under, as the real store's head records them. */
  rulesFingerprint: string = compileRules(DEFAULT_SESSION_RULES).fingerprint;

  /** Forgets a user's sessions, as an erasure or a stitching move does. */
  remove(userId: string): void {
    this.users.delete(userId);
  }

  async listSessions(query: SessionListQuery): Promise<SessionListPage> {
    this.listQueries.push(query);
    const { userId, from, to, order, limit, after } = query;
    assertPrecondition(typeof userId === 'string' && userId !== '', `bad userId ${JSON.stringify(userId)}`);
    assertPrecondition(order === 'asc' || order === 'desc', `bad order ${order}`);
    assertPrecondition(Number.isInteger(limit) && limit >= 1 && limit <= 100, `bad limit ${limit}`);
    assertPrecondition(isEpochMs(from) && isEpochMs(to) && isEpochMs(after), 'bad from/to/after');
    assertPrecondition(from === undefined || to === undefined || from <= to, 'from after to');
    const inOrder = [...(this.users.get(userId) ?? [])].map((entry) => entry.session);
    if (order === 'desc') inOrder.reverse();
    const inRange = inOrder.filter(
      (session) =>
        (from === undefined || session.startedAt >= from) &&
        (to === undefined || session.startedAt <= to) &&
        (after === undefined || (order === 'asc' ? session.startedAt > after : session.startedAt < after)),
    );
    const scanned =
      this.scanLimit === undefined || query.matches === undefined
        ? inRange
        : inRange.slice(0, this.scanLimit);
    const matching = scanned.filter((session) => query.matches?.(session) ?? true);
    const rules = this.users.has(userId) ? { rules: this.rulesFingerprint } : {};
    if (matching.length > limit) return { sessions: matching.slice(0, limit), hasMore: true, ...rules };
    const lastScanned = scanned[scanned.length - 1];
    if (scanned.length < inRange.length && lastScanned !== undefined) {
      return { sessions: matching, hasMore: true, resumeAfter: lastScanned.startedAt, ...rules };
    }
    return { sessions: matching, hasMore: false, ...rules };
  }

  async getSession(
    userId: string,
    sessionId: string,
    wanted?: EventsWanted,
  ): Promise<SessionEvents | undefined> {
    const entry = this.users.get(userId)?.find((stored) => stored.session.sessionId === sessionId);
    if (entry === undefined) return undefined;
    if (!this.tightRuns || wanted === undefined) return { ...entry, firstIndex: 0 };
    const [from, to] = tightestRun(entry.events, wanted);
    return { session: entry.session, events: entry.events.slice(from, to), firstIndex: from };
  }

  async getUserSummary(userId: string): Promise<UserSummary | undefined> {
    const entries = this.users.get(userId) ?? [];
    const stitchedTo = this.stitched.get(userId);
    if (entries.length === 0 && stitchedTo === undefined) return undefined;
    const sessions = entries.map((entry) => entry.session);
    const anonymousIds = [...this.stitched]
      .filter(([, user]) => user === userId)
      .map(([id]) => id)
      .sort();
    return {
      userId,
      sessionCount: sessions.length,
      eventCount: sessions.reduce((sum, session) => sum + session.eventCount, 0),
      firstSeenAt:
        sessions.length === 0 ? undefined : Math.min(...sessions.map((session) => session.startedAt)),
      lastSeenAt: sessions.length === 0 ? undefined : Math.max(...sessions.map((session) => session.endedAt)),
      stitchedCount: anonymousIds.length,
      stitchedSample: anonymousIds.slice(0, 20),
      stitchedTo,
    };
  }
}

/** A reader whose every call fails, for the 500 path. */
export class FailingSessionReader implements SessionReader {
  constructor(private readonly error: Error = new Error('ProvisionedThroughputExceededException: table t')) {}

  async listSessions(): Promise<SessionListPage> {
    throw this.error;
  }

  async getSession(): Promise<undefined> {
    throw this.error;
  }

  async getUserSummary(): Promise<undefined> {
    throw this.error;
  }
}

export const SESSION_SPACING_MS = 90 * 60_000;

/**
 * Events making `sessionCount` sessions for one user, one every 90 minutes from `startMs`; session k has
 * k % 3 + 1 events a minute apart, starting with a page view and ending with a track event.
 */
export function eventsForSessions(userId: string, sessionCount: number, startMs: number): EventRecord[] {
  const events: EventRecord[] = [];
  for (let k = 0; k < sessionCount; k++) {
    const start = startMs + k * SESSION_SPACING_MS;
    const count = (k % 3) + 1;
    for (let j = 0; j < count; j++) {
      const last = j === count - 1 && j > 0;
      events.push(
        record({
          id: j === 1 ? `h:${userId}-${k}-${j}` : `m:${userId}-${k}-${j}`,
          userId,
          timestamp: start + j * 60_000,
          type: last ? 'track' : 'page',
          name: last ? 'Checkout' : j === 0 ? 'Home' : null,
          page: last
            ? null
            : { url: `https://shop.example/${k}`, path: `/${k}`, title: 'Shop', referrer: null },
        }),
      );
    }
  }
  return events;
}
