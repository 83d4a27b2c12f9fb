import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import {
  BROWSER_ORIGIN_FORM,
  DEFAULT_SOURCES,
  INPUT_FORMATS,
  isBrowserOrigin,
  REJECTED_PREFIX,
} from '../../contract/index.js';
import { MIN_RESERVE_MS } from '../../functions/shared/deadline.js';
import { sessionRulesSchema } from '../../functions/shared/session-rules-schema.js';
import { VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT } from '../constructs/ingest-queue.js';

// CloudWatch Logs only accepts these retention periods; anything else fails at deploy time, so reject it at synth.
const allowedRetentionDays = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

const positiveInt = z.int().positive();

/** A browser's Origin header: scheme, host and port only, as browsers send it (no path, no trailing slash). */
const browserOrigin = z.string().refine(isBrowserOrigin, `must be ${BROWSER_ORIGIN_FORM}`);

const apiAuthSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('iam') }).strict(),
  z
    .object({
      mode: z.literal('jwt'),
      // zod's own "Invalid URL" also answers an http one, which is a URL: say what API Gateway takes.
      issuer: z.url({
        protocol: /^https$/,
        error: "must be an https URL, the token issuer's (its tokens' iss), such as https://<issuer>/",
      }),
      audience: z
        .array(z.string().min(1, 'must not be empty: an audience is a client id the tokens are issued for'))
        .min(1, 'must list at least one audience: the client ids whose tokens the API takes'),
    })
    .strict(),
  z.object({ mode: z.literal('none') }).strict(),
]);

const sourceSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
        'must be 1-64 letters, digits, _ or -, starting alphanumeric',
      ),
    prefix: z
      .string()
      .min(1, {
        error: 'must not be empty: a source without a prefix would also see the rejection reports',
        abort: true,
      })
      .max(1024, 'must be at most 1024 characters (the S3 key limit)')
      .endsWith('/', "must end with '/' so that it names a folder, not every key that starts alike")
      // S3's safe key characters only: a notification filter matches others only URL-encoded (a prefix with a
      // space would pass and never be ingested), and in IAM resource ARNs `*`, `?` and `$` are wildcards.
      .regex(
        /^[A-Za-z0-9/!_.'()-]*$/,
        "may hold only letters, digits, '/' and ! - _ . ' ( ): S3 notifications match other characters only URL-encoded, and IAM reads * ? $ as wildcards",
      ),
    format: z.enum(INPUT_FORMATS),
  })
  .strict();

const sourcesSchema = z
  .array(sourceSchema)
  .min(1, 'needs at least one source')
  .superRefine((sources, ctx) => {
    sources.forEach((source, index) => {
      if (source.prefix === '') return; // reported on its own
      const earlier = sources.slice(0, index);
      const sameName = earlier.find((other) => other.name === source.name);
      if (sameName) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `'${source.name}' is used twice` });
      }
      // S3 refuses overlapping notification filters, and a key under both would be ingested twice.
      const overlapping = earlier.find(
        (other) => other.prefix.startsWith(source.prefix) || source.prefix.startsWith(other.prefix),
      );
      if (overlapping) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'prefix'],
          message: `'${source.prefix}' overlaps the prefix '${overlapping.prefix}' of source '${overlapping.name}'; source prefixes must not contain one another`,
        });
      }
      if (source.prefix.startsWith(REJECTED_PREFIX) || REJECTED_PREFIX.startsWith(source.prefix)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'prefix'],
          message: `'${source.prefix}' overlaps '${REJECTED_PREFIX}', where the ingest writes rejection reports: every report would be ingested again`,
        });
      }
    });
  })
  .default(() => DEFAULT_SOURCES.map((source) => ({ ...source })));

/** Lambda allows 4 KB of environment variables per function; the other variables need well under 1 KB. */
const SOURCES_AND_RULES_ENV_BUDGET_BYTES = 3 * 1024;

/** The ingest queue and its dead-letter queue keep messages this long, the most SQS allows. */
const SQS_MAX_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** A whole number from `min` to `max`, refused with one message that says why (`reason`) either way. */
function intFrom(min: number, max: number, reason: string) {
  const message = `must be a whole number from ${min} to ${max}: ${reason}`;
  return z.int(message).min(min, message).max(max, message);
}

const memorySizeMb = intFrom(128, 10_240, 'the memory sizes Lambda offers, in MB');

