/**
 * The session rule options (inactivity gap, per-platform gap, length cap, identity stitching), validated the
 * same way wherever they come from: the CDK stage config, the `SESSION_RULES` environment variable of the
 * ingest and rebuild functions, the local stack and the CLI. Depends on zod only, so lib/ can import it too.
 * Written with zod/mini like the rest of functions/ (see ./zod.ts); classic schemas take it as a member.
 */
import * as z from './zod.js';

const MINUTES_PER_DAY = 24 * 60;

/**
 * Minutes become `Math.round(minutes * 60000)` ms; a value that rounds to 0 ms would not be a gap at all.
 * `more` checks run after those, in order.
 */
const minutes = (what: string, ...more: z.core.$ZodCheck<number>[]) =>
  z.number({ error: `${what} must be a number of minutes` }).check(
    z.positive({ error: `${what} must be greater than 0`, abort: true }),
    z.refine(
      (value: number) => Math.round(value * 60_000) >= 1,
      `${what} must be at least 1 ms (1/60000 minute)`,
    ),
    ...more,
  );

function platformNameProblem(platform: string): string | undefined {
  if (platform.length === 0) return 'platform names must not be empty';
  if (platform.length > 1024) return 'platform names must be at most 1024 characters';
  if (platform !== platform.toLowerCase()) {
    return `'${platform}' must be lowercase (events are matched on their lowercased platform)`;
  }
  return undefined;
}

/** Checked here rather than by a record key schema, whose failures zod reports only as "Invalid key". */
function checkPlatformNames(gaps: Record<string, number>, ctx: z.core.$RefinementCtx): void {
  for (const platform of Object.keys(gaps)) {
    const problem = platformNameProblem(platform);
    if (problem) {
      ctx.addIssue({ code: 'custom', path: [platform], message: problem });
    }
  }
}

export const sessionRulesSchema = z.strictObject({
  /** Inactivity that ends a session when the event's platform has no gap of its own. */
  gapMinutes: z._default(
    minutes(
      'gapMinutes',
      z.maximum(MINUTES_PER_DAY, `gapMinutes must be at most ${MINUTES_PER_DAY} (a day)`),
    ),
    30,
  ),
  /** Gap per lowercased platform, applied by the platform of the event that would continue the session. */
  gapMinutesByPlatform: z._default(
    z.record(z.string(), minutes('a platform gap')).check(z.superRefine(checkPlatformNames)),
    {},
  ),
  /** Longest a session may run from its first event; none by default. */
  maxSessionMinutes: z.optional(minutes('maxSessionMinutes')),
  /** Joins anonymous events to the user their anonymousId was first seen with. */
  identityStitching: z._default(z.boolean(), false),
});

/** What a stage or an environment variable may give: every field optional, defaults filled in by parsing. */
export type SessionRulesInput = z.input<typeof sessionRulesSchema>;
export type SessionRules = z.output<typeof sessionRulesSchema>;

export const DEFAULT_SESSION_RULES: SessionRules = sessionRulesSchema.parse({});
