import { describe, expect, it } from 'vitest';
import type { Session } from '../../../viewer/src/api-types.js';
import { addRange, missingRanges, type TimeRange } from '../../../viewer/src/coverage.js';
import { stepFrom, stepFromTime } from '../../../viewer/src/timeline-step.js';

const HOUR = 3_600_000;

const session = (hour: number) => ({ sessionId: `s${hour}`, startedAt: hour * HOUR }) as Session;
const history = { start: 0, end: 100 * HOUR };
const view = { start: 40 * HOUR, end: 50 * HOUR };

function missingOutside(...covered: TimeRange[]) {
  const ranges = covered.reduce<TimeRange[]>(addRange, []);
  return (range: TimeRange) => missingRanges(ranges, range);
}

describe('stepFrom', () => {
  const loaded = [session(10), session(45), session(90)];

  it('goes to the neighbour when every session between the two is loaded', () => {
    const all = missingOutside({ from: 0, to: 100 * HOUR });
    expect(stepFrom(loaded, loaded[1] as Session, 1, view, history, all)).toEqual({
      kind: 'focus',
      session: loaded[2],
    });
    expect(stepFrom(loaded, loaded[1] as Session, -1, view, history, all)).toEqual({
      kind: 'focus',
      session: loaded[0],
    });
  });

  // Covered ranges are whole milliseconds: what is missing starts 1 ms past the last one covered.
  it('first shows the nearest time not loaded yet between a session and its loaded neighbour, as wide as the view', () => {
    const some = missingOutside({ from: 40 * HOUR, to: 60 * HOUR });
    expect(stepFrom(loaded, loaded[1] as Session, 1, view, history, some)).toEqual({
      kind: 'load',
      window: { start: 59 * HOUR + 1, end: 69 * HOUR + 1 },
    });
    expect(stepFrom(loaded, loaded[1] as Session, -1, view, history, some)).toEqual({
      kind: 'load',
      window: { start: 31 * HOUR - 1, end: 41 * HOUR - 1 },
    });
  });

  it('stays on the last session only once the history after it is loaded, and likewise the first', () => {
    const after = missingOutside({ from: 0, to: 95 * HOUR });
    expect(stepFrom(loaded, loaded[2] as Session, 1, view, history, after)).toMatchObject({ kind: 'load' });
    const all = missingOutside({ from: 0, to: 100 * HOUR });
    expect(stepFrom(loaded, loaded[2] as Session, 1, view, history, all)).toEqual({ kind: 'stay' });
    expect(stepFrom(loaded, loaded[0] as Session, -1, view, history, all)).toEqual({ kind: 'stay' });
  });
});

describe('stepFromTime', () => {
  const loaded = [session(10), session(45), session(90)];
  const empty = { start: 50 * HOUR, end: 60 * HOUR };

  it('goes from a view without a session to the nearest session before it (←) or after it (→)', () => {
    const all = missingOutside({ from: 0, to: 100 * HOUR });
    expect(stepFromTime(loaded, empty.start, -1, empty, history, all)).toEqual({
      kind: 'focus',
      session: loaded[1],
    });
    expect(stepFromTime(loaded, empty.end, 1, empty, history, all)).toEqual({
      kind: 'focus',
      session: loaded[2],
    });
    expect(stepFromTime(loaded, 95 * HOUR, 1, empty, history, all)).toEqual({ kind: 'stay' });
  });

  it('first shows the nearest time not loaded yet between the view and that session', () => {
    const some = missingOutside({ from: 30 * HOUR, to: 70 * HOUR });
    expect(stepFromTime(loaded, empty.end, 1, empty, history, some)).toEqual({
      kind: 'load',
      window: { start: 69 * HOUR + 1, end: 79 * HOUR + 1 },
    });
    expect(stepFromTime(loaded, empty.start, -1, empty, history, some)).toEqual({
      kind: 'focus',
      session: loaded[1],
    });
  });
});
