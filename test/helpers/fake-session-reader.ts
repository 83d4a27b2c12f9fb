import type { EventRecord } from '../../functions/domain/event.js';
import type {
  SessionListPage,
  SessionListQuery,
  SessionReader,
  StoredSession,
  TimelineEvent,
  UserSummary,
} from '../../functions/domain/session-store.js';
import { summarizeSession, toTimelineEvent } from '../../functions/domain/session-view.js';
import { DEFAULT_GAP_MINUTES, minutesToMs, sessionize } from '../../functions/domain/sessionize.js';

interface StoredEntry {
  readonly session: StoredSession;
  readonly events: readonly TimelineEvent[];
}

function assertPrecondition(ok: boolean, what: string): void {
  // The real store may misbehave on such input; failing loudly makes the API tests catch the caller.
  if (!ok) throw new Error(`FakeSessionReader: ${what}`);
}

function isEpochMs(value: number | undefined): boolean {
  return value === undefined || Number.isSafeInteger(value);
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

  static fromEvents(
    events: Iterable<EventRecord>,
    gapMs = minutesToMs(DEFAULT_GAP_MINUTES),
  ): FakeSessionReader {
    const reader = new FakeSessionReader();
    for (const session of sessionize(events, gapMs)) {
      const entry: StoredEntry = {
        session: summarizeSession(session),
        events: session.events.map(toTimelineEvent),
      };
      const entries = reader.users.get(session.userId) ?? [];
      entries.push(entry);
      reader.users.set(session.userId, entries);
    }
    return reader;
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
    const matching = inOrder.filter(
      (session) =>
        (from === undefined || session.startedAt >= from) &&
        (to === undefined || session.startedAt <= to) &&
        (after === undefined || (order === 'asc' ? session.startedAt > after : session.startedAt < after)),
    );
    return { sessions: matching.slice(0, limit), hasMore: matching.length > limit };
  }

  async getSession(
    userId: string,
    sessionId: string,
  ): Promise<{ session: StoredSession; events: readonly TimelineEvent[] } | undefined> {
    return this.users.get(userId)?.find((entry) => entry.session.sessionId === sessionId);
  }

  async getUserSummary(userId: string): Promise<UserSummary | undefined> {
    const entries = this.users.get(userId);
    if (entries === undefined || entries.length === 0) return undefined;
    const sessions = entries.map((entry) => entry.session);
    return {
      userId,
      sessionCount: sessions.length,
      eventCount: sessions.reduce((sum, session) => sum + session.eventCount, 0),
      firstSeenAt: Math.min(...sessions.map((session) => session.startedAt)),
      lastSeenAt: Math.max(...sessions.map((session) => session.endedAt)),
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

const GAP_PLUS_HOUR_MS = minutesToMs(DEFAULT_GAP_MINUTES + 60);

/**
 * Events making `sessionCount` sessions for one user, one every 90 minutes from `startMs`; session k has
 * k % 3 + 1 events a minute apart, starting with a page view and ending with a track event.
 */
export function eventsForSessions(userId: string, sessionCount: number, startMs: number): EventRecord[] {
  const events: EventRecord[] = [];
  for (let k = 0; k < sessionCount; k++) {
    const start = startMs + k * GAP_PLUS_HOUR_MS;
    const count = (k % 3) + 1;
    for (let j = 0; j < count; j++) {
      const last = j === count - 1 && j > 0;
      events.push({
        id: `${userId}-${k}-${j}`,
        userId,
        timestamp: start + j * 60_000,
        type: last ? 'track' : 'page',
        name: last ? 'Checkout' : j === 0 ? 'Home' : null,
        hasMessageId: j !== 1,
      });
    }
  }
  return events;
}
