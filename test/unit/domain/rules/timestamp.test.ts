import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkInstant,
  formatTimestamp,
  isoInstantAt,
  MAX_INSTANT_MS,
  MIN_INSTANT_MS,
  parseTimestamp,
} from '../../../../functions/domain/rules/timestamp.js';

/** The parse result in the one output form, or the reason it is not an instant. */
function read(text: string): string {
  const result = parseTimestamp(text);
  return typeof result === 'number' ? formatTimestamp(result) : result;
}

describe('parseTimestamp', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it.each([
    ['2024-01-01T09:00:00Z', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01t09:00:00z', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01 09:00:00Z', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T09:00', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01 09:00', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T09:00Z', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T09:00:00', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T09:00:00.5Z', '2024-01-01T09:00:00.500Z'],
    ['2024-01-01T09:00:00,5Z', '2024-01-01T09:00:00.500Z'],
    ['2024-01-01T09:00:00.12Z', '2024-01-01T09:00:00.120Z'],
    ['2024-01-01T09:00:00.123Z', '2024-01-01T09:00:00.123Z'],
  ])('accepts %j as %s', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it.each([
    ['2024-01-01T09:00:00.123456789Z', '2024-01-01T09:00:00.123Z'],
    ['2024-01-01T09:00:00.9999Z', '2024-01-01T09:00:00.999Z'],
    ['2024-01-01T23:59:59.9999999', '2024-01-01T23:59:59.999Z'],
    ['2024-01-01 09:20:00.999999', '2024-01-01T09:20:00.999Z'],
  ])('truncates the fraction of %j to the millisecond, never rounding', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it.each([
    ['2024-01-01T10:00:00+01:00', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T10:00:00+0100', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T10:00:00+01', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T10:00+02', '2024-01-01T08:00:00.000Z'],
    ['2024-01-01T09:00:00,5+0100', '2024-01-01T08:00:00.500Z'],
    ['2024-01-01T03:30:00-05:30', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T09:00:00-00:00', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T00:00:00+23:59', '2023-12-31T00:01:00.000Z'],
    ['2024-01-01T00:00:00-23:59', '2024-01-01T23:59:00.000Z'],
  ])('applies the offset of %j', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it.each([
    '2024-01-01T09:00:00+24:00',
    '2024-01-01T09:00:00+05:60',
    '2024-01-01T09:00:00+0560',
    '2024-01-01T09:00:00+5',
    '2024-01-01T09:00:00+05:',
    '2024-01-01T09:00:00+05:3',
    '2024-01-01T09:00:00+053',
    '2024-01-01T09:00:00+05:300',
    '2024-01-01T09:00:00+05.30',
    '2024-01-01T09:00:00 +05:00',
    '2024-01-01T09:00:00ZZ',
    '2024-01-01T09:00:00UTC',
    '2024-01-01T09:00:00GMT+1',
  ])('refuses the zone of %j', (text) => {
    expect(read(text)).toBe('unparsable');
  });

  it.each([
    ['2024-01-01T24:00:00Z', 'hour 24'],
    ['2024-01-01T09:60:00Z', 'minute 60'],
    ['2024-01-01T09:00:60Z', 'leap second'],
    ['2024-01-01', 'no time'],
    ['2024-01-01T09', 'no minutes'],
    ['2024-01-01T9:00', 'one-digit hour'],
    ['2024-01-01T09:0', 'one-digit minute'],
    ['2024-01-01T09:00:0', 'one-digit second'],
    ['2024-01-01  09:00', 'two spaces'],
    ['2024-01-01\t09:00', 'a tab as separator'],
    ['2024-01-01X09:00', 'an unknown separator'],
    ['2024-01-01_09:00', 'an underscore as separator'],
    ['2024-01-01T09:00.5Z', 'a fraction without seconds'],
    ['2024-01-01T09:00:00.Z', 'a fraction without digits'],
    ['2024-01-01T09:00:00,Z', 'a comma without digits'],
    ['2024-01-01T09:00:00:00Z', 'a fourth time part'],
    ['2024-1-01T09:00:00Z', 'a one-digit month'],
    ['24-01-01T09:00:00Z', 'a two-digit year'],
    ['+2024-01-01T09:00:00Z', 'a signed year'],
    ['12024-01-01T09:00:00Z', 'a five-digit year'],
    ['2024/01/01T09:00:00Z', 'slashes'],
    ['20240101T090000Z', 'the basic format'],
    ['yesterday', 'words'],
    ['', 'nothing'],
    ['   ', 'blanks'],
    ['2024-01-01T09:00:00Z trailing', 'trailing text'],
    ['2024-01-01T09:00:00Z\u0000', 'a trailing NUL'],
    ['２０２４-01-01T09:00:00Z', 'full-width digits'],
  ])('refuses %j (%s)', (text) => {
    expect(read(text)).toBe('unparsable');
  });

  it.each([
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['2024-04-30T00:00:00Z', '2024-04-30T00:00:00.000Z'],
    ['2024-12-31T23:59:59.999Z', '2024-12-31T23:59:59.999Z'],
  ])('accepts the real date %j', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2024-02-30T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-06-31T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-00T00:00:00Z',
    '2024-01-32T00:00:00Z',
  ])('refuses the date that does not exist in %j', (text) => {
    expect(read(text)).toBe('unparsable');
  });

  it('reads the years 0000 to 0099 as those years, not 1900 to 1999', () => {
    expect(read('0050-06-01T00:00:00Z')).toBe('0050-06-01T00:00:00.000Z');
    expect(read('0000-01-01T00:00:00Z')).toBe('0000-01-01T00:00:00.000Z');
    expect(read('0099-12-31T23:59:59.999Z')).toBe('0099-12-31T23:59:59.999Z');
    expect(read('0004-02-29T00:00:00Z')).toBe('0004-02-29T00:00:00.000Z');
    expect(read('0000-02-29T00:00:00Z')).toBe('0000-02-29T00:00:00.000Z');
  });

  it('accepts the first and last instants of the years 0000 to 9999 in UTC', () => {
    expect(parseTimestamp('0000-01-01T00:00:00.000Z')).toBe(MIN_INSTANT_MS);
    expect(parseTimestamp('9999-12-31T23:59:59.999Z')).toBe(MAX_INSTANT_MS);
    expect(read('9999-12-31T23:10+01:00')).toBe('9999-12-31T22:10:00.000Z');
    expect(read('0000-01-01T00:30-01:00')).toBe('0000-01-01T01:30:00.000Z');
  });

  it.each([
    '9999-12-31T23:10-01:00',
    '9999-12-31T23:59:59-00:01',
    '0000-01-01T00:00:00+00:01',
    '0000-01-01T00:30+01',
  ])('rejects %j as out of range: its UTC year is outside 0000 to 9999', (text) => {
    expect(read(text)).toBe('out of range');
  });

  it.each([
    ['  2024-01-01T09:00:00Z  ', 'spaces'],
    ['\t2024-01-01T09:00:00Z\r\n', 'tab, CR and LF'],
    ['\u00a02024-01-01T09:00:00Z\u00a0', 'no-break spaces'],
    ['\ufeff2024-01-01T09:00:00Z', 'a byte-order mark'],
    ['2024-01-01T09:00:00Z\u2028', 'a line separator'],
    ['2024-01-01T09:00:00Z ', 'a trailing space after a first digit'],
    ['\u30002024-01-01T09:00', 'an ideographic space'],
  ])('trims %j (%s) before reading', (text) => {
    expect(read(text)).toBe('2024-01-01T09:00:00.000Z');
  });

  it('gives the same instants whatever time zone the process runs in', () => {
    const texts = [
      '2024-01-01 09:00',
      '2024-03-31T02:30:00',
      '0050-06-01T00:00:00',
      '2024-07-01T12:00:00+02',
    ];
    process.env.TZ = 'UTC';
    const inUtc = texts.map(parseTimestamp);
    for (const zone of ['America/St_Johns', 'Pacific/Kiritimati', 'Europe/Berlin']) {
      process.env.TZ = zone;
      // The zone change must be real for the comparison to mean anything.
      expect(new Date(2024, 0, 1).getTimezoneOffset()).not.toBe(0);
      expect(texts.map(parseTimestamp)).toEqual(inUtc);
      expect(formatTimestamp(inUtc[0] as number)).toBe('2024-01-01T09:00:00.000Z');
    }
  });
});

describe('isoInstantAt', () => {
  /** The text read in place, inside a record as the scanner leaves it. */
  function inPlace(text: string): number | undefined {
    const bytes = Buffer.from(`{"t":"${text}"}`, 'latin1');
    return isoInstantAt(bytes, 6, bytes.length - 2);
  }
  const READ_IN_PLACE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?(Z|[+-]\d\d:\d\d)$/;
  const digits = (count: number, max: number) =>
    fc.integer({ min: 0, max }).map((value) => String(value).padStart(count, '0'));
  const nearlyIso = fc
    .tuple(
      fc.oneof(digits(4, 9999), fc.constantFrom('202', '20x4', '+2024')),
      fc.constantFrom('-', '/'),
      digits(2, 13),
      fc.constantFrom('-', '-', ':'),
      digits(2, 32),
      fc.constantFrom('T', 'T', 't', ' ', 'X'),
      digits(2, 24),
      fc.constantFrom(':', ':', '.'),
      digits(2, 60),
      fc.constantFrom(':', ':', '', ','),
      digits(2, 60),
      fc.constantFrom('', '.123', '.5', '.12', '.1234', ',123', '.', '.1x3'),
      fc.constantFrom('Z', 'z', '', '+', '-', 'ZZ', ' ', 'Z '),
      fc.constantFrom('', '', '00:00', '23:59', '24:00', '05:60', '0530', '05', '5:30', '05:3'),
    )
    .map((parts) => parts.join(''));

  it('gives the instant parseTimestamp gives, exactly for the forms it reads, undefined for any other text', () => {
    fc.assert(
      fc.property(nearlyIso, (text) => {
        const parsed = parseTimestamp(text);
        const expected = READ_IN_PLACE.test(text) && typeof parsed === 'number' ? parsed : undefined;
        expect(inPlace(text)).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['2024-01-01T09:00:00.123Z', '2024-01-01T09:00:00.123Z'],
    ['2024-01-01T09:00:00Z', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T10:00:00.500+01:00', '2024-01-01T09:00:00.500Z'],
    ['2024-01-01T03:30:00-05:30', '2024-01-01T09:00:00.000Z'],
    ['0000-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %j in place', (text, expected) => {
    expect(formatTimestamp(inPlace(text) as number)).toBe(expected);
  });

  it.each([
    '2024-02-30T00:00:00Z',
    '2024-01-01T09:00:60Z',
    '0000-01-01T00:00:00+00:01',
    '9999-12-31T23:59:59-00:01',
    '2024-01-01T09:00:00.1234Z',
    ' 2024-01-01T09:00:00Z',
    '2024-01-01T10:00:00+01:00Z',
  ])('leaves %j to parseTimestamp', (text) => {
    expect(inPlace(text)).toBeUndefined();
  });
});

describe('checkInstant', () => {
  it('passes instants of the years 0000 to 9999 and refuses the rest', () => {
    expect(checkInstant(0)).toBe(0);
    expect(checkInstant(MIN_INSTANT_MS)).toBe(MIN_INSTANT_MS);
    expect(checkInstant(MAX_INSTANT_MS)).toBe(MAX_INSTANT_MS);
    expect(checkInstant(MIN_INSTANT_MS - 1)).toBe('out of range');
    expect(checkInstant(MAX_INSTANT_MS + 1)).toBe('out of range');
    expect(checkInstant(Number.NaN)).toBe('unparsable');
    expect(checkInstant(Number.POSITIVE_INFINITY)).toBe('out of range');
    expect(checkInstant(Number.NEGATIVE_INFINITY)).toBe('out of range');
  });
});

describe('formatTimestamp', () => {
  it('writes ISO-8601 UTC with milliseconds and Z, four-digit years included', () => {
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 8, 30))).toBe('2024-01-02T08:30:00.000Z');
    expect(formatTimestamp(MIN_INSTANT_MS)).toBe('0000-01-01T00:00:00.000Z');
    expect(formatTimestamp(MAX_INSTANT_MS)).toBe('9999-12-31T23:59:59.999Z');
  });
});
