import { type CompiledRules, compileRules } from '../domain/rules/session-rules.js';
import { configurationError } from '../shared/config-error.js';
import { wholeNumberVar } from '../shared/env-number.js';
import { DEFAULT_SESSION_RULES, sessionRulesSchema } from '../shared/session-rules-schema.js';
import * as z from '../shared/zod.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const rebuildEnvSchema = z.pipe(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    /** The exports bucket, where copies tied at one instant are read again; none: they go by projection. */
    BUCKET_NAME: z.pipe(z.transform(blankAsUndefined), z.optional(z.string())),
    /** The rules the rebuild moves the table to: the stage's current ones, as the ingest runs them. */
    SESSION_RULES: z.pipe(
      z.transform((value: unknown, payload) => {
        if (value === undefined || value === '') return undefined;
        try {
          return JSON.parse(String(value));
        } catch {
          payload.issues.push({ code: 'custom', message: 'SESSION_RULES is not valid JSON', input: value });
          return z.NEVER;
        }
      }),
      z._default(sessionRulesSchema, DEFAULT_SESSION_RULES),
    ),
    /**
     * The ingest function's timeout: how long an ingest of the old rules may still write after its last check
     * of the rules record (`ingestDrainMs`).
     */
    INGEST_TIMEOUT_SECONDS: wholeNumberVar(1),
    /**
     * The ingest's member limit (its MAX_MEMBER_BYTES), under which an export is opened again to read copies
     * tied at one instant, as the ingest first read them; unset, the 4 GiB default the ingest has then too.
     */
    MAX_MEMBER_BYTES: z.pipe(z.transform(blankAsUndefined), z.optional(wholeNumberVar(1))),
    POWERTOOLS_SERVICE_NAME: z.pipe(
      z.transform(blankAsUndefined),
      z._default(z.string(), 'sessionizer-rebuild'),
    ),
  }),
  z.transform((env) => ({
    tableName: env.TABLE_NAME,
    bucketName: env.BUCKET_NAME,
    rules: compileRules(env.SESSION_RULES),
    ingestTimeoutMs: env.INGEST_TIMEOUT_SECONDS * 1000,
    maxMemberBytes: env.MAX_MEMBER_BYTES,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
  })),
);

export type RebuildConfig = z.output<typeof rebuildEnvSchema> & { rules: CompiledRules };

/** Parses the rebuild function's environment; throws one readable error naming every bad variable. */
export function loadRebuildConfig(env: NodeJS.ProcessEnv = process.env): RebuildConfig {
  const parsed = rebuildEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw configurationError('rebuild', parsed.error.issues);
}
