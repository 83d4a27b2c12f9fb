// The set checker, in the spirit of Jepsen's: every event the batch accepts must be stored exactly once,
// nothing else may be stored, and every user's sessions must be the batch's, event for event.
import { isDeepStrictEqual } from 'node:util';
import type { SessionView } from '../../../functions/domain/views/session-view.js';
import type { BatchOracle, ExpectedSession } from './batch-oracle.js';
import type { StoredSession } from './store-reader.js';

export interface CheckResult {
  /** Expected events stored nowhere. */
  lost: number;
  /** Events stored more than once (twice in a session, or in two sessions). */
  duplicated: number;
  /** Stored events the batch did not accept. */
  unexpected: number;
  /** Sessions missing, extra, or differing from the batch's (attributes or events). */
  sessionMismatches: number;
  /** The first few problems, each saying which user, session and event. */
  examples: string[];
}

const MAX_EXAMPLES = 12;

const eventKey = (userId: string, eventId: string) => `${userId} ${eventId}`;

/** Where each stored event is, every occurrence. */
function storedOccurrences(stored: ReadonlyMap<string, readonly StoredSession[]>): Map<string, string[]> {
  const occurrences = new Map<string, string[]>();
  for (const [userId, sessions] of stored) {
    for (const session of sessions) {
      for (const eventId of session.eventIds) {
        const key = eventKey(userId, eventId);
        const where = occurrences.get(key) ?? [];
        where.push(session.view.sessionId);
        occurrences.set(key, where);
      }
    }
  }
  return occurrences;
}

/** Why a stored session differs from the expected one, or undefined when it does not. */
function sessionDifference(
  expected: ExpectedSession | undefined,
  stored: StoredSession | undefined,
): string | undefined {
  if (expected === undefined) return 'stored, not in the batch';
  if (stored === undefined) return 'in the batch, not stored';
  if (!isDeepStrictEqual(stored.view, expected.view)) {
    const fields = (Object.keys(expected.view) as (keyof SessionView)[]).filter(
      (field) => !isDeepStrictEqual(stored.view[field], expected.view[field]),
    );
    return `differs in ${fields.join(', ')}: ${fields
      .map(
        (field) => `${JSON.stringify(stored.view[field])} instead of ${JSON.stringify(expected.view[field])}`,
      )
      .join('; ')}`;
  }
  if (!isDeepStrictEqual(stored.detail, stored.view)) return 'its own route shows it otherwise than the list';
  const storedIds = new Set(stored.eventIds);
  if (storedIds.size !== expected.eventIds.size || [...expected.eventIds].some((id) => !storedIds.has(id))) {
    return 'holds other events than the batch';
  }
  return undefined;
}

export function checkStore(
  oracle: BatchOracle,
  stored: ReadonlyMap<string, readonly StoredSession[]>,
): CheckResult {
  const examples: string[] = [];
  const note = (problem: string) => {
    if (examples.length < MAX_EXAMPLES) examples.push(problem);
  };
  const occurrences = storedOccurrences(stored);
  const expectedEvents = new Map<string, string>();
  for (const [userId, sessions] of oracle.sessionsByUser) {
    for (const session of sessions) {
      for (const eventId of session.eventIds)
        expectedEvents.set(eventKey(userId, eventId), session.view.sessionId);
    }
  }

  let lost = 0;
  for (const [key, sessionId] of expectedEvents) {
    if (occurrences.has(key)) continue;
    lost++;
    note(`lost: event ${key} (expected in session ${sessionId})`);
  }
  let duplicated = 0;
  let unexpected = 0;
  for (const [key, where] of occurrences) {
    if (where.length > 1) {
      duplicated++;
      note(`duplicated: event ${key} stored ${where.length} times, in ${where.join(', ')}`);
    }
    if (!expectedEvents.has(key)) {
      unexpected++;
      note(`unexpected: event ${key} stored in ${where.join(', ')}`);
    }
  }

  let sessionMismatches = 0;
  const users = new Set([...oracle.sessionsByUser.keys(), ...stored.keys()]);
  for (const userId of users) {
    const expected = new Map((oracle.sessionsByUser.get(userId) ?? []).map((s) => [s.view.sessionId, s]));
    const served = new Map((stored.get(userId) ?? []).map((s) => [s.view.sessionId, s]));
    for (const sessionId of new Set([...expected.keys(), ...served.keys()])) {
      const difference = sessionDifference(expected.get(sessionId), served.get(sessionId));
      if (difference === undefined) continue;
      sessionMismatches++;
      note(`session mismatch: ${userId} ${sessionId} ${difference}`);
    }
  }
  return { lost, duplicated, unexpected, sessionMismatches, examples };
}

/** Sessions whose stored form changed between two reads (by user and session id). */
export function changedSessions(
  before: ReadonlyMap<string, readonly StoredSession[]>,
  after: ReadonlyMap<string, readonly StoredSession[]>,
): string[] {
  const index = (stored: ReadonlyMap<string, readonly StoredSession[]>) =>
    new Map(
      [...stored.values()]
        .flat()
        .map((session) => [`${session.view.userId} ${session.view.sessionId}`, session]),
    );
  const first = index(before);
  const second = index(after);
  return [...new Set([...first.keys(), ...second.keys()])].filter(
    (key) => !isDeepStrictEqual(first.get(key), second.get(key)),
  );
}
