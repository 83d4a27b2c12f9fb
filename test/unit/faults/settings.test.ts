// Parameters of `npm run soak` and of the CI run: flags over SOAK_* variables, every bad value named.
import { describe, expect, it } from 'vitest';
import { ciSeed, parseSoakSettings } from '../../integration/faults/settings.js';

describe('parseSoakSettings', () => {
  it('has defaults for everything but the seed, which is drawn at random', () => {
    const settings = parseSoakSettings([], {});

    expect(settings).toMatchObject({
      shape: { events: 4_000, files: 30, users: 40, days: 5 },
      rounds: 1,
      minutes: undefined,
      settleTimeoutMs: 900_000,
    });
    expect(settings.scenarios).toContain('combined');
    expect(settings.seed).toBeGreaterThanOrEqual(0);
  });

  it('takes SOAK_* variables, and flags over them', () => {
    const settings = parseSoakSettings(['--events', '900', '--scenarios', 'sigkill, combined'], {
      SOAK_SEED: '42',
      SOAK_EVENTS: '100',
      SOAK_FILES: '12',
      SOAK_SETTLE_TIMEOUT: '60',
    });

    expect(settings).toMatchObject({
      seed: 42,
      shape: { events: 900, files: 12 },
      scenarios: ['sigkill', 'combined'],
      settleTimeoutMs: 60_000,
    });
  });

  it('takes a blank variable as unset', () => {
    expect(parseSoakSettings([], { SOAK_EVENTS: '', SOAK_ROUNDS: '' })).toMatchObject({
      shape: { events: 4_000 },
      rounds: 1,
    });
  });

  it('takes a fraction of a minute, from the flag or SOAK_MINUTES', () => {
    expect(parseSoakSettings(['--minutes', '0.5'], {}).minutes).toBe(0.5);
    expect(parseSoakSettings([], { SOAK_MINUTES: ' .25 ' }).minutes).toBe(0.25);
  });

  it('runs rounds until the minutes are up when only minutes are given', () => {
    expect(parseSoakSettings(['--minutes', '30'], {})).toMatchObject({
      rounds: Number.POSITIVE_INFINITY,
      minutes: 30,
    });
  });

  it.each([
    [['--events', 'many'], 'events (--events or SOAK_EVENTS) must be a whole number'],
    [['--files', '0'], 'files (--files or SOAK_FILES) must be from 1 to 10000'],
    [
      ['--events', '20', '--files', '30'],
      'files (--files or SOAK_FILES) must be at most events (--events or SOAK_EVENTS)',
    ],
    [
      ['--scenarios', 'sigkill,fire'],
      'scenarios (--scenarios or SOAK_SCENARIOS) must be a comma-separated list of duplicate-notifications',
    ],
    [
      ['--minutes=-1'],
      'minutes (--minutes or SOAK_MINUTES) must be a number greater than 0, in decimal digits such as 30 or 0.5 (got "-1")',
    ],
    [['--minutes', '0'], 'minutes (--minutes or SOAK_MINUTES) must be greater than 0'],
    [['--minutes', '10081'], 'minutes (--minutes or SOAK_MINUTES) must be at most a week (10080)'],
    // z.coerce read these as 16, 1000 and 0; a fraction of a minute is still a number of minutes.
    [
      ['--minutes', '0x10'],
      'minutes (--minutes or SOAK_MINUTES) must be a number greater than 0, in decimal digits such as 30 or 0.5 (got "0x10")',
    ],
    [
      ['--minutes', '1e3'],
      'minutes (--minutes or SOAK_MINUTES) must be a number greater than 0, in decimal digits such as 30 or 0.5 (got "1e3")',
    ],
    [
      ['--minutes', ' '],
      'minutes (--minutes or SOAK_MINUTES) must be a number greater than 0, in decimal digits such as 30 or 0.5 (got " ")',
    ],
    [['--seed', '1.5'], 'seed (--seed or SOAK_SEED) must be a whole number'],
    // Number() reads these as 16, 1000 and 0: the suite's numbers, like the stack's, are decimal digits.
    [['--seed', '0x10'], 'seed (--seed or SOAK_SEED) must be a whole number in decimal digits (got "0x10")'],
    [
      ['--events', '1e3'],
      'events (--events or SOAK_EVENTS) must be a whole number in decimal digits (got "1e3")',
    ],
    [['--days', ' '], 'days (--days or SOAK_DAYS) must be a whole number in decimal digits (got " ")'],
  ])('rejects %j, saying what is wrong', (argv, message) => {
    expect(() => parseSoakSettings(argv, {})).toThrow(message);
  });

  it('rejects an unknown flag', () => {
    expect(() => parseSoakSettings(['--sed', '1'], {})).toThrow("Unknown option '--sed'");
    expect(() => parseSoakSettings(['--seed', '1', '--seed=2'], {})).toThrow(
      '--seed is given twice; give it once',
    );
  });
});

describe('ciSeed', () => {
  it('is SOAK_SEED when set, so a failed run can be repeated', () => {
    expect(ciSeed({ SOAK_SEED: '1234' })).toBe(1234);
  });

  it('rejects a SOAK_SEED that is no seed', () => {
    expect(() => ciSeed({ SOAK_SEED: 'forty-two' })).toThrow('seed (SOAK_SEED) must be a whole number');
    expect(() => ciSeed({ SOAK_SEED: '0b101' })).toThrow(
      'must be a whole number in decimal digits (got "0b101")',
    );
  });

  it('is drawn at random when SOAK_SEED is unset or blank', () => {
    const seeds = new Set(Array.from({ length: 5 }, () => ciSeed({ SOAK_SEED: '' })));
    expect(seeds.size).toBeGreaterThan(1);
  });
});
