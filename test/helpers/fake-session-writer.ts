import type { EventRecord } from '../../functions/domain/event.js';
import type {
  SessionListPage,
  SessionListQuery,
  SessionWriter,
  UserMergeResult,
} from '../../functions/domain/session-store.js';
import { summarizeSession } from '../../functions/domain/session-view.js';
import { EventSet, type Session, splitSessions } from '../../functions/domain/sessionize.js';

export interface MergeCall {
  readonly userId: string;
  readonly events: readonly EventRecord[];
}

/**
 * In-memory {@link SessionWriter} with the port's semantics: every user's events are kept in an
 * {@link EventSet} (same dedupe as the batch), and their sessions are the batch split of all of them, so
 * after any sequence of merges `sessions()` must equal `sessionize()` over everything delivered.
 */
export class FakeSessionWriter implements SessionWriter {
  /** Every mergeUserEvents call, in call order, for assertions. */
  readonly calls: MergeCall[] = [];
  private readonly users = new Map<string, { events: EventSet; sessions: Session[] }>();
  private failure: ((userId: string) => Error | undefined) | undefined;

  constructor(private readonly gapMs: number) {}

  /** Makes mergeUserEvents reject (before storing anything) with whatever `fail` returns for a user. */
  failWith(fail: ((userId: string) => Error | undefined) | undefined): void {
    this.failure = fail;
  }

  async mergeUserEvents(userId: string, events: readonly EventRecord[]): Promise<UserMergeResult> {
    this.calls.push({ userId, events: [...events] });
    // A real store answers asynchronously; let other merges interleave as they would.
    await new Promise((resolve) => setImmediate(resolve));
    const error = this.failure?.(userId);
    if (error !== undefined) throw error;
    const user = this.users.get(userId) ?? { events: new EventSet(), sessions: [] };
    this.users.set(userId, user);
    const before = user.events.size;
    for (const event of events) {
      if (event.userId !== userId)
        throw new Error(`event ${event.id} of ${event.userId} merged into ${userId}`);
      user.events.add(event);
    }
    const previous = new Map(user.sessions.map((session) => [session.sessionId, sessionSignature(session)]));
    user.sessions = splitSessions(userId, user.events.byUser().get(userId) ?? [], this.gapMs);
    const sessionsWritten = user.sessions.filter(
      (session) => previous.get(session.sessionId) !== sessionSignature(session),
    ).length;
    return { userId, newEvents: user.events.size - before, sessionsWritten, attempts: 1 };
  }

  userIds(): string[] {
    return [...this.users.keys()].sort();
  }

  /** The user's stored sessions, by start; every user's in code-unit order of user when no user is given. */
  sessions(userId?: string): Session[] {
    if (userId !== undefined) return [...(this.users.get(userId)?.sessions ?? [])];
    return this.userIds().flatMap((id) => this.sessions(id));
  }

  /** The read side's listing over the same data, so tests can run against this or the real store. */
  async listSessions(query: SessionListQuery): Promise<SessionListPage> {
    const matching = this.sessions(query.userId)
      .filter((session) => query.from === undefined || session.startedAt >= query.from)
      .filter((session) => query.to === undefined || session.startedAt <= query.to);
    if (query.order === 'desc') matching.reverse();
    const after = query.after;
    const rest =
      after === undefined
        ? matching
        : matching.filter((session) =>
            query.order === 'asc' ? session.startedAt > after : session.startedAt < after,
          );
    return { sessions: rest.slice(0, query.limit).map(summarizeSession), hasMore: rest.length > query.limit };
  }
}

function sessionSignature(session: Session): string {
  return `${session.sessionNumber}:${session.startedAt}:${session.endedAt}:${session.events.map((event) => event.id).join(',')}`;
}
