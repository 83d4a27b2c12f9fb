import * as z from 'zod';
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
    // The default sits inside the JSON step: a blank variable only becomes undefined there, too late for an
    // outer default.
    SOURCES: json(sourcesSchema.default([...DEFAULT_SOURCES]), 'SOURCES'),
    REJECTED_PREFIX: z.preprocess(blankAsUndefined, z.string().endsWith('/').default(REJECTED_PREFIX)),
    SESSION_RULES: json(sessionRulesSchema.default(sessionRulesSchema.parse({})), 'SESSION_RULES'),
    MAX_MEMBER_BYTES: z.preprocess(
      blankAsUndefined,
      z.coerce.number().int().positive().default(DEFAULT_MAX_MEMBER_BYTES),
    ),
    POWERTOOLS_METRICS_NAMESPACE: z.preprocess(blankAsUndefined, z.string().default('Sessionizer')),
    POWERTOOLS_SERVICE_NAME: z.preprocess(blankAsUndefined, z.string().default('sessionizer-ingest')),
  })
  // A report written under a source prefix would be ingested again: refuse to start. Run whenever these two
  // variables are valid, so the error names this problem along with others (zod skips it only after a check
  // that aborts parsing, such as a non-integer MAX_MEMBER_BYTES).
  .superRefine(
    (env, ctx) => {
      const overlapping = env.SOURCES.find(
        (source) =>
          source.prefix.startsWith(env.REJECTED_PREFIX) || env.REJECTED_PREFIX.startsWith(source.prefix),
      );
      if (overlapping === undefined) return;
      ctx.addIssue({
        code: 'custom',
        path: ['REJECTED_PREFIX'],
        message: `'${env.REJECTED_PREFIX}' overlaps the prefix '${overlapping.prefix}' of source '${overlapping.name}': every rejection report would be ingested again`,
      });
    },
    {
      when: (payload) =>
        !payload.issues.some(
          (issue) => issue.path?.[0] === 'SOURCES' || issue.path?.[0] === 'REJECTED_PREFIX',
        ),
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
