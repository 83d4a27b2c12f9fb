import { describe, expect, it } from 'vitest';
import type { Session } from '../../../viewer/src/api-types.js';
import {
  colourLevel,
  layoutSessions,
  MIN_MARK_WIDTH,
  markHeight,
} from '../../../viewer/src/timeline-layout.js';
import { plainSession } from './plain-session.js';

const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
const track = { width: 1000, top: 10, height: 80 };

function session(
  startMinute: number,
  minutes: number,
  eventCount: number,
  pageViews: number | null,
): Session {
  const startedAt = T0 + startMinute * MINUTE;
  return plainSession(startedAt, startedAt + minutes * MINUTE, {
    userId: 'u',
    sessionId: `s${startMinute}`,
    sessionNumber: null,
    eventCount,
    pageViews,
  });
}

describe('layoutSessions', () => {
  const window = { start: T0, end: T0 + 1000 * MINUTE };

  it('places a mark at its start, as long as it lasted', () => {
    const [mark] = layoutSessions([session(100, 50, 3, 1)], window, track);
    expect(mark).toMatchObject({ sessionId: 's100', x: 100, width: 50 });
  });

  it('keeps short sessions wide enough to see and click', () => {
    const [mark] = layoutSessions([session(100, 0, 1, 0)], window, track);
    expect(mark?.width).toBe(MIN_MARK_WIDTH);
  });

  it('draws only sessions that show in the window, including one reaching into it', () => {
    const marks = layoutSessions(
      [session(-300, 10, 1, 0), session(-20, 40, 2, 1), session(500, 5, 2, 1), session(1200, 5, 2, 1)],
      window,
      track,
    );
    expect(marks.map((mark) => mark.sessionId)).toEqual(['s-20', 's500']);
  });

  it('clips a session far longer than the window to the track', () => {
    const [mark] = layoutSessions([session(-5000, 20_000, 2, 1)], window, track);
    expect(mark?.x).toBe(-MIN_MARK_WIDTH);
    expect(mark?.width).toBe(track.width + 2 * MIN_MARK_WIDTH);
  });

  it('draws a session that starts at the window’s very end inside the track', () => {
    const [mark] = layoutSessions([session(1000, 0, 1, 0)], window, track);
    expect(mark).toMatchObject({ x: track.width - MIN_MARK_WIDTH, width: MIN_MARK_WIDTH });
  });

  it('makes busier sessions taller and centres every mark on the track', () => {
    const [quiet, busy] = layoutSessions([session(0, 5, 1, 0), session(100, 5, 50, 10)], window, track);
    expect(busy?.height).toBe(track.height);
    expect(quiet?.height).toBeLessThan(busy?.height ?? 0);
    for (const mark of [quiet, busy])
      expect((mark?.y ?? 0) + (mark?.height ?? 0) / 2).toBe(track.top + track.height / 2);
  });

  it('colours by page views, grey when the API does not say', () => {
    const marks = layoutSessions(
      [session(0, 5, 2, 0), session(100, 5, 20, 20), session(200, 5, 2, null)],
      window,
      track,
    );
    expect(marks.map((mark) => mark.colourClass)).toEqual(['pv-0', 'pv-4', 'pv-unknown']);
  });
});

describe('colourLevel', () => {
  it('is 0 for no page views, at least 1 for any, and 4 for the most', () => {
    expect(colourLevel(0, 100)).toBe(0);
    expect(colourLevel(1, 100)).toBe(1);
    expect(colourLevel(100, 100)).toBe(4);
    expect(colourLevel(null, 100)).toBeNull();
  });

  it('never decreases as page views grow', () => {
    const levels = Array.from({ length: 101 }, (_, views) => colourLevel(views, 100) ?? -1);
    expect(levels.every((level, i) => i === 0 || level >= (levels[i - 1] ?? 0))).toBe(true);
  });
});

describe('markHeight', () => {
  it('grows with the square root of events from a visible minimum to the track height', () => {
    expect(markHeight(1, 101, track)).toBe(8);
    expect(markHeight(26, 101, track)).toBeCloseTo(8 + 0.5 * 72, 6);
    expect(markHeight(101, 101, track)).toBe(80);
  });
});
