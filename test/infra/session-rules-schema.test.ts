import { describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_RULES, sessionRulesSchema } from '../../functions/shared/session-rules-schema.js';

/** Every problem the schema finds, as `path: message`. */
function issuesOf(input: unknown): string[] {
  const result = sessionRulesSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('sessionRulesSchema', () => {
  it('fills in the defaults: a 30-minute gap, no per-platform gaps, no cap, no stitching', () => {
    expect(sessionRulesSchema.parse({})).toEqual({
      gapMinutes: 30,
      gapMinutesByPlatform: {},
      identityStitching: false,
    });
    expect(DEFAULT_SESSION_RULES).toEqual(sessionRulesSchema.parse({}));
  });

  it('accepts every option, fractional minutes included, and survives a JSON round trip', () => {
    const rules = {
      gapMinutes: 0.5,
      gapMinutesByPlatform: { ios: 5, 'smart tv': 90.25 },
      maxSessionMinutes: 1440,
      identityStitching: true,
    };
    expect(sessionRulesSchema.parse(JSON.parse(JSON.stringify(rules)))).toEqual(rules);
  });

  it('accepts a gap of more than a day, as the spec sets none', () => {
    expect(sessionRulesSchema.parse({ gapMinutes: 2 * 1440 }).gapMinutes).toBe(2880);
  });

  it('accepts a gap and a cap of 0: the rules split only past them', () => {
    const rules = {
      gapMinutes: 0,
      gapMinutesByPlatform: { ios: 0 },
      maxSessionMinutes: 0,
      identityStitching: false,
    };
    expect(sessionRulesSchema.parse(rules)).toEqual(rules);
  });

  it.each([
    [{ gapMinutes: -5 }, 'gapMinutes: gapMinutes must be 0 or more'],
    [{ gapMinutes: 525_600_001 }, 'gapMinutes: gapMinutes must be at most 525600000 (a thousand years)'],
    [
      { gapMinutesByPlatform: { tv: 6e8 } },
      'gapMinutesByPlatform.tv: a platform gap must be at most 525600000 (a thousand years)',
    ],
    [{ gapMinutes: '30' }, 'gapMinutes: gapMinutes must be a number of minutes'],
    // Infinity is a number to whoever writes it in a stage's config: "must be a number" would puzzle them.
    [
      { maxSessionMinutes: Number.POSITIVE_INFINITY },
      'maxSessionMinutes: maxSessionMinutes must be a finite number of minutes, at most 525600000 (a thousand years); leave it out for no cap',
    ],
    [
      { gapMinutes: Number.POSITIVE_INFINITY },
      'gapMinutes: gapMinutes must be a finite number of minutes, at most 525600000 (a thousand years)',
    ],
    [{ gapMinutes: Number.NEGATIVE_INFINITY }, 'gapMinutes: gapMinutes must be 0 or more'],
    [{ gapMinutes: Number.NaN }, 'gapMinutes: gapMinutes must be a number of minutes (got NaN)'],
    [
      { gapMinutesByPlatform: { ios: Number.POSITIVE_INFINITY } },
      'gapMinutesByPlatform.ios: a platform gap must be a finite number of minutes, at most 525600000 (a thousand years)',
    ],
    [{ maxSessionMinutes: -1 }, 'maxSessionMinutes: maxSessionMinutes must be 0 or more'],
    [{ gapMinutesByPlatform: { ios: -1 } }, 'gapMinutesByPlatform.ios: a platform gap must be 0 or more'],
    [
      { gapMinutesByPlatform: { iOS: 5 } },
      "gapMinutesByPlatform.iOS: 'iOS' must be lowercase (events are matched on their lowercased platform)",
    ],
    [{ gapMinutesByPlatform: { '': 5 } }, 'gapMinutesByPlatform.: platform names must not be empty'],
    [
      { gapMinutesByPlatform: { ['x'.repeat(1025)]: 5 } },
      `gapMinutesByPlatform.${'x'.repeat(1025)}: platform names must be at most 1024 UTF-16 code units (an emoji is two)`,
    ],
    // 600 characters, 1,200 code units: longer than any platform an event matches (rule 7), so refused, in
    // the unit that is counted (it said "at most 1024 characters" of a name of 600).
    [
      { gapMinutesByPlatform: { ['\u{1F600}'.repeat(600)]: 5 } },
      `gapMinutesByPlatform.${'\u{1F600}'.repeat(600)}: platform names must be at most 1024 UTF-16 code units (an emoji is two)`,
    ],
    [{ identityStitching: 'yes' }, expect.stringMatching(/^identityStitching: /)],
    [
      { gapMinute: 30 },
      ': Unrecognized key: "gapMinute"; the keys allowed here are gapMinutes, gapMinutesByPlatform, maxSessionMinutes, identityStitching',
    ],
  ])('refuses %j with one issue naming the field', (input, issue) => {
    expect(issuesOf(input)).toEqual([issue]);
  });

  it('keeps every platform named, __proto__ and constructor included, as own keys', () => {
    const parsed = sessionRulesSchema.parse(
      JSON.parse('{"gapMinutesByPlatform":{"__proto__":5,"constructor":7}}'),
    );
    expect(Object.entries(parsed.gapMinutesByPlatform)).toEqual([
      ['__proto__', 5],
      ['constructor', 7],
    ]);
  });

  it.each([[[5]], ['ios=5'], [null]])('refuses gapMinutesByPlatform %j, saying what it must be', (gaps) => {
    expect(issuesOf({ gapMinutesByPlatform: gaps })).toEqual([
      'gapMinutesByPlatform: gapMinutesByPlatform must be an object of platform names and minutes',
    ]);
  });

  it('accepts a platform name of exactly 1024 characters', () => {
    const platform = 'x'.repeat(1024);
    expect(
      sessionRulesSchema.parse({ gapMinutesByPlatform: { [platform]: 5 } }).gapMinutesByPlatform,
    ).toEqual({
      [platform]: 5,
    });
  });
});
