import type { EventRecord } from '../events/event.js';
import { formatTimestamp, parseTimestamp } from '../rules/timestamp.js';

/** A user's session as the rules cut it (rule 5): its events in order, first to last. */
export interface Session {
  readonly userId: string;
  readonly sessionId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly events: readonly EventRecord[];
  /** True when the previous session ended only because it reached the length cap (rule 7): a chain. */
  readonly continuesChain: boolean;
}

/**
 * A session's id is its start in compact UTC form (`20240101T090000000Z`): deterministic, sortable, unique
 * per user (two of one user's sessions never start in the same millisecond).
 */
export function sessionIdFor(startedAt: number): string {
  const iso = formatTimestamp(startedAt);
  // `YYYY-MM-DDTHH:MM:SS.sssZ` without its separators.
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(20)}`;
}

const SESSION_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;

/** The start a session id stands for, or undefined when the text is not a session id. */
export function startedAtFromSessionId(sessionId: string): number | undefined {
  const match = SESSION_ID.exec(sessionId);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match;
  const parsed = parseTimestamp(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return typeof parsed === 'number' ? parsed : undefined;
}
