import { describe, expect, it } from 'vitest';
import {
  compileRules,
  DEFAULT_SESSION_RULES,
  describeRules,
  gapBefore,
  minutesFromText,
  minutesToMs,
  rulesOfFingerprint,
  type SessionRules,
} from '../../../../functions/domain/rules/session-rules.js';

const rules = (overrides: Partial<SessionRules>): SessionRules => ({
  ...DEFAULT_SESSION_RULES,
  ...overrides,
});

describe('minutesToMs', () => {
  it.each([
    [30, 1_800_000],
    [2.5, 150_000],
    [0.1, 6_000],
    [1 / 60000, 1],
    [0.4 / 60000, 0],
    [0.6 / 60000, 1],
    [1440, 86_400_000],
  ])('turns %s minutes into %s ms with Math.round', (minutes, ms) => {
    expect(minutesToMs(minutes)).toBe(ms);
  });
});

describe('minutesFromText', () => {
  it.each([
    ['30', 30],
    [' 2.5\t', 2.5],
    ['.5', 0.5],
    ['5.', 5],
    ['+1', 1],
    ['-1', -1],
    ['1e3', 1000],
    ['1E-2', 0.01],
  ])('reads %j as %s', (text, minutes) => {
    expect(minutesFromText(text)).toBe(minutes);
  });

  it.each(['-1e-400', '-0.5e-323', ' -12.5E-999 '])(
    'reads %j, too small for a double, as negative',
    (text) => {
      expect(minutesFromText(text)).toBeLessThan(0);
    },
  );

  it.each([['-0e-400'], ['-0.000'], ['1e-400']])('reads %j as zero', (text) => {
    expect(minutesFromText(text)).toBe(text.trim().startsWith('-') ? -0 : 0);
  });

  it.each(['', '  ', '.', '0x10', '0b1', '0o7', 'Infinity', '1_000', '1e', '5 min', '1,5', '--1'])(
    'refuses %j',
    (text) => {
      expect(minutesFromText(text)).toBeUndefined();
    },
  );
});

describe('compileRules', () => {
  it('compiles the defaults: 30 minutes, no platform gaps, no cap, no stitching', () => {
    const compiled = compileRules(DEFAULT_SESSION_RULES);
    expect(compiled).toMatchObject({
      gapMs: 1_800_000,
      maxGapMs: 1_800_000,
      capMs: undefined,
      stitching: false,
    });
    expect(compiled.gapMsByPlatform.size).toBe(0);
  });

  it('rounds fractional minutes of every option to the millisecond', () => {
    const compiled = compileRules(
      rules({ gapMinutes: 2.5, gapMinutesByPlatform: { ios: 0.1 }, maxSessionMinutes: 1.00001 }),
    );
    expect(compiled.gapMs).toBe(150_000);
    expect(compiled.gapMsByPlatform.get('ios')).toBe(6_000);
    expect(compiled.capMs).toBe(60_001);
  });

  it('takes the widest gap over the default and every platform', () => {
    expect(compileRules(rules({ gapMinutesByPlatform: { ios: 5, tv: 90 } })).maxGapMs).toBe(5_400_000);
    expect(compileRules(rules({ gapMinutesByPlatform: { ios: 5 } })).maxGapMs).toBe(1_800_000);
  });

  it('gives the same fingerprint whatever the order of the platform keys', () => {
    const a = compileRules(rules({ gapMinutesByPlatform: { ios: 5, android: 7 } }));
    const b = compileRules(rules({ gapMinutesByPlatform: { android: 7, ios: 5 } }));
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  it('gives one fingerprint to options that compile to the same milliseconds', () => {
    const a = compileRules(rules({ gapMinutes: 30 }));
    const b = compileRules(rules({ gapMinutes: 30.000001 }));
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  it('changes the fingerprint with every option', () => {
    const fingerprints = [
      rules({}),
      rules({ gapMinutes: 31 }),
      rules({ gapMinutesByPlatform: { ios: 5 } }),
      rules({ gapMinutesByPlatform: { ios: 6 } }),
      rules({ gapMinutesByPlatform: { android: 5 } }),
      rules({ maxSessionMinutes: 1440 }),
      rules({ identityStitching: true }),
    ].map((source) => compileRules(source).fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });
});

describe('rulesOfFingerprint', () => {
  it('reads back the rules a fingerprint was compiled from, __proto__ platforms and no cap included', () => {
    const rules = {
      gapMinutes: 20.5,
      gapMinutesByPlatform: Object.fromEntries([
        ['__proto__', 5],
        ['ios', 2.25],
      ]),
      maxSessionMinutes: 1440,
      identityStitching: true,
    };
    expect(rulesOfFingerprint(compileRules(rules).fingerprint)).toEqual(rules);
    const uncapped = { gapMinutes: 30, gapMinutesByPlatform: {}, identityStitching: false };
    expect(rulesOfFingerprint(compileRules(uncapped).fingerprint)).toEqual(uncapped);
  });

  it('gives nothing for a text compileRules did not write', () => {
    expect(rulesOfFingerprint('not json')).toBeUndefined();
    expect(rulesOfFingerprint('{"gapMs":1}')).toBeUndefined();
  });
});

describe('gapBefore', () => {
  const compiled = compileRules(rules({ gapMinutesByPlatform: { ios: 5 } }));

  it("uses the event's own platform gap when the rules name it, else the default", () => {
    expect(gapBefore(compiled, 'ios')).toBe(300_000);
    expect(gapBefore(compiled, 'android')).toBe(1_800_000);
    expect(gapBefore(compiled, null)).toBe(1_800_000);
  });

  it('matches platforms exactly: events arrive lowercased, so keys are lowercase', () => {
    expect(gapBefore(compiled, 'iOS')).toBe(1_800_000);
  });
});

describe('describeRules', () => {
  it('reads every option to people', () => {
    expect(
      describeRules(
        rules({
          gapMinutes: 2.5,
          gapMinutesByPlatform: { ios: 5 },
          maxSessionMinutes: 1440,
          identityStitching: true,
        }),
      ),
    ).toBe('gap 2.5 min, ios 5 min, cap 1440 min, stitching on');
    expect(describeRules(DEFAULT_SESSION_RULES)).toBe('gap 30 min, stitching off');
  });
});
