import { describe, expect, it } from 'vitest';
import type { Session } from '../../../viewer/src/api-types.js';
import { missingRanges, type TimeRange } from '../../../viewer/src/coverage.js';
import { loadedText, numbersDisagree } from '../../../viewer/src/session-numbering.js';
import { plainSession } from './plain-session.js';

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/** Sessions an hour apart at `places` (0 the user's first), numbered as given. */
function sessions(places: readonly number[], numbers: readonly (number | null)[] = places.map((p) => p + 1)) {
  return places.map(
    (place, i): Session =>
      plainSession(T0 + place * HOUR, T0 + place * HOUR + 60_000, {
        userId: 'u',
        sessionId: `s${place}`,
        sessionNumber: numbers[i] as number | null,
        eventCount: 2,
        pageViews: 1,
      }),
  );
}

const covering = (covered: TimeRange[]) => (range: TimeRange) => missingRanges(covered, range);
const ALL = covering([{ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }]);
const NONE = covering([]);

describe('numbersDisagree', () => {
  it('finds none in numbers read at one moment, loaded whole or in parts', () => {
    expect(numbersDisagree(sessions([0, 1, 2, 3]), ALL)).toBe(false);
    expect(numbersDisagree(sessions([5, 6, 40, 41]), NONE)).toBe(false);
  });

  it('finds one number given to two sessions, or numbers going back', () => {
    expect(numbersDisagree(sessions([5, 6, 7], [6, 7, 7]), NONE)).toBe(true);
    expect(numbersDisagree(sessions([5, 6], [7, 6]), NONE)).toBe(true);
    // Two sessions loaded between numbers 6 and 7: there is no room for them.
    expect(numbersDisagree(sessions([5, 6, 7, 8], [6, null, null, 7]), NONE)).toBe(true);
  });

  it('finds numbers that skip a place where nothing between them is left to load', () => {
    const numbers = [1, 2, 4];
    expect(numbersDisagree(sessions([0, 1, 2], numbers), ALL)).toBe(true);
    expect(numbersDisagree(sessions([0, 1, 2], numbers), NONE)).toBe(false);
    // The first session counts from before all others.
    expect(numbersDisagree(sessions([0], [2]), ALL)).toBe(true);
  });

  it('passes over sessions without a number', () => {
    expect(numbersDisagree(sessions([0, 1, 2], [1, null, 3]), ALL)).toBe(false);
  });
});

describe('loadedText', () => {
  it('says the loaded count as a share of the count on opening while it can be one', () => {
    expect(loadedText(50, 2000, false)).toBe('50 of 2,000 loaded');
    expect(loadedText(2000, 2000, true)).toBe('2,000 of 2,000 loaded');
  });

  it('says the count on opening apart once more are loaded, or all are and they are fewer', () => {
    expect(loadedText(2001, 2000, false)).toBe('2,001 loaded (2,000 when the user was opened)');
    expect(loadedText(1999, 2000, true)).toBe('1,999 loaded (2,000 when the user was opened)');
  });
});
