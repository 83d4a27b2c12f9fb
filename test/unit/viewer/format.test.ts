import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDateTime,
  formatDuration,
  formatMinute,
  formatOffset,
  formatTimeOfDay,
  plural,
} from '../../../viewer/src/format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [0.4, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [303, '5 min 3 s'],
    [3600, '1 h'],
    [7500, '2 h 5 min'],
    [86_400 * 3 + 3600 * 4 + 59, '3 d 4 h'],
  ])('shows %s seconds as %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it('never shows a negative duration', () => {
    expect(formatDuration(-5)).toBe('0 s');
  });
});

describe('timestamps', () => {
  const instant = Date.UTC(2024, 0, 5, 9, 3, 7, 250);

  it('are UTC, zero-padded, with milliseconds only within a session', () => {
    expect(formatDateTime(instant)).toBe('2024-01-05 09:03:07');
    expect(formatMinute(instant)).toBe('2024-01-05 09:03');
    expect(formatTimeOfDay(instant)).toBe('09:03:07.250');
  });

  it('keeps years before 1000 four digits wide', () => {
    const early = new Date(Date.UTC(2000, 0, 1));
    early.setUTCFullYear(42);
    expect(formatDateTime(early.getTime())).toBe('0042-01-01 00:00:00');
  });
});

describe('formatOffset', () => {
  it.each([
    [0, '+0:00'],
    [59_999, '+0:59'],
    [754_000, '+12:34'],
    [3_723_000, '+1:02:03'],
  ])('shows %s ms after the start as %s', (ms, expected) => {
    expect(formatOffset(ms)).toBe(expected);
  });
});

describe('counts', () => {
  it('group thousands and agree in number', () => {
    expect(formatCount(2000)).toBe('2,000');
    expect(plural(1, 'session')).toBe('1 session');
    expect(plural(2000, 'session')).toBe('2,000 sessions');
    expect(plural(0, 'page view')).toBe('0 page views');
  });
});
