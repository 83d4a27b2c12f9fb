import type { StoredSession, TimelineEvent, UserSummary } from '../domain/session-store.js';
import type { SessionView } from '../domain/session-view.js';
import { formatTimestamp } from '../domain/timestamp.js';

/** The same shape the CLI prints (`toSessionView`), built from a stored session's summary fields. */
export function storedSessionView(session: StoredSession): SessionView {
  return {
    userId: session.userId,
    sessionNumber: session.sessionNumber,
    sessionId: session.sessionId,
    startedAt: formatTimestamp(session.startedAt),
    endedAt: formatTimestamp(session.endedAt),
    durationSeconds: (session.endedAt - session.startedAt) / 1000,
    eventCount: session.eventCount,
    firstEvent: session.firstEvent,
    lastEvent: session.lastEvent,
  };
}

export interface TimelineEventView {
  id: string;
  messageId: string | null;
  type: TimelineEvent['type'];
  name: string | null;
  timestamp: string;
}

export function timelineEventView(event: TimelineEvent): TimelineEventView {
  return {
    id: event.id,
    messageId: event.messageId,
    type: event.type,
    name: event.name,
    timestamp: formatTimestamp(event.timestamp),
  };
}

export interface UserSummaryView {
  userId: string;
  sessionCount: number;
  eventCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

export function userSummaryView(summary: UserSummary): UserSummaryView {
  return {
    userId: summary.userId,
    sessionCount: summary.sessionCount,
    eventCount: summary.eventCount,
    firstSeenAt: formatTimestamp(summary.firstSeenAt),
    lastSeenAt: formatTimestamp(summary.lastSeenAt),
  };
}