/** `ingest.maxMemberMegabytes` reaches the ingest and the rebuild as MAX_MEMBER_BYTES, this many bytes a MB. */
export const BYTES_PER_MEGABYTE = 1024 * 1024;
/** Past this, MAX_MEMBER_BYTES is no safe integer, and both functions refuse it at every cold start. */
const MAX_MEMBER_MEGABYTES = Math.floor(Number.MAX_SAFE_INTEGER / BYTES_PER_MEGABYTE);

/**
 * An ingest or rebuild call stops taking on work once only its reserve is left (deadlineOf): with a timeout
 * within the reserve every call is past its deadline as it starts, so the timeout must pass the reserve.
 */
const reserveSeconds = MIN_RESERVE_MS / 1000;
const minWorkingTimeoutSeconds = Math.floor(reserveSeconds) + 1;
const workingTimeoutSeconds = positiveInt
  .min(
    minWorkingTimeoutSeconds,
    `must be at least ${minWorkingTimeoutSeconds} s: each call keeps ${reserveSeconds} s in reserve to finish what is in flight and save its progress, so a shorter timeout leaves it no time to work`,
  )
  .max(900);

/** A function behind the HTTP API, which gives up on an integration after 30 s (the caller gets a 503). */
const gatewayTimeoutSeconds = positiveInt.max(
  29,
  'must be at most 29 s: the HTTP API gives up on a function after 30 s and answers 503',
);

