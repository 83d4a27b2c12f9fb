import type { Session } from './api-types.js';
import type { TimeRange } from './coverage.js';
import type { TimeWindow } from './time-scale.js';

/** Where ←/→ go from a session. */
export type Step =
  | { readonly kind: 'focus'; readonly session: Session }
  /** No session that way: the first or the last of the history. */
  | { readonly kind: 'stay' }
  /** Sessions between the two may not be loaded yet: show this window (it loads them), then step again. */
  | { readonly kind: 'load'; readonly window: TimeWindow };

/** Share of the view left before the first time not loaded yet, so the step's origin side stays in sight. */
const LEAD = 0.1;

/**
 * The step from `from` (a loaded session) to its neighbour in `direction`: the next loaded session, once the
 * stretch between the two (to the history's end, without one) is loaded, so that no session is stepped over;
 * until then, a window as wide as `view` whose sessions are the nearest not loaded.
 */
export function stepFrom(
  sessions: readonly Session[],
  from: Session,
  direction: 1 | -1,
  view: TimeWindow,
  history: TimeWindow,
  missing: (range: TimeRange) => readonly TimeRange[],
): Step {
  const neighbour = sessions[sessions.findIndex((s) => s.sessionId === from.sessionId) + direction];
  const stretch =
    direction > 0
      ? { from: from.startedAt, to: neighbour?.startedAt ?? history.end }
      : { from: neighbour?.startedAt ?? history.start, to: from.startedAt };
  const gaps = missing(stretch);
  const width = view.end - view.start;
  if (direction > 0) {
    const gap = gaps[0];
    if (gap === undefined)
      return neighbour === undefined ? { kind: 'stay' } : { kind: 'focus', session: neighbour };
    const start = gap.from - LEAD * width;
    return { kind: 'load', window: { start, end: start + width } };
  }
  const gap = gaps.at(-1);
  if (gap === undefined)
    return neighbour === undefined ? { kind: 'stay' } : { kind: 'focus', session: neighbour };
  const end = gap.to + LEAD * width;
  return { kind: 'load', window: { start: end - width, end } };
}
