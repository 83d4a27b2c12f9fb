import type { EventRecord, EventType } from './event.js';

/** A stored session as readers see it. Timestamps are UTC epoch ms. */
export interface StoredSession {
  readonly userId: string;
  readonly sessionId: string;
  /** 1-based position among all the user's sessions by start (spec rule 5). */
  readonly sessionNumber: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly eventCount: number;
  /** Label (track event name, page/screen name, else type) of the first and last event. */
  readonly firstEvent: string;
  readonly lastEvent: string;
}

/** One entry of a session's timeline. */
export interface TimelineEvent {
  readonly id: string;
  /** Null when the event came without one and `id` was derived from its content. */
  readonly messageId: string | null;
  readonly type: EventType;
  /** A track's event name or a page/screen name. */
  readonly name: string | null;
  readonly timestamp: number;
}

export type SortOrder = 'asc' | 'desc';

export interface SessionListQuery {
  readonly userId: string;
  /** Inclusive bounds on the session start, epoch ms. */
  readonly from?: number;
  readonly to?: number;
  readonly order: SortOrder;
  readonly limit: number;
  /** Continue after the session with this start (exclusive, in `order`): the position a cursor carries. */
  readonly after?: number;
}

export interface SessionListPage {
  readonly sessions: readonly StoredSession[];
  /** True when more sessions match after the last one returned. */
  readonly hasMore: boolean;
}

export interface UserSummary {
  readonly userId: string;
  readonly sessionCount: number;
  readonly eventCount: number;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
}

/** Read side of the session store (port): what the lookup API needs. */
export interface SessionReader {
  listSessions(query: SessionListQuery): Promise<SessionListPage>;
  /** Undefined when the user has no session with this id. */
  getSession(
    userId: string,
    sessionId: string,
  ): Promise<{ session: StoredSession; events: readonly TimelineEvent[] } | undefined>;
  /** Undefined when the user is unknown. */
  getUserSummary(userId: string): Promise<UserSummary | undefined>;
}

export interface UserMergeResult {
  readonly userId: string;
  /** Events that were not stored when this merge began (duplicates of stored events do not count). */
  readonly newEvents: number;
  /** Session records created or rewritten. */
  readonly sessionsWritten: number;
  /** Optimistic-concurrency attempts it took (1 when nobody else wrote this user meanwhile). */
  readonly attempts: number;
}

/** Write side of the session store (port): what the ingest needs. */
export interface SessionWriter {
  /**
   * Merges one user's events into the stored sessions so the result equals the batch computation over
   * everything delivered so far (spec rule 6). Idempotent; safe to run concurrently for the same user.
   */
  mergeUserEvents(userId: string, events: readonly EventRecord[]): Promise<UserMergeResult>;
}
