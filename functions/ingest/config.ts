import { z } from 'zod';
import { DEFAULT_GAP_MINUTES, minutesToMs } from '../domain/sessionize.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const ingestEnvSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    BUCKET_NAME: z.string().min(1),
    SESSION_GAP_MINUTES: z.preprocess(
      blankAsUndefined,
      z.coerce.number().positive().finite().default(DEFAULT_GAP_MINUTES),
    ),
    INCOMING_PREFIX: z.preprocess(blankAsUndefined, z.string().default('incoming/')),
    REJECTED_PREFIX: z.preprocess(blankAsUndefined, z.string().default('rejected/')),
    POWERTOOLS_METRICS_NAMESPACE: z.preprocess(blankAsUndefined, z.string().default('Sessionizer')),
    POWERTOOLS_SERVICE_NAME: z.preprocess(blankAsUndefined, z.string().default('sessionizer-ingest')),
  })
  // Reports written under an incoming prefix would trigger ingest again (and vice versa): refuse to start.
  .refine(
    (env) =>
      !env.REJECTED_PREFIX.startsWith(env.INCOMING_PREFIX) &&
      !env.INCOMING_PREFIX.startsWith(env.REJECTED_PREFIX),
    {
      message: 'INCOMING_PREFIX and REJECTED_PREFIX must not contain one another',
      path: ['REJECTED_PREFIX'],
    },
  )
  .transform((env) => ({
    tableName: env.TABLE_NAME,
    bucketName: env.BUCKET_NAME,
    gapMinutes: env.SESSION_GAP_MINUTES,
    gapMs: minutesToMs(env.SESSION_GAP_MINUTES),
    incomingPrefix: env.INCOMING_PREFIX,
    rejectedPrefix: env.REJECTED_PREFIX,
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
  }));

export type IngestConfig = z.output<typeof ingestEnvSchema>;

/** Parses the ingest function's environment; throws one readable error naming every bad variable. */
export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const parsed = ingestEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`);
  throw new Error(`invalid ingest configuration: ${problems.join('; ')}`);
}
