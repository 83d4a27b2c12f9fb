import type { EventRecord } from '../events/event.js';
import { type CompiledRules, gapBefore } from '../rules/session-rules.js';
import { type Session, sessionIdFor } from './session.js';

/**
 * Rules 5 and 7 for one user's events, deduplicated and in {@link compareEvents} order: an event starts a
 * new session when it is the first, when the time since the previous event is strictly greater than the
 * gap of its own platform, or when its time minus its session's start is strictly greater than the cap.
 */
export function splitSessions(
  userId: string,
  events: readonly EventRecord[],
  rules: CompiledRules,
): Session[] {
  const sessions: Session[] = [];
  const capMs = rules.capMs;
  let start = 0;
  let continuesChain = false;
  for (let i = 1; i <= events.length; i++) {
    const current = events[i];
    const previous = events[i - 1] as EventRecord;
    let capped = false;
    if (current !== undefined) {
      const sinceLast = current.timestamp - previous.timestamp;
      if (sinceLast <= gapBefore(rules, current.platform)) {
        if (capMs === undefined || current.timestamp - (events[start] as EventRecord).timestamp <= capMs)
          continue;
        capped = true;
      }
    }
    const first = events[start] as EventRecord;
    sessions.push({
      userId,
      sessionId: sessionIdFor(first.timestamp),
      startedAt: first.timestamp,
      endedAt: previous.timestamp,
      events: events.slice(start, i),
      continuesChain,
    });
    continuesChain = capped;
    start = i;
  }
  return sessions;
}
