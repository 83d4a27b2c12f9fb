import type { TimelineEvent, UserSummary } from '../domain/session-store.js';
import { formatTimestamp } from '../domain/timestamp.js';

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
