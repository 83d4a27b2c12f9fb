import type { Session } from './api-types.js';
import type { TimeRange } from './coverage.js';
import type { TimeWindow } from './time-scale.js';

/** Where ←/→ go from a session, or from a view that shows none. */
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
  return stepPast(from.startedAt, neighbour, direction, view, history, missing);
}

/**
 * The step from `origin`, a time that no loaded session starts at (an edge of a view that shows none, where
 * the keyboard is on the chart), as {@link stepFrom} steps from a session: to the nearest loaded session that
 * starts after it (→) or before it (←), once the stretch between is loaded.
 */
export function stepFromTime(
  sessions: readonly Session[],
  origin: number,
  direction: 1 | -1,
  view: TimeWindow,
  history: TimeWindow,
  missing: (range: TimeRange) => readonly TimeRange[],
): Step {
  const neighbour =
    direction > 0
      ? sessions.find((session) => session.startedAt > origin)
      : sessions.findLast((session) => session.startedAt < origin);
  return stepPast(origin, neighbour, direction, view, history, missing);
}

function stepPast(
  origin: number,
  neighbour: Session | undefined,
  direction: 1 | -1,
  view: TimeWindow,
  history: TimeWindow,
  missing: (range: TimeRange) => readonly TimeRange[],
): Step {
  const stretch =
    direction > 0
      ? { from: origin, to: neighbour?.startedAt ?? history.end }
      : { from: neighbour?.startedAt ?? history.start, to: origin };
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
