import { type SessionAttributes, sessionAttributes } from './attributes.js';
import type { Session } from './session.js';

/** A session without its events: what the store keeps per session and what every view is built from. */
export interface SessionSummary extends SessionAttributes {
  readonly userId: string;
  readonly sessionId: string;
  /** 1-based position among all of the user's sessions by start (rule 5). */
  readonly sessionNumber: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly eventCount: number;
}

export function summarizeSession(session: Session, sessionNumber: number): SessionSummary {
  return {
    userId: session.userId,
    sessionId: session.sessionId,
    sessionNumber,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    eventCount: session.events.length,
    ...sessionAttributes(session.events),
  };
}
