import { attributesOf, type SessionAttributes, sessionAttributes } from './attributes.js';
import type { EventWindow } from './event-window.js';
import { type Session, sessionIdFor } from './session.js';

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

/** The summary of the session whose events `window` reads in place (rule 5's order, the first its start). */
export function summarizeWindow(userId: string, window: EventWindow, sessionNumber: number): SessionSummary {
  const startedAt = window.timestamp(0);
  return {
    userId,
    sessionId: sessionIdFor(startedAt),
    sessionNumber,
    startedAt,
    endedAt: window.timestamp(window.length - 1),
    eventCount: window.length,
    ...attributesOf(window),
  };
}
