import { DEFAULT_SOURCES, INPUT_FORMATS, REJECTED_PREFIX } from '../../contract/index.js';
import { type CompiledRules, compileRules } from '../domain/rules/session-rules.js';
import { configurationError } from '../shared/config-error.js';
import { wholeNumberVar } from '../shared/env-number.js';
import { DEFAULT_SESSION_RULES, sessionRulesSchema } from '../shared/session-rules-schema.js';
import { unknownKeysError } from '../shared/unknown-keys.js';
import * as z from '../shared/zod.js';
import { chunkBytesFor, copiesPerReadFor } from './memory-limits.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** A variable that may be blank or unset, then checked by `schema` (which gives any default). */
const optional = <T extends z.core.$ZodType>(schema: T) =>
  z.pipe<z.ZodMiniTransform<unknown, unknown>, T>(z.transform(blankAsUndefined), schema);

const json = <T extends z.core.$ZodType>(schema: T, name: string) =>
  z.pipe<z.ZodMiniTransform<unknown, unknown>, T>(
    z.transform((value: unknown, payload) => {
      if (value === undefined || value === '') return undefined;
      try {
        return JSON.parse(String(value));
      } catch {
        payload.issues.push({ code: 'custom', message: `${name} is not valid JSON`, input: value });
        return z.NEVER;
      }
    }),
    schema,
  );

const sourcesSchema = z
  .array(
    z.strictObject({
      name: z.string().check(z.minLength(1)),
      prefix: z.string().check(z.minLength(1), z.endsWith('/')),
      format: z.enum(INPUT_FORMATS),
    }),
  )
  .check(z.minLength(1));

/** Decompressed size past which a ZIP member is refused; 4 GiB unless set. */
const DEFAULT_MAX_MEMBER_BYTES = 4 * 1024 ** 3;

const ingestEnvSchema = z.pipe(
  z
    .object({
      TABLE_NAME: z.string().check(z.minLength(1)),
      BUCKET_NAME: z.string().check(z.minLength(1)),
      // The default sits inside the JSON step: a blank variable only becomes undefined there, too late for an
      // outer default.
      SOURCES: json(z._default(sourcesSchema, [...DEFAULT_SOURCES]), 'SOURCES'),
      REJECTED_PREFIX: optional(z._default(z.string().check(z.endsWith('/')), REJECTED_PREFIX)),
      SESSION_RULES: json(z._default(sessionRulesSchema, DEFAULT_SESSION_RULES), 'SESSION_RULES'),
      MAX_MEMBER_BYTES: optional(z._default(wholeNumberVar(1), DEFAULT_MAX_MEMBER_BYTES)),
      // Set by Lambda: a smaller function merges smaller chunks (chunkBytesFor), and reads fewer copies at once.
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: optional(z.optional(wholeNumberVar(1))),
      // The ingest's own queue, where a call out of time queues the rest of its work; unset, SQS redelivers.
      // An ARN or a name parses as a URL too (`arn:aws:sqs:...`), and would fail only the first continuation.
      INGEST_QUEUE_URL: optional(
        z.optional(
          z.url({
            protocol: /^https?$/,
            hostname: /./,
            error:
              "must be the ingest queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>), not its ARN or name",
          }),
        ),
      ),
      POWERTOOLS_METRICS_NAMESPACE: optional(z._default(z.string(), 'Sessionizer')),
      POWERTOOLS_SERVICE_NAME: optional(z._default(z.string(), 'sessionizer-ingest')),
    })
    // A report written under a source prefix would be ingested again: refuse to start. Run whenever these two
    // variables are valid, so the error names this problem along with others (zod skips it only after a check
    // that aborts parsing).
    .check(
      z.superRefine(
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
      ),
    ),
  z.transform((env) => ({
    tableName: env.TABLE_NAME,
    bucketName: env.BUCKET_NAME,
    sources: env.SOURCES,
    rejectedPrefix: env.REJECTED_PREFIX,
    rules: compileRules(env.SESSION_RULES),
    maxMemberBytes: env.MAX_MEMBER_BYTES,
    chunkBytes: chunkBytesFor(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE),
    copiesPerRead: copiesPerReadFor(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE),
    queueUrl: env.INGEST_QUEUE_URL,
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
  })),
);

export type IngestConfig = z.output<typeof ingestEnvSchema> & { rules: CompiledRules };

/** Parses the ingest function's environment; throws one readable error naming every bad variable. */
export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const parsed = ingestEnvSchema.safeParse(env, { error: unknownKeysError });
  if (parsed.success) return parsed.data;
  throw configurationError('ingest', parsed.error.issues);
}
