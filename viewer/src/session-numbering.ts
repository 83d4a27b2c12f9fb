// A user's sessions can change while they are on show: a late event that makes an earlier session renumbers
// every session after it (docs/rules.md, rule 9), so pages read before and after disagree on the numbers.
import type { Session } from './api-types.js';
import type { TimeRange } from './coverage.js';
import { formatCount } from './format.js';

/**
 * True when the loaded sessions' numbers cannot all be the API's at one moment: in start order each numbered
 * session is at least as many places after the one before as there are sessions loaded between them, and
 * exactly as many when nothing between them is left to load (the first session counts from before all
 * others). Sessions without a number are passed over.
 */
export function numbersDisagree(
  sessions: readonly Session[],
  missing: (range: TimeRange) => readonly TimeRange[],
): boolean {
  let previous = { index: -1, number: 0, startedAt: Number.NEGATIVE_INFINITY };
  for (const [index, session] of sessions.entries()) {
    if (session.sessionNumber === null) continue;
    const places = session.sessionNumber - previous.number;
    const between = index - previous.index;
    if (places < between) return true;
    if (places > between && missing({ from: previous.startedAt, to: session.startedAt }).length === 0) {
      return true;
    }
    previous = { index, number: session.sessionNumber, startedAt: session.startedAt };
  }
  return false;
}

/** More sessions are loaded than the summary counted, or all are and they are not that many. */
export function countChanged(loaded: number, sessionCount: number, complete: boolean): boolean {
  return loaded > sessionCount || (complete && loaded !== sessionCount);
}

/**
 * The loaded count beside the user's count as the summary said it when the user was opened. Once more are
 * loaded than that, or all are loaded and they are not that many, the sessions changed since: the count is
 * then said as the summary's of that moment, not as a share of it.
 */
export function loadedText(loaded: number, sessionCount: number, complete: boolean): string {
  return countChanged(loaded, sessionCount, complete)
    ? `${formatCount(loaded)} loaded (${formatCount(sessionCount)} when the user was opened)`
    : `${formatCount(loaded)} of ${formatCount(sessionCount)} loaded`;
}
