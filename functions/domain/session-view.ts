import type { EventRecord } from './event.js';
import type { StoredSession, TimelineEvent } from './session-store.js';
import { eventLabel, type Session } from './sessionize.js';
import { formatTimestamp } from './timestamp.js';

/** How a session is shown to people and APIs: ISO timestamps, duration, first and last event. */
export interface SessionView {
  userId: string;
  sessionNumber: number;
  sessionId: string;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  eventCount: number;
  firstEvent: string;
  lastEvent: string;
}

/** A session without its events: what the store keeps per session and what every view is built from. */
export function summarizeSession(session: Session): StoredSession {
  const first = session.events[0] as EventRecord;
  const last = session.events[session.events.length - 1] as EventRecord;
  return {
    userId: session.userId,
    sessionId: session.sessionId,
    sessionNumber: session.sessionNumber,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    eventCount: session.eventCount,
    firstEvent: eventLabel(first),
    lastEvent: eventLabel(last),
  };
}

/** The one view of a session, shared by the CLI output and the lookup API. */
export function toSessionView(session: StoredSession): SessionView {
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

/** A session event as timelines show it: the messageId only when the event came with one. */
export function toTimelineEvent(event: EventRecord): TimelineEvent {
  return {
    id: event.id,
    messageId: event.hasMessageId ? event.id : null,
    type: event.type,
    name: event.name,
    timestamp: event.timestamp,
  };
}
