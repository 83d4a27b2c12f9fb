import { cutForDisplay } from '../domain/events/display-text.js';
import { type EventRecord, messageIdOf, type SentValue } from '../domain/events/event.js';
import { formatTimestamp } from '../domain/rules/timestamp.js';
import type { UserSummary } from '../domain/store/ports.js';

/** One entry of a session's timeline: what a person needs to follow a visit. */
export interface TimelineEventView {
  id: string;
  messageId: string | null;
  type: EventRecord['type'];
  timestamp: string;
  /** A track's event name, a page or screen name. */
  name: string | null;
  /** A page event's url, path and title; null for other events. */
  url: SentValue;
  path: SentValue;
  title: SentValue;
  anonymousId: string | null;
}

/**
 * The view of an event as a page shows it. Its id and messageId are cut as shown text is: a messageId has no
 * length limit (rule 1), and a page, which always holds one event, must fit a response (6 MB).
 */
export function timelineEventView(event: EventRecord): TimelineEventView {
  const messageId = messageIdOf(event);
  return {
    id: cutForDisplay(event.id),
    messageId: messageId === null ? null : cutForDisplay(messageId),
    type: event.type,
    timestamp: formatTimestamp(event.timestamp),
    name: event.name,
    url: event.page?.url ?? null,
    path: event.page?.path ?? null,
    title: event.page?.title ?? null,
    anonymousId: event.anonymousId,
  };
}

export interface UserSummaryView {
  userId: string;
  sessionCount: number;
  eventCount: number;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  /** AnonymousIds stitched to this user (rule 8): how many, and the first few. */
  anonymousIds: { count: number; items: readonly string[] };
  /** When this id is also an anonymousId stitched to a user: that user. */
  stitchedTo: string | null;
}

export function userSummaryView(summary: UserSummary): UserSummaryView {
  return {
    userId: summary.userId,
    sessionCount: summary.sessionCount,
    eventCount: summary.eventCount,
    firstSeenAt: summary.firstSeenAt === undefined ? null : formatTimestamp(summary.firstSeenAt),
    lastSeenAt: summary.lastSeenAt === undefined ? null : formatTimestamp(summary.lastSeenAt),
    anonymousIds: { count: summary.stitchedCount, items: summary.stitchedSample },
    stitchedTo: summary.stitchedTo ?? null,
  };
}
