import type { Session } from './api-types.js';
import { type TimeWindow, timeToX } from './time-scale.js';

/** Narrower marks could not be seen or clicked. */
export const MIN_MARK_WIDTH = 4;
/** Page-view colour steps, `pv-0` (none) to `pv-4` (the user's most); `pv-unknown` when the API has none. */
export const COLOUR_LEVELS = 5;

export interface TrackGeometry {
  readonly width: number;
  readonly top: number;
  readonly height: number;
}

export interface SessionMark {
  readonly sessionId: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly colourClass: string;
}

/** The page-view colour step: 0 for none, then a log scale up to the user's busiest session. */
export function colourLevel(pageViews: number | null, maxPageViews: number): number | null {
  if (pageViews === null) return null;
  if (pageViews <= 0 || maxPageViews <= 0) return 0;
  const share = Math.log1p(pageViews) / Math.log1p(maxPageViews);
  return Math.min(COLOUR_LEVELS - 1, Math.max(1, Math.ceil(share * (COLOUR_LEVELS - 1))));
}

/** A mark's height grows with the square root of its events, so area tracks the count. */
export function markHeight(eventCount: number, maxEventCount: number, track: TrackGeometry): number {
  const minimum = Math.min(8, track.height);
  if (maxEventCount <= 1) return minimum;
  const share = Math.sqrt(Math.max(eventCount - 1, 0) / (maxEventCount - 1));
  return minimum + share * (track.height - minimum);
}

/**
 * One mark per session that shows in `window`: at its start, as long as it lasted (never narrower than
 * {@link MIN_MARK_WIDTH}), as tall as its events, coloured by its page views. Sessions arrive sorted by start
 * and marks keep that order, which is also the keyboard order.
 */
export function layoutSessions(
  sessions: readonly Session[],
  window: TimeWindow,
  track: TrackGeometry,
): SessionMark[] {
  let maxEvents = 1;
  let maxPageViews = 0;
  for (const session of sessions) {
    maxEvents = Math.max(maxEvents, session.eventCount);
    maxPageViews = Math.max(maxPageViews, session.pageViews ?? 0);
  }
  const marks: SessionMark[] = [];
  for (const session of sessions) {
    if (session.endedAt < window.start || session.startedAt > window.end) continue;
    // Clipped to the track: a day-long session seen at an hour's zoom would otherwise span kilometres. A
    // session starting at the window's very end (the last instant a view can reach) still shows inside it.
    const x = Math.min(
      Math.max(timeToX(session.startedAt, window, track.width), -MIN_MARK_WIDTH),
      track.width - MIN_MARK_WIDTH,
    );
    const end = Math.min(timeToX(session.endedAt, window, track.width), track.width + MIN_MARK_WIDTH);
    const width = Math.max(end - x, MIN_MARK_WIDTH);
    const height = markHeight(session.eventCount, maxEvents, track);
    const level = colourLevel(session.pageViews, maxPageViews);
    marks.push({
      sessionId: session.sessionId,
      x,
      y: track.top + (track.height - height) / 2,
      width,
      height,
      colourClass: level === null ? 'pv-unknown' : `pv-${level}`,
    });
  }
  return marks;
}
