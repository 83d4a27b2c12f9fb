// The numbers of the measurement scripts' options are decimal digits, as every command's: Number() read 0x1000
// as 4096, 1e4 as 10000 and a blank as 0, and the scripts then measured what nobody typed.
import { describe, expect, it } from 'vitest';
import { lateExport } from '../../../bench/measure-cost.js';
import { parseMeasureCostOptions } from '../../../bench/measure-cost-options.js';
import { parseProfileOptions } from '../../../bench/profile.js';
import { parseScanOptions } from '../../../bench/scan-throughput.js';

const NOT_DECIMAL_DIGITS = ['0x1000', '1e4', ' ', '', '1.5', '0b11', '-5', '1_000', '99999999999999999999'];

describe('bench/measure-cost.ts options', () => {
  it('reads --events in decimal digits, at least 1000', () => {
    expect(parseMeasureCostOptions([]).events).toBe(20_000);
    expect(parseMeasureCostOptions(['--events', ' 5000 ']).events).toBe(5000);
    expect(parseMeasureCostOptions(['--events', '1000', '--first-day-only'])).toEqual({
      events: 1000,
      firstDayOnly: true,
      help: false,
    });
  });

  it.each([...NOT_DECIMAL_DIGITS, '999', '0'])('refuses --events %j, saying what it must be', (text) => {
    expect(() => parseMeasureCostOptions([`--events=${text}`])).toThrow(
      `--events must be a whole number of at least 1000, in decimal digits (got ${JSON.stringify(text)})`,
    );
  });

  it('reads nothing more once help is asked for', () => {
    expect(parseMeasureCostOptions(['--help', '--events', 'x']).help).toBe(true);
  });
});

describe('bench/scan-throughput.ts options', () => {
  it('reads --events, --rounds and --chunk in decimal digits', () => {
    expect(parseScanOptions([])).toEqual({ events: 200_000, format: 'ndjson', rounds: 7, chunk: 65_536 });
    expect(
      parseScanOptions(['--events', '1000', '--rounds', '3', '--chunk', '4096', '--format', 'json-array']),
    ).toEqual({ events: 1000, format: 'json-array', rounds: 3, chunk: 4096 });
  });

  it.each(['events', 'rounds', 'chunk'])('refuses --%s that is not decimal digits of at least 1', (name) => {
    for (const text of [...NOT_DECIMAL_DIGITS, '0']) {
      expect(() => parseScanOptions([`--${name}=${text}`])).toThrow(
        `--${name} must be a whole number of at least 1, in decimal digits (got ${JSON.stringify(text)})`,
      );
    }
  });
});

describe('bench/profile.ts options', () => {
  it('reads --top in decimal digits', () => {
    expect(parseProfileOptions(['p.cpuprofile'])).toEqual({
      file: 'p.cpuprofile',
      top: 25,
      callees: undefined,
    });
    expect(parseProfileOptions(['p.cpuprofile', '--top', '5', '--callees', 'scan']).top).toBe(5);
  });

  it.each([...NOT_DECIMAL_DIGITS, '0'])('refuses --top %j', (text) => {
    expect(() => parseProfileOptions(['p.cpuprofile', `--top=${text}`])).toThrow(
      `--top must be a whole number of at least 1, in decimal digits (got ${JSON.stringify(text)})`,
    );
  });
});

describe('bench/measure-cost.ts late export', () => {
  it.each([1000, 1001, 20_000, 1_000_000, 12_345])(
    'is whole counts the generator takes for --events %i',
    (events) => {
      const late = lateExport(events);
      expect(Number.isSafeInteger(late.events) && late.events >= 100).toBe(true);
      expect(Number.isSafeInteger(late.users) && late.users >= 1).toBe(true);
    },
  );

  it('is what docs/cost.md measured for --events 20000', () => {
    expect(lateExport(20_000)).toEqual({ events: 2000, users: 50 });
  });
});
