/**
 * The session rule options (inactivity gap, per-platform gap, length cap, identity stitching), validated the
 * same way wherever they come from: the CDK stage config, the `SESSION_RULES` environment variable of the
 * ingest and rebuild functions, the local stack and the CLI. Depends on zod only, so lib/ can import it too.
 * Written with zod/mini like the rest of functions/ (see ./zod.ts); classic schemas take it as a member.
 */
import { unknownKeysError } from './unknown-keys.js';
import * as z from './zod.js';

/**
 * The most minutes a gap or cap may be: a thousand years, past any span of timestamps the rules accept, so
 * only a mistake reaches it. The spec sets no bound; a long gap only makes each merge load more days.
 */
export const MAX_MINUTES = 525_600_000;

/**
 * What is wrong with minutes given as text, after the option's or variable's name. Text arrives here only when
 * it is not a decimal number (session-rules.ts's minutesInput leaves it as given), and a number only when a
 * decimal overflows (1e400 reads as Infinity, -1e400 as -Infinity): "must be a number" would puzzle whoever typed
 * either. `quote` writes the text given: as JSON for a log that prints the message as it is, as it is for the
 * CLI, which escapes every message it prints.
 */
export function minutesTextProblem(input: unknown, quote: (text: string) => string = JSON.stringify): string {
  const most = `${MAX_MINUTES} (a thousand years)`;
  if (typeof input === 'number') return input < 0 ? 'must be 0 or more' : `must be at most ${most}`;
  const unbounded = /^\s*[+-]?(?:inf(?:inity)?|nan)\s*$/i.test(String(input));
  return `must be a decimal number of minutes such as 30, 2.5 or 1e3 (got ${quote(String(input))}${
    unbounded ? `, which is no finite number: the most is ${most}` : ''
  })`;
}

/**
 * Why a value that is no number of minutes is refused. Infinity (or -Infinity, NaN) is a number to whoever
 * writes it in a stage's config, meaning "never split" or "no cap": "must be a number" would puzzle them.
 */
function notMinutesProblem(input: unknown, isCap: boolean): string {
  if (typeof input !== 'number') return 'must be a number of minutes';
  if (Number.isNaN(input)) return 'must be a number of minutes (got NaN)';
  if (input < 0) return 'must be 0 or more';
  return `must be a finite number of minutes, at most ${MAX_MINUTES} (a thousand years)${isCap ? '; leave it out for no cap' : ''}`;
}

/**
 * Minutes become `Math.round(minutes * 60000)` ms. Zero (or what rounds to 0 ms) is a gap too: rules 5 and 7
 * split only past it, so events at one instant stay together and any later one starts anew.
 */
const minutes = (what: string) =>
  z
    .number({ error: (issue) => `${what} ${notMinutesProblem(issue.input, what === 'maxSessionMinutes')}` })
    .check(
      z.nonnegative({ error: `${what} must be 0 or more`, abort: true }),
      z.maximum(MAX_MINUTES, `${what} must be at most ${MAX_MINUTES} (a thousand years)`),
    );

function platformNameProblem(platform: string): string | undefined {
  if (platform.length === 0) return 'platform names must not be empty';
  // Counted in UTF-16 code units, as an event's platform is (normalize.ts's platformOf): a longer one matches none.
  if (platform.length > 1024)
    return 'platform names must be at most 1024 UTF-16 code units (an emoji is two)';
  if (platform !== platform.toLowerCase()) {
    return `'${platform}' must be lowercase (events are matched on their lowercased platform)`;
  }
  return undefined;
}

const platformMinutes = minutes('a platform gap');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Read entry by entry rather than with zod's record, which builds its output by assignment: a platform
 * named `__proto__` would vanish without an error. Names are checked here too, since a record's key
 * schema reports its failures only as "Invalid key".
 */
export const gapsByPlatformSchema = z.pipe(
  z.custom<Record<string, unknown>>(isRecord, {
    error: 'gapMinutesByPlatform must be an object of platform names and minutes',
  }),
  z.transform((gaps, ctx) => {
    const entries: [string, number][] = [];
    for (const [platform, value] of Object.entries(gaps)) {
      const problem = platformNameProblem(platform);
      if (problem) ctx.issues.push({ code: 'custom', path: [platform], message: problem, input: value });
      const parsed = z.safeParse(platformMinutes, value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.issues.push({
            code: 'custom',
            path: [platform, ...issue.path],
            message: issue.message,
            input: value,
          });
        }
      } else if (!problem) {
        entries.push([platform, parsed.data]);
      }
    }
    // Defines own keys, `__proto__` included.
    return Object.fromEntries(entries) as Record<string, number>;
  }),
);

export const sessionRulesSchema = z.strictObject(
  {
    /** Inactivity that ends a session when the event's platform has no gap of its own. */
    gapMinutes: z._default(minutes('gapMinutes'), 30),
    /** Gap per lowercased platform, applied by the platform of the event that would continue the session. */
    gapMinutesByPlatform: z._default(gapsByPlatformSchema, {}),
    /** Longest a session may run from its first event; none by default. */
    maxSessionMinutes: z.optional(minutes('maxSessionMinutes')),
    /** Joins anonymous events to the user their anonymousId was first seen with. */
    identityStitching: z._default(
      z.boolean({
        // zod's "expected boolean, received string" left whoever wrote 'true' to guess the fix.
        error: (issue) =>
          `identityStitching must be true or false${typeof issue.input === 'string' ? ` (not in quotes: got ${JSON.stringify(issue.input)})` : ''}`,
      }),
      false,
    ),
  },
  { error: unknownKeysError },
);

/** What a stage or an environment variable may give: every field optional, defaults filled in by parsing. */
export type SessionRulesInput = z.input<typeof sessionRulesSchema>;
export type SessionRules = z.output<typeof sessionRulesSchema>;

export const DEFAULT_SESSION_RULES: SessionRules = sessionRulesSchema.parse({});
