import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../../functions/domain/rules/timestamp.js';

const FIRST = Date.parse('0000-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

describe('formatTimestamp', () => {
  it('writes what Date#toISOString writes for every instant of the accepted range (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST, max: LAST }), (epochMs) => {
        expect(formatTimestamp(epochMs)).toBe(new Date(epochMs).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes the edges of a day and of the range', () => {
    expect(formatTimestamp(FIRST)).toBe('0000-01-01T00:00:00.000Z');
    expect(formatTimestamp(LAST)).toBe('9999-12-31T23:59:59.999Z');
    expect(formatTimestamp(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(formatTimestamp(Date.parse('2024-02-29T23:59:59.999Z'))).toBe('2024-02-29T23:59:59.999Z');
  });
});
