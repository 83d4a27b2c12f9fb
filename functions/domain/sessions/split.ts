import type { EventRecord } from '../events/event.js';
import { type CompiledRules, gapBefore } from '../rules/session-rules.js';
import { type OrderedEvents, recordWindow } from './event-window.js';
import { type Session, sessionIdFor } from './session.js';

/** One session's events as positions `[start, end)` of the user's ordered events. */
export interface SessionBounds {
  readonly start: number;
  readonly end: number;
  /** True when the previous session ended only because it reached the length cap (rule 7): a chain. */
  readonly continuesChain: boolean;
}

/**
 * Rules 5 and 7 for one user's events, deduplicated and in {@link compareEvents} order: an event starts a
 * new session when it is the first, when the time since the previous event is strictly greater than the
 * gap of its own platform, or when its time minus its session's start is strictly greater than the cap.
 */
export function sessionBounds(events: OrderedEvents, rules: CompiledRules): SessionBounds[] {
  const bounds: SessionBounds[] = [];
  const capMs = rules.capMs;
  // Without a platform's own gap every event takes the one gap: its platform is not read at all (in the
  // columns, a read from memory far from the last for nearly every event of a batch).
  const gapMs = rules.gapMsByPlatform.size === 0 ? rules.gapMs : undefined;
  let start = 0;
  let startedAt = events.length === 0 ? 0 : events.timestamp(0);
  let previousAt = startedAt;
  let continuesChain = false;
  for (let i = 1; i <= events.length; i++) {
    let capped = false;
    if (i < events.length) {
      const at = events.timestamp(i);
      const sinceLast = at - previousAt;
      previousAt = at;
      if (sinceLast <= (gapMs ?? gapBefore(rules, events.platform(i)))) {
        if (capMs === undefined || at - startedAt <= capMs) continue;
        capped = true;
      }
      startedAt = at;
    }
    bounds.push({ start, end: i, continuesChain });
    continuesChain = capped;
    start = i;
  }
  return bounds;
}

/** {@link sessionBounds} over events held as objects. */
export function splitSessions(
  userId: string,
  events: readonly EventRecord[],
  rules: CompiledRules,
): Session[] {
  return sessionBounds(recordWindow(events), rules).map(({ start, end, continuesChain }) => {
    const first = events[start] as EventRecord;
    return {
      userId,
      sessionId: sessionIdFor(first.timestamp),
      startedAt: first.timestamp,
      endedAt: (events[end - 1] as EventRecord).timestamp,
      events: events.slice(start, end),
      continuesChain,
    };
  });
}
