import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bidiBalanced,
  formatCount,
  formatDateTime,
  formatDuration,
  formatMinute,
  formatOffset,
  formatTimeOfDay,
  isolated,
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

  // Started and Ended show whole seconds as the clock reads them, and the last event's offset (formatOffset)
  // too: a duration rounded up read a second longer than both, "1 s" for a session within one second.
  it.each([
    [0.999, '0 s', '+0:00'],
    [59.6, '59 s', '+0:59'],
    [3499.5, '58 min 19 s', '+58:19'],
    [3599.9, '59 min 59 s', '+59:59'],
  ])('shows %s seconds whole, as %s, as the offset %s does', (seconds, expected, offset) => {
    expect(formatDuration(seconds)).toBe(expected);
    expect(formatOffset(Math.floor(seconds))).toBe(offset);
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
    [59, '+0:59'],
    [754, '+12:34'],
    [3_723, '+1:02:03'],
  ])('shows %s s after the start as %s', (seconds, expected) => {
    expect(formatOffset(seconds)).toBe(expected);
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

describe('bidiBalanced', () => {
  it.each([
    ['plain text', 'abc', 'abc'],
    ['an override, closed at the end', 'a\u202eb', 'a\u202eb\u202c'],
    ['a closer it never opened, left out', 'a\u2069\u202eb', 'a\u202eb\u202c'],
    ['an embedding closer it never opened, left out', 'a\u202cb', 'ab'],
    [
      'isolates left open, closed inside out',
      '\u2067a\u202b\u2066b',
      '\u2067a\u202b\u2066b\u2069\u202c\u2069',
    ],
    ['balanced controls, kept as sent', '\u2067a\u202eb\u202c\u2069c', '\u2067a\u202eb\u202c\u2069c'],
    ["an isolate's closer ends the embeddings inside it", '\u2068\u202ea\u2069\u202c', '\u2068\u202ea\u2069'],
  ])('%s', (_, text, balanced) => {
    expect(bidiBalanced(text)).toBe(balanced);
  });

  it('keeps any text inside the isolate isolated() puts around it', () => {
    const controls = fc.constantFrom(
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      'a',
    );
    fc.assert(
      fc.property(fc.array(controls), (chars) => {
        // Walking the result, the isolate opened first is closed only by the last character.
        const shown = isolated(chars.join(''));
        let depth = 0;
        for (const [index, char] of [...shown].entries()) {
          if (char === '\u2066' || char === '\u2067' || char === '\u2068') depth++;
          if (char === '\u2069') depth--;
          if (depth === 0) expect(index).toBe([...shown].length - 1);
        }
      }),
    );
  });
});
