// Rules that cut the same sessions from every input are the same rules to the table's rules record and to
// each head (docs/operations.md, "Rebuild under new rules"); only what provably changes no session counts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileRules,
  DEFAULT_SESSION_RULES,
  rulesIdentity,
  type SessionRules,
  sameRules,
} from '../../../../functions/domain/rules/session-rules.js';
import { sessionBounds } from '../../../../functions/domain/sessions/split.js';
import { MINUTE } from '../../../helpers/event-arbitraries.js';

const rules = (overrides: Partial<SessionRules>): SessionRules => ({
  ...DEFAULT_SESSION_RULES,
  ...overrides,
});
const fingerprint = (overrides: Partial<SessionRules>) => compileRules(rules(overrides)).fingerprint;

describe('sameRules', () => {
  it('takes a platform gap equal to the default gap for no platform gap', () => {
    expect(sameRules(fingerprint({}), fingerprint({ gapMinutesByPlatform: { ios: 30 } }))).toBe(true);
    expect(
      sameRules(
        fingerprint({ gapMinutes: 20, gapMinutesByPlatform: { ios: 5 } }),
        fingerprint({ gapMinutes: 20, gapMinutesByPlatform: { android: 20, ios: 5, web: 20 } }),
      ),
    ).toBe(true);
    // Equal once in milliseconds (rule 5 rounds minutes to the millisecond).
    expect(sameRules(fingerprint({}), fingerprint({ gapMinutesByPlatform: { ios: 30.000001 } }))).toBe(true);
  });

  it('takes a cap for no cap when every gap is 0: a session then spans one instant', () => {
    expect(
      sameRules(fingerprint({ gapMinutes: 0 }), fingerprint({ gapMinutes: 0, maxSessionMinutes: 5 })),
    ).toBe(true);
    expect(
      sameRules(
        fingerprint({ gapMinutes: 0, maxSessionMinutes: 0 }),
        fingerprint({ gapMinutes: 0, gapMinutesByPlatform: { ios: 0 }, maxSessionMinutes: 60 }),
      ),
    ).toBe(true);
  });

  it('tells apart every pair that can cut different sessions', () => {
    const distinct = (
      [
        {},
        { gapMinutes: 31 },
        { gapMinutesByPlatform: { ios: 5 } },
        { gapMinutesByPlatform: { ios: 31 } },
        { gapMinutesByPlatform: { android: 5 } },
        { gapMinutes: 5, gapMinutesByPlatform: { ios: 30 } },
        { maxSessionMinutes: 1440 },
        // A cap that could only bind past the largest gap binds all the same, a chain of events at a time.
        { maxSessionMinutes: 525_600_000 },
        // Same splits as a gap of 0, but the cap marks them as a chain's (continuesChain): not the same sessions.
        { maxSessionMinutes: 0 },
        { gapMinutes: 0 },
        { gapMinutes: 0, gapMinutesByPlatform: { ios: 5 } },
        { gapMinutes: 0, gapMinutesByPlatform: { ios: 5 }, maxSessionMinutes: 10 },
        { identityStitching: true },
        { identityStitching: true, gapMinutes: 0, maxSessionMinutes: 1 },
      ] as Partial<SessionRules>[]
    ).map(fingerprint);
    for (const [i, a] of distinct.entries())
      for (const [j, b] of distinct.entries()) expect(sameRules(a, b), `${a} ${b}`).toBe(i === j);
  });

  it('compares a text compileRules did not write only as itself', () => {
    expect(sameRules('not json', 'not json')).toBe(true);
    expect(sameRules('not json', fingerprint({}))).toBe(false);
    expect(sameRules('{"gapMs":1800000}', fingerprint({}))).toBe(false);
  });
});

describe('the recorded form', () => {
  it('is unchanged: a platform gap equal to the default is still written, so old tables read as before', () => {
    expect(fingerprint({ gapMinutesByPlatform: { ios: 30 } })).toBe(
      '{"byPlatform":{"ios":1800000},"capMs":null,"gapMs":1800000,"stitching":false}',
    );
  });

  it('is its own identity when nothing in it is redundant, so list cursors made before stay valid', () => {
    for (const overrides of [
      {},
      { gapMinutesByPlatform: { ios: 5, android: 45 }, maxSessionMinutes: 60, identityStitching: true },
    ])
      expect(rulesIdentity(fingerprint(overrides))).toBe(fingerprint(overrides));
  });
});

const PLATFORMS = ['ios', 'android'];
const MINUTES = [0, 5, 30];
/** Every rule set of a small domain, where many pairs are the same rules in other forms. */
const DOMAIN: SessionRules[] = MINUTES.flatMap((gapMinutes) =>
  [undefined, ...MINUTES].flatMap((ios) =>
    [undefined, ...MINUTES].flatMap((android) =>
      [undefined, 0, 5, 60].map((maxSessionMinutes) =>
        rules({
          gapMinutes,
          gapMinutesByPlatform: {
            ...(ios !== undefined && { ios }),
            ...(android !== undefined && { android }),
          },
          maxSessionMinutes,
        }),
      ),
    ),
  ),
);
const SAME = DOMAIN.flatMap((a) =>
  DOMAIN.filter((b) => b !== a && sameRules(compileRules(a).fingerprint, compileRules(b).fingerprint)).map(
    (b) => [compileRules(a), compileRules(b)] as const,
  ),
);
/** One user's events in rule 5's order: times in minutes (ties too), platforms named or not. */
const eventsArb = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: 240 }), fc.constantFrom<string | null>(...PLATFORMS, 'web', null)),
    {
      maxLength: 40,
    },
  )
  .map((events) => [...events].sort(([a], [b]) => a - b));

describe('rules taken for the same', () => {
  it('cut the same sessions, chains included, from any events', () => {
    // Platform gaps equal to the default (each of the two, any default), and caps under gaps all 0.
    expect(SAME.length).toBeGreaterThan(300);
    fc.assert(
      fc.property(fc.constantFrom(...SAME), eventsArb, ([first, second], events) => {
        const window = {
          length: events.length,
          timestamp: (k: number) => (events[k]?.[0] ?? 0) * MINUTE,
          platform: (k: number) => events[k]?.[1] ?? null,
        };
        expect(sessionBounds(window, first)).toEqual(sessionBounds(window, second));
      }),
      { numRuns: 3_000 },
    );
  });
});
