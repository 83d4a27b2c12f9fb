import type { SessionSummary } from '../../functions/domain/sessions/summary.js';
import { type SessionView, toSessionView } from '../../functions/domain/views/session-view.js';

const ALWAYS: readonly string[] = ['userId', 'sessionNumber', 'startedAt', 'endedAt', 'eventCount'];

/**
 * Sessions in the shape of a case's expected.json: timestamps as ISO strings, and only the fields the
 * expected sessions have (the five every case pins, plus the attributes an attributes case pins).
 */
export function asExpectedSessions(
  sessions: readonly SessionSummary[],
  expected: readonly object[],
): Record<string, unknown>[] {
  const fields = [...new Set([...ALWAYS, ...expected.flatMap((session) => Object.keys(session))])];
  return sessions.map((session) => {
    const view = toSessionView(session);
    return Object.fromEntries(fields.map((field) => [field, view[field as keyof SessionView]]));
  });
}
