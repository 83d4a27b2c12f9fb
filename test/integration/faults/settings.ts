// Parameters of the fault suite, validated: the CI test takes only the seed (SOAK_SEED, to re-run a
// failure), `npm run soak` takes every size and the length of the soak from flags or SOAK_* variables.
import { randomInt } from 'node:crypto';
import * as z from 'zod';
import { readCommandLine } from '../../../cli/command-line.js';
import { quoted } from '../../../cli/terminal-text.js';
import { decimalInput, gotText, wholeNumberInput } from '../../../cli/whole-number.js';
import type { ExportShape } from './export-files.js';
import { SCENARIOS } from './scenarios.js';

const MAX_SEED = 2 ** 32 - 1;

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** A setting as a refusal names it: what it is, then where it came from, the flag or its variable. */
const named = (flag: string) => `${flag} (--${flag} or SOAK_${flag.toUpperCase().replace(/-/g, '_')})`;

// Decimal digits, as the stack reads its numbers: z.coerce would also take "0x10", "1e3" and " " (as 0).
// `quote` writes the value given: as typed for soak's usage error, which usageErrorText escapes whole; as
// JSON for the CI run's error, printed as it is.
const wholeNumber = (name: string, min: number, max: number, quote: (text: string) => string) =>
  z.preprocess(
    wholeNumberInput,
    z
      .number({
        error: (issue) => `${name} must be a whole number in decimal digits${gotText(issue.input, quote)}`,
      })
      .int(`${name} must be a whole number`)
      .min(min, `${name} must be from ${min} to ${max}`)
      .max(max, `${name} must be from ${min} to ${max}`),
  );

const seedSchema = (name: string, quote: (text: string) => string) =>
  z.preprocess(blankAsUndefined, wholeNumber(name, 0, MAX_SEED, quote).optional());

const scenarioList = z.string().transform((text, context) => {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const known = SCENARIOS.map((scenario) => scenario.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `${named('scenarios')} must be a comma-separated list of ${known.join(', ')}; not ${quoted(unknown.join(','))}`,
    });
    return z.NEVER;
  }
  return names;
});

const soakNumber = (flag: string, min: number, max: number) => wholeNumber(named(flag), min, max, quoted);

const soakSchema = z
  .object({
    seed: seedSchema(named('seed'), quoted),
    events: z.preprocess(blankAsUndefined, soakNumber('events', 10, 10_000_000).default(4_000)),
    files: z.preprocess(blankAsUndefined, soakNumber('files', 1, 10_000).default(30)),
    users: z.preprocess(blankAsUndefined, soakNumber('users', 1, 1_000_000).default(40)),
    days: z.preprocess(blankAsUndefined, soakNumber('days', 1, 365).default(5)),
    scenarios: z.preprocess(
      blankAsUndefined,
      scenarioList.default(SCENARIOS.map((scenario) => scenario.name)),
    ),
    rounds: z.preprocess(blankAsUndefined, soakNumber('rounds', 1, 100_000).optional()),
    minutes: z.preprocess(
      blankAsUndefined,
      // Fractions are minutes too, written as the stack's shares are: z.coerce took "0x10", "1e3" and " " (0).
      z
        .preprocess(
          decimalInput,
          z
            .number({
              error: (issue) =>
                `${named('minutes')} must be a number greater than 0, in decimal digits such as 30 or 0.5${gotText(issue.input, quoted)}`,
            })
            .positive(`${named('minutes')} must be greater than 0`)
            .max(7 * 24 * 60, `${named('minutes')} must be at most a week (10080)`),
        )
        .optional(),
    ),
    settleTimeoutSeconds: z.preprocess(
      blankAsUndefined,
      soakNumber('settle-timeout', 10, 86_400).default(900),
    ),
  })
  .refine((options) => options.files <= options.events, {
    message: `${named('files')} must be at most ${named('events')}: every file needs an event`,
    path: ['files'],
  });

export interface SoakSettings {
  /** The seed of the first round; round n uses seed + n. */
  seed: number;
  shape: ExportShape;
  scenarios: string[];
  /** Rounds to run; with `minutes`, rounds start until the time is up (at least one). */
  rounds: number;
  minutes: number | undefined;
  settleTimeoutMs: number;
}

export const SOAK_USAGE = `Usage: npm run soak -- [--seed N] [--events N] [--files N] [--users N] [--days N]
                        [--scenarios a,b,...] [--rounds N | --minutes M] [--settle-timeout SECONDS]

Runs the fault suite against the local stack with bigger inputs, for N rounds (default 1) or until M
minutes have passed. Each round is a fresh stack and data dir driven through the scenarios in order;
each scenario uploads --files new files of --events events. Every flag can also be set as SOAK_<FLAG>
(SOAK_SEED, SOAK_EVENTS, SOAK_MINUTES, ...); a flag wins over its variable.

Scenarios: ${SCENARIOS.map((scenario) => scenario.name).join(', ')} (default: all)`;

const FLAGS = [
  'seed',
  'events',
  'files',
  'users',
  'days',
  'scenarios',
  'rounds',
  'minutes',
  'settle-timeout',
] as const;

/** Flags, then SOAK_* variables; throws one error naming every bad value. */
export function parseSoakSettings(argv: readonly string[], env: NodeJS.ProcessEnv): SoakSettings {
  const read = readCommandLine({
    args: [...argv],
    options: Object.fromEntries(FLAGS.map((flag) => [flag, { type: 'string' as const }])),
    strict: true,
  });
  if ('problem' in read) throw new Error(read.problem);
  const { values } = read;
  const given = (flag: (typeof FLAGS)[number]) =>
    (values[flag] as string | undefined) ?? env[`SOAK_${flag.toUpperCase().replace(/-/g, '_')}`];
  const parsed = soakSchema.safeParse({
    seed: given('seed'),
    events: given('events'),
    files: given('files'),
    users: given('users'),
    days: given('days'),
    scenarios: given('scenarios'),
    rounds: given('rounds'),
    minutes: given('minutes'),
    settleTimeoutSeconds: given('settle-timeout'),
  });
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const options = parsed.data;
  return {
    seed: options.seed ?? randomInt(MAX_SEED),
    shape: { events: options.events, files: options.files, users: options.users, days: options.days },
    scenarios: options.scenarios,
    rounds: options.rounds ?? (options.minutes === undefined ? 1 : Number.POSITIVE_INFINITY),
    minutes: options.minutes,
    settleTimeoutMs: options.settleTimeoutSeconds * 1000,
  };
}

/** The CI run's seed: SOAK_SEED when set (to re-run a failure), else a fresh one that the run prints. */
export function ciSeed(env: NodeJS.ProcessEnv): number {
  const parsed = seedSchema('seed (SOAK_SEED)', JSON.stringify).safeParse(env.SOAK_SEED);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data ?? randomInt(MAX_SEED);
}
