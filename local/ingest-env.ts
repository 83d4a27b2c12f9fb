// What `npm start` hands the ingest function: its sources (`SESSIONIZER_SOURCES`, passed on as
// `SOURCES`) and its session rules (`SESSION_GAP_MINUTES` and friends, passed on as `SESSION_RULES`),
// validated here so a mistake is reported by variable before anything starts.
import * as z from 'zod';
import { DEFAULT_SOURCES, INPUT_FORMATS, REJECTED_PREFIX, type SourceDefinition } from '../contract/index.js';
import { parseJsonWithRepeats } from '../contract/repeated-keys.js';
import { DEFAULT_GAP_MINUTES, minutesInput } from '../functions/domain/rules/session-rules.js';
import {
  gapsByPlatformSchema,
  MAX_MINUTES,
  minutesTextProblem,
} from '../functions/shared/session-rules-schema.js';

/** The rules of the normative spec's sections 5, 7 and 8, as the ingest reads them from `SESSION_RULES`. */
export interface SessionRules {
  gapMinutes: number;
  gapMinutesByPlatform: Record<string, number>;
  /** Absent: sessions have no length cap. */
  maxSessionMinutes?: number;
  identityStitching: boolean;
}

export const DEFAULT_SESSION_RULES: SessionRules = {
  gapMinutes: DEFAULT_GAP_MINUTES,
  gapMinutesByPlatform: {},
  identityStitching: false,
};

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/**
 * Parses a JSON-valued variable, turning a syntax error into an issue on that variable. With `eachOnce` (what a
 * key and its value name), a key given twice is an issue too: JSON.parse would keep its last value without a word.
 */
const jsonText = (example: string, eachOnce?: { readonly key: string; readonly value: string }) =>
  z.string().transform((text, context) => {
    const parsed = parseJsonWithRepeats(text);
    if ('syntaxError' in parsed) {
      context.addIssue({ code: 'custom', message: `must be JSON like ${example} (${parsed.syntaxError})` });
      return z.NEVER;
    }
    if (eachOnce !== undefined) {
      for (const key of parsed.repeated) {
        context.addIssue({
          code: 'custom',
          message: `names ${JSON.stringify(key)} twice (JSON would keep only the last ${eachOnce.value}): give each ${eachOnce.key} once`,
        });
      }
    }
    return parsed.value;
  });

// The checks of the stages' rules (session-rules-schema.ts), with messages that name the variable.
const minutes = z
  .number({ error: (issue) => minutesTextProblem(issue.input) })
  .nonnegative('must be 0 or more')
  .max(MAX_MINUTES, `must be at most ${MAX_MINUTES} (a thousand years)`);

const minutesVariable = z.preprocess(minutesInput, minutes);

const sourceSchema = z.object({
  name: z.string().trim().min(1, 'must be a non-empty name'),
  prefix: z
    .string()
    .min(1, 'must not be empty')
    .refine((prefix) => prefix.endsWith('/'), 'must end with "/"')
    .refine(
      (prefix) => !prefix.startsWith(REJECTED_PREFIX) && !REJECTED_PREFIX.startsWith(prefix),
      `must not contain or lie inside ${REJECTED_PREFIX} (where rejection reports are written)`,
    ),
  format: z.enum(INPUT_FORMATS, { error: `must be one of ${INPUT_FORMATS.join(', ')}` }),
});

const sourcesSchema = z
  .array(sourceSchema, { error: 'must be a JSON list of {name, prefix, format}' })
  .min(1, 'must name at least one source')
  .superRefine((sources, context) => {
    sources.forEach((source, index) => {
      const other = sources.findIndex(
        (candidate, at) =>
          at !== index && (candidate.name === source.name || source.prefix.startsWith(candidate.prefix)),
      );
      if (other === -1) return;
      const clash = sources[other] as SourceDefinition;
      context.addIssue({
        code: 'custom',
        path: [index],
        message:
          clash.name === source.name
            ? `repeats the source name "${source.name}"`
            : `prefix ${source.prefix} lies inside ${clash.prefix} of source "${clash.name}": an object must belong to one source`,
      });
    });
  });

/** The ingest's variables in `npm start`'s environment; merged into the stack's schema. */
export const ingestEnvShape = {
  SESSIONIZER_SOURCES: z.preprocess(
    blankAsUndefined,
    jsonText('[{"name":"incoming","prefix":"incoming/","format":"auto"}]', {
      key: 'field of a source',
      value: 'one',
    })
      .pipe(sourcesSchema)
      .optional(),
  ),
  SESSION_GAP_MINUTES: z.preprocess(blankAsUndefined, minutesVariable.default(DEFAULT_GAP_MINUTES)),
  SESSION_GAP_MINUTES_BY_PLATFORM: z.preprocess(
    blankAsUndefined,
    jsonText('{"ios":5,"android":5}', { key: 'platform', value: 'gap' })
      .pipe(gapsByPlatformSchema)
      .optional(),
  ),
  SESSION_MAX_MINUTES: z.preprocess(blankAsUndefined, minutesVariable.optional()),
  IDENTITY_STITCHING: z.preprocess(
    blankAsUndefined,
    z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  ),
};

type IngestEnv = z.output<z.ZodObject<typeof ingestEnvShape>>;

export function sourcesFrom(env: Pick<IngestEnv, 'SESSIONIZER_SOURCES'>): SourceDefinition[] {
  return (env.SESSIONIZER_SOURCES ?? DEFAULT_SOURCES).map(({ name, prefix, format }) => ({
    name,
    prefix,
    format,
  }));
}

export function sessionRulesFrom(env: IngestEnv): SessionRules {
  return {
    gapMinutes: env.SESSION_GAP_MINUTES,
    gapMinutesByPlatform: env.SESSION_GAP_MINUTES_BY_PLATFORM ?? {},
    ...(env.SESSION_MAX_MINUTES !== undefined && { maxSessionMinutes: env.SESSION_MAX_MINUTES }),
    identityStitching: env.IDENTITY_STITCHING === 'true',
  };
}

/**
 * The variables that give `npm start` these rules, as shell assignments; each of the four is named, empty
 * when unset, so a start with them takes none left over from the shell.
 */
export function rulesAsVariables(rules: SessionRules): string {
  const byPlatform =
    Object.keys(rules.gapMinutesByPlatform).length === 0 ? '' : JSON.stringify(rules.gapMinutesByPlatform);
  return [
    `SESSION_GAP_MINUTES=${rules.gapMinutes}`,
    `SESSION_GAP_MINUTES_BY_PLATFORM=${shellQuoted(byPlatform)}`,
    `SESSION_MAX_MINUTES=${rules.maxSessionMinutes ?? ''}`,
    `IDENTITY_STITCHING=${rules.identityStitching}`,
  ].join(' ');
}

function shellQuoted(text: string): string {
  return text === '' ? '' : `'${text.replaceAll("'", `'\\''`)}'`;
}
