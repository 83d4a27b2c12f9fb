import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTimestamp, parseTimestamp } from '../../../functions/domain/timestamp.js';

const utc = (iso: string) => new Date(iso).getTime();

describe('parseTimestamp', () => {
  const originalTz = process.env.TZ;

  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('reads Z as UTC, upper or lower case', () => {
    expect(parseTimestamp('2024-01-02T08:30:00Z')).toBe(utc('2024-01-02T08:30:00.000Z'));
    expect(parseTimestamp('2024-01-02t08:30:00z')).toBe(utc('2024-01-02T08:30:00.000Z'));
  });

  it.each([
    ['2024-03-01T10:00:00+02:00', '2024-03-01T08:00:00.000Z'],
    ['2024-03-01T03:45:00-05:00', '2024-03-01T08:45:00.000Z'],
    ['2024-03-01T14:00:00+0530', '2024-03-01T08:30:00.000Z'],
    ['2024-03-01T08:00:00.000+00:00', '2024-03-01T08:00:00.000Z'],
    ['2024-03-01T00:30:00+01:00', '2024-02-29T23:30:00.000Z'],
  ])('converts the offset of %s to UTC', (text, expected) => {
    expect(parseTimestamp(text)).toBe(utc(expected));
  });

  it('takes a timestamp without offset as UTC whatever the machine time zone', () => {
    // Date.parse would read this as local time; a far-from-UTC zone makes that mistake visible.
    process.env.TZ = 'America/Los_Angeles';
    expect(new Date(2024, 2, 1).getTimezoneOffset()).not.toBe(0);

    const parsed = parseTimestamp('2024-03-01T09:10:00');

    expect(parsed).toBe(Date.UTC(2024, 2, 1, 9, 10, 0));
  });

  it('accepts a space separator and a missing seconds field', () => {
    expect(parseTimestamp('2024-03-01 09:10:05Z')).toBe(utc('2024-03-01T09:10:05.000Z'));
    expect(parseTimestamp('2024-03-01T09:10Z')).toBe(utc('2024-03-01T09:10:00.000Z'));
  });

  it('truncates fractional digits past the millisecond instead of rounding', () => {
    expect(parseTimestamp('2024-01-01T09:00:00.123999Z')).toBe(utc('2024-01-01T09:00:00.123Z'));
    expect(parseTimestamp('2024-01-01T09:00:00.9999999Z')).toBe(utc('2024-01-01T09:00:00.999Z'));
    expect(parseTimestamp('2024-01-01T23:59:59.9999Z')).toBe(utc('2024-01-01T23:59:59.999Z'));
  });

  it('reads one and two fractional digits as tenths and hundredths', () => {
    expect(parseTimestamp('2024-01-01T09:00:00.5Z')).toBe(utc('2024-01-01T09:00:00.500Z'));
    expect(parseTimestamp('2024-01-01T09:00:00.05Z')).toBe(utc('2024-01-01T09:00:00.050Z'));
  });

  it('accepts a comma as the decimal sign', () => {
    expect(parseTimestamp('2024-01-01T09:00:00,25Z')).toBe(utc('2024-01-01T09:00:00.250Z'));
  });

  it.each([
    ['Feb 30', '2024-02-30T00:00:00Z'],
    ['Feb 30 in the canonical form', '2024-02-30T00:00:00.000Z'],
    ['hour 24 in the canonical form', '2024-01-01T24:00:00.000Z'],
    ['a letter in the canonical form', '2024-01-0xT00:00:00.000Z'],
    ['Feb 29 of a common year', '2023-02-29T00:00:00Z'],
    ['Feb 29 of a century that is not a leap year', '1900-02-29T00:00:00Z'],
    ['April 31', '2024-04-31T00:00:00Z'],
    ['month 13', '2024-13-01T00:00:00Z'],
    ['month 0', '2024-00-01T00:00:00Z'],
    ['day 0', '2024-01-00T00:00:00Z'],
    ['hour 24', '2024-01-01T24:00:00Z'],
    ['minute 60', '2024-01-01T09:60:00Z'],
    ['second 60', '2024-01-01T09:00:60Z'],
    ['offset hour 24', '2024-01-01T09:00:00+24:00'],
    ['offset minute 60', '2024-01-01T09:00:00+01:60'],
    ['garbage', 'yesterday'],
    ['empty text', ''],
    ['date only', '2024-01-01'],
    ['time only', '09:00:00Z'],
    ['two-digit year', '24-01-01T09:00:00Z'],
    ['trailing text', '2024-01-01T09:00:00Z and more'],
    ['a dot without digits', '2024-01-01T09:00:00.Z'],
    ['non-ASCII digits', '２０２４-01-01T09:00:00Z'],
  ])('rejects %s', (_label, text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('accepts Feb 29 of leap years, including a 400-year century', () => {
    expect(parseTimestamp('2024-02-29T12:00:00Z')).toBe(utc('2024-02-29T12:00:00.000Z'));
    expect(parseTimestamp('2000-02-29T12:00:00Z')).toBe(utc('2000-02-29T12:00:00.000Z'));
  });

  it('keeps years 0001 and 9999 literal (no 19xx mapping of small years)', () => {
    expect(formatTimestamp(parseTimestamp('0001-01-01T00:00:00Z') as number)).toBe(
      '0001-01-01T00:00:00.000Z',
    );
    expect(formatTimestamp(parseTimestamp('0099-06-15T12:00:00Z') as number)).toBe(
      '0099-06-15T12:00:00.000Z',
    );
    expect(formatTimestamp(parseTimestamp('9999-12-31T23:59:59.999Z') as number)).toBe(
      '9999-12-31T23:59:59.999Z',
    );
  });
});

describe('formatTimestamp', () => {
  it('prints UTC with milliseconds and Z', () => {
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 8, 30))).toBe('2024-01-02T08:30:00.000Z');
  });

  it('round-trips through parseTimestamp for a converted offset', () => {
    const text = formatTimestamp(parseTimestamp('2024-03-01T10:00:00.5+02:00') as number);

    expect(text).toBe('2024-03-01T08:00:00.500Z');
    expect(parseTimestamp(text)).toBe(utc(text));
  });

  it('round-trips every millisecond from year 0000 to 9999 (property)', () => {
    const min = parseTimestamp('0000-01-01T00:00:00.000Z') as number;
    const max = parseTimestamp('9999-12-31T23:59:59.999Z') as number;

    fc.assert(
      fc.property(
        fc.integer({ min, max }),
        (epochMs) => parseTimestamp(formatTimestamp(epochMs)) === epochMs,
      ),
      { numRuns: 2000 },
    );
  });
});