export const stageConfigSchema = z
  .object({
    /** false = synth-only stage used by infrastructure tests; `cdk` refuses to select it. */
    deployed: z.boolean(),
    /** S3 prefixes whose new objects are ingested, and how their files are read. */
    sources: sourcesSchema,
    /** Applied by the ingest and by a rebuild; change them, deploy, then run a rebuild for stored sessions. */
    sessionRules: z.prefault(sessionRulesSchema, {}),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    logRetentionDays: positiveInt.refine((days) => allowedRetentionDays.has(days), {
      message: `must be one of ${[...allowedRetentionDays].sort((a, b) => a - b).join(', ')}`,
    }),
    removalPolicy: z.enum(['retain', 'destroy']),
    terminationProtection: z.boolean(),
    storage: z
      .object({
        noncurrentVersionExpirationDays: positiveInt,
        /**
         * Days a rejection report (under rejected/) is kept; unset keeps them. The exports themselves are
         * the customer's and never expire here, so a report's lines can always be found again in them.
         */
        rejectionReportExpirationDays: positiveInt.optional(),
      })
      .strict(),
    ingest: z
      .object({
        memorySizeMb,
        timeoutSeconds: workingTimeoutSeconds,
        /** Concurrent invocations the queue feeds at most: paces the table writes (SQS allows 2 to 1000). */
        maxConcurrency: intFrom(2, 1000, "what an SQS event source's maximum concurrency takes"),
        /** S3 events per invocation (SQS allows up to 10 without a batching window). */
        batchSize: intFrom(1, 10, 'the most SQS hands a function at once without a batching window'),
        /** Deliveries of one S3 event before it moves to the dead-letter queue. */
        maxReceiveCount: intFrom(1, 1000, 'what an SQS redrive policy takes'),
        /** Largest ZIP member the ingest inflates, and the rebuild reading copies again; unset: their own limit. */
        maxMemberMegabytes: positiveInt
          .max(
            MAX_MEMBER_MEGABYTES,
            `must be at most ${MAX_MEMBER_MEGABYTES} MB: the ingest and the rebuild read the limit in bytes as a whole number up to 2^53 - 1 (leave it out for their 4 GiB)`,
          )
          .optional(),
      })
      .strict(),
    rebuild: z
      .object({
        /** Parallel scan segments, one Map iteration each; an inline Map runs at most 40 at once. */
        totalSegments: intFrom(1, 40, 'the segments run as one inline Map, which runs at most 40 at once'),
        memorySizeMb,
        timeoutSeconds: workingTimeoutSeconds,
      })
      .strict(),
    erase: z
      .object({
        memorySizeMb,
        timeoutSeconds: gatewayTimeoutSeconds,
      })
      .strict(),
    api: z
      .object({
        auth: apiAuthSchema,
        throttle: z.object({ rateLimit: z.number().positive(), burstLimit: positiveInt }).strict(),
        corsAllowedOrigins: z.array(z.union([z.literal('*'), browserOrigin])),
        memorySizeMb,
        timeoutSeconds: gatewayTimeoutSeconds,
      })
      .strict(),
    alarms: z
      .object({
        periodMinutes: positiveInt,
        evaluationPeriods: positiveInt,
        ingestErrorsThreshold: positiveInt,
        ingestThrottlesThreshold: positiveInt,
        /**
         * Age of the oldest waiting S3 event: the backlog is not draining fast enough (or at all). Above the
         * visibility timeout plus a function timeout, the age one failed delivery and its retry reach.
         */
        queueAgeThresholdSeconds: positiveInt.max(
          SQS_MAX_RETENTION_SECONDS - 1,
          'must be below 14 days, after which the queue drops the message',
        ),
        dlqDepthThreshold: positiveInt,
        /** Lookup function errors, or 5xx answers of the HTTP API, per period. */
        apiErrorsThreshold: positiveInt,
        /**
         * An existing SNS topic for every alarm, in the stage's region (the stateless stack checks it once the
         * region is known); without one the stage creates its own (output AlarmTopicArn).
         */
        actionTopicArn: z
          .string()
          .regex(
            /^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
            'must be an SNS standard topic ARN, arn:aws:sns:<region>:<account id>:<topic name>',
          )
          .optional(),
        /** Addresses subscribed to the stage's own topic (each confirms by the link AWS mails it); not with actionTopicArn. */
        notifyEmails: z.array(z.email()).default([]),
      })
      .strict()
      .superRefine((alarms, ctx) => {
        // PutMetricAlarm's limit, met only at deploy time otherwise.
        const periodSeconds = alarms.periodMinutes * 60;
        const limitSeconds = periodSeconds < 3600 ? 86_400 : 604_800;
        if (periodSeconds * alarms.evaluationPeriods > limitSeconds) {
          ctx.addIssue({
            code: 'custom',
            path: ['evaluationPeriods'],
            message: `periodMinutes × evaluationPeriods must span at most ${limitSeconds === 86_400 ? 'one day (for a period under an hour)' : 'seven days'}: CloudWatch refuses a longer alarm window`,
          });
        }
        // CDK names a subscription by its address, so one given twice fails the synth; in another case it would
        // be subscribed twice, and mailed each alarm twice.
        const seen = new Map<string, number>();
        alarms.notifyEmails.forEach((email, index) => {
          const first = seen.get(email.toLowerCase());
          if (first === undefined) {
            seen.set(email.toLowerCase(), index);
            return;
          }
          ctx.addIssue({
            code: 'custom',
            path: ['notifyEmails', index],
            message: `names ${email}, which ${alarms.notifyEmails[first]} at ${first} already subscribes (addresses are compared without case)`,
          });
        });
        // Only the stage's own topic takes them: beside a topic of the stage's choosing they would reach no one.
        if (alarms.actionTopicArn !== undefined && alarms.notifyEmails.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['notifyEmails'],
            message:
              "are subscribed to the stage's own topic, which is not created when actionTopicArn names one: subscribe them to that topic instead, or leave actionTopicArn out",
          });
        }
      }),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.deployed && config.api.auth.mode === 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['api', 'auth', 'mode'],
        message: "auth mode 'none' is only allowed for stages with deployed: false",
      });
    }
    if (config.removalPolicy === 'retain' && !config.terminationProtection) {
      ctx.addIssue({
        code: 'custom',
        path: ['terminationProtection'],
        message: 'stages that retain data must also enable termination protection',
      });
    }
    // A file that failed once is received again when the visibility timeout ends and may then take a whole
    // function timeout: without any backlog its message gets that old, and the alarm fires at the threshold.
    const oneRetrySeconds = config.ingest.timeoutSeconds * (VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT + 1);
    if (config.alarms.queueAgeThresholdSeconds <= oneRetrySeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['alarms', 'queueAgeThresholdSeconds'],
        message: `must be above the queue's visibility timeout plus ingest.timeoutSeconds (${oneRetrySeconds}): one file failing once would already raise it`,
      });
    }
    const envBytes =
      Buffer.byteLength(JSON.stringify(config.sources)) +
      Buffer.byteLength(JSON.stringify(config.sessionRules));
    if (envBytes > SOURCES_AND_RULES_ENV_BUDGET_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['sessionRules'],
        message: `sources and sessionRules take ${envBytes} bytes as JSON, over the ${SOURCES_AND_RULES_ENV_BUDGET_BYTES} the ingest environment can hold (Lambda allows 4 KB in all): use fewer or shorter prefixes and platform names`,
      });
    }
  });

export type StageConfigInput = z.input<typeof stageConfigSchema>;
export type StageConfig = z.output<typeof stageConfigSchema>;
export type ApiAuthConfig = StageConfig['api']['auth'];
