import * as z from 'zod';
import { BROWSER_ORIGIN_FORM, isBrowserOrigin } from '../../contract/index.js';
import { sessionRulesSchema } from '../../functions/shared/session-rules-schema.js';
import { VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT } from '../constructs/ingest-queue.js';
import { authError, logLevel, notifyEmails, removalPolicy } from './stage-choices.js';
import {
  gatewayTimeoutSeconds,
  intFrom,
  logRetentionDays,
  maxMemberMegabytes,
  memorySizeMb,
  queueAgeThresholdSeconds,
  requestsPerSecond,
  wholeAtLeastOne,
  workingTimeoutSeconds,
} from './stage-numbers.js';
import { sourcesSchema } from './stage-sources.js';

export { BYTES_PER_MEGABYTE } from './stage-numbers.js';

/** Settings that are on or off: JSON's true and false, which a stage written as text ('true') is not. */
const onOrOff = z.boolean('must be true or false (not in quotes)');

/** A browser's Origin header: scheme, host and port only, as browsers send it (no path, no trailing slash). */
const browserOrigin = z.string().refine(isBrowserOrigin, `must be ${BROWSER_ORIGIN_FORM}`);

const apiAuthSchema = z.discriminatedUnion(
  'mode',
  [
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
  ],
  { error: authError },
);

/** Lambda allows 4 KB of environment variables per function; the other variables need well under 1 KB. */
const SOURCES_AND_RULES_ENV_BUDGET_BYTES = 3 * 1024;

export const stageConfigSchema = z
  .object({
    /** false = synth-only stage used by infrastructure tests; `cdk` refuses to select it. */
    deployed: onOrOff,
    /** S3 prefixes whose new objects are ingested, and how their files are read. */
    sources: sourcesSchema,
    /** Applied by the ingest and by a rebuild; change them, deploy, then run a rebuild for stored sessions. */
    sessionRules: z.prefault(sessionRulesSchema, {}),
    logLevel,
    logRetentionDays,
    removalPolicy,
    terminationProtection: onOrOff,
    storage: z
      .object({
        noncurrentVersionExpirationDays: wholeAtLeastOne(
          'days',
          "how long the bucket keeps an object's replaced or deleted versions",
        ),
        /**
         * Days a rejection report (under rejected/) is kept; unset keeps them. The exports themselves are
         * the customer's and never expire here, so a report's lines can always be found again in them.
         */
        rejectionReportExpirationDays: wholeAtLeastOne(
          'days',
          'how long a rejection report is kept (leave it out to keep them)',
        ).optional(),
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
        maxMemberMegabytes: maxMemberMegabytes.optional(),
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
        throttle: z
          .object({
            rateLimit: requestsPerSecond,
            burstLimit: wholeAtLeastOne('requests', 'how many the API takes at once beyond the rate'),
          })
          .strict(),
        corsAllowedOrigins: z.array(z.union([z.literal('*'), browserOrigin])),
        memorySizeMb,
        timeoutSeconds: gatewayTimeoutSeconds,
      })
      .strict(),
    alarms: z
      .object({
        periodMinutes: wholeAtLeastOne('minutes', 'the period each alarm counts over'),
        evaluationPeriods: wholeAtLeastOne('periods', 'how many periods in a row an alarm looks at'),
        ingestErrorsThreshold: wholeAtLeastOne('ingest errors per period'),
        ingestThrottlesThreshold: wholeAtLeastOne('ingest throttles per period'),
        queueAgeThresholdSeconds,
        dlqDepthThreshold: wholeAtLeastOne('messages in the dead-letter queue'),
        /** Lookup function errors, or 5xx answers of the HTTP API, per period. */
        apiErrorsThreshold: wholeAtLeastOne('errors per period'),
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
        notifyEmails: notifyEmails.default([]),
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
    // Only between two values each takes: a timeout past 900 s is refused on its own, not again as a threshold.
    const oneRetrySeconds = config.ingest.timeoutSeconds * (VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT + 1);
    if (
      workingTimeoutSeconds.safeParse(config.ingest.timeoutSeconds).success &&
      queueAgeThresholdSeconds.safeParse(config.alarms.queueAgeThresholdSeconds).success &&
      config.alarms.queueAgeThresholdSeconds <= oneRetrySeconds
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['alarms', 'queueAgeThresholdSeconds'],
        message: `must be above the queue's visibility timeout plus ingest.timeoutSeconds (${oneRetrySeconds}): one file failing once would already raise it`,
      });
    }
    // Said of whichever takes more of the room, since that is the one to cut down.
    const sourcesBytes = Buffer.byteLength(JSON.stringify(config.sources));
    const rulesBytes = Buffer.byteLength(JSON.stringify(config.sessionRules));
    const envBytes = sourcesBytes + rulesBytes;
    if (envBytes > SOURCES_AND_RULES_ENV_BUDGET_BYTES) {
      const mostlySources = sourcesBytes >= rulesBytes;
      ctx.addIssue({
        code: 'custom',
        path: [mostlySources ? 'sources' : 'sessionRules'],
        message: `sources take ${sourcesBytes} bytes as JSON and sessionRules ${rulesBytes}, ${envBytes} in all, over the ${SOURCES_AND_RULES_ENV_BUDGET_BYTES} the ingest environment can hold (Lambda allows 4 KB in all): ${
          mostlySources
            ? 'use fewer sources, or shorter names and prefixes'
            : 'name fewer platforms in gapMinutesByPlatform, or shorter ones'
        }`,
      });
    }
  });

export type StageConfigInput = z.input<typeof stageConfigSchema>;
export type StageConfig = z.output<typeof stageConfigSchema>;
export type ApiAuthConfig = StageConfig['api']['auth'];
