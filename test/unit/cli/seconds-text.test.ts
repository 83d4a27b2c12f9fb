import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secondsText } from '../../../cli/output/seconds-text.js';

describe('secondsText', () => {
  it('writes a whole number of milliseconds in seconds as String does, trailing zeros and all cut', () => {
    for (const ms of [
      0, 1, 5, 10, 50, 100, 500, 999, 1000, 1001, 1010, 1100, 60_000, 251_346, 999_999_999_999_999,
    ])
      expect(secondsText(ms / 1000)).toBe(String(ms / 1000));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(secondsText(ms / 1000)).toBe(String(ms / 1000));
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes any other number as String does: fractions of a millisecond, negatives, the huge and the odd', () => {
    for (const seconds of [-0, -1.5, 0.0005, 1e-7, 1e12, 1e21, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY])
      expect(secondsText(seconds)).toBe(String(seconds));
    fc.assert(
      fc.property(fc.double(), (seconds) => {
        expect(secondsText(seconds)).toBe(String(seconds));
      }),
      { numRuns: 20_000 },
    );
  });
});
