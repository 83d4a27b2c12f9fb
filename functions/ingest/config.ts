import { z } from 'zod';
import { DEFAULT_SOURCES, INPUT_FORMATS, REJECTED_PREFIX } from '../../contract/index.js';
import { type CompiledRules, compileRules } from '../domain/rules/session-rules.js';
import { sessionRulesSchema } from '../shared/session-rules-schema.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const json = <T extends z.ZodType>(schema: T, name: string) =>
  z.preprocess((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    try {
      return JSON.parse(String(value));
    } catch {
      ctx.addIssue({ code: 'custom', message: `${name} is not valid JSON` });
      return z.NEVER;
    }
  }, schema);

const sourcesSchema = z
  .array(
    z
      .object({
        name: z.string().min(1),
        prefix: z.string().min(1).endsWith('/'),
        format: z.enum(INPUT_FORMATS),
      })
      .strict(),
  )
  .min(1);

/** Decompressed size past which a ZIP member is refused; 4 GiB unless set. */
const DEFAULT_MAX_MEMBER_BYTES = 4 * 1024 ** 3;

const ingestEnvSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    BUCKET_NAME: z.string().min(1),
    SOURCES: json(sourcesSchema, 'SOURCES').default([...DEFAULT_SOURCES]),
    REJECTED_PREFIX: z.preprocess(blankAsUndefined, z.string().endsWith('/').default(REJECTED_PREFIX)),
    SESSION_RULES: json(sessionRulesSchema, 'SESSION_RULES').default(sessionRulesSchema.parse({})),
    MAX_MEMBER_BYTES: z.preprocess(
      blankAsUndefined,
      z.coerce.number().int().positive().default(DEFAULT_MAX_MEMBER_BYTES),
    ),
    POWERTOOLS_METRICS_NAMESPACE: z.preprocess(blankAsUndefined, z.string().default('Sessionizer')),
    POWERTOOLS_SERVICE_NAME: z.preprocess(blankAsUndefined, z.string().default('sessionizer-ingest')),
  })
  // A report written under a source prefix would be ingested again: refuse to start.
  .refine(
    (env) =>
      env.SOURCES.every(
        (source) =>
          !source.prefix.startsWith(env.REJECTED_PREFIX) && !env.REJECTED_PREFIX.startsWith(source.prefix),
      ),
    {
      message: 'REJECTED_PREFIX must not overlap a source prefix',
      path: ['REJECTED_PREFIX'],
    },
  )
  .transform((env) => ({
    tableName: env.TABLE_NAME,
    bucketName: env.BUCKET_NAME,
    sources: env.SOURCES,
    rejectedPrefix: env.REJECTED_PREFIX,
    rules: compileRules(env.SESSION_RULES),
    maxMemberBytes: env.MAX_MEMBER_BYTES,
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
  }));

export type IngestConfig = z.output<typeof ingestEnvSchema> & { rules: CompiledRules };

/** Parses the ingest function's environment; throws one readable error naming every bad variable. */
export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const parsed = ingestEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`);
  throw new Error(`invalid ingest configuration: ${problems.join('; ')}`);
}
