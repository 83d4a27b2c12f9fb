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

export function toSessionView(session: Session): SessionView {
  const first = session.events[0];
  const last = session.events[session.events.length - 1];
  return {
    userId: session.userId,
    sessionNumber: session.sessionNumber,
    sessionId: session.sessionId,
    startedAt: formatTimestamp(session.startedAt),
    endedAt: formatTimestamp(session.endedAt),
    durationSeconds: (session.endedAt - session.startedAt) / 1000,
    eventCount: session.eventCount,
    firstEvent: first === undefined ? '' : eventLabel(first),
    lastEvent: last === undefined ? '' : eventLabel(last),
  };
}
