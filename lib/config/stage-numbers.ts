// The numbers a stage's settings take, each refused with one message that says what it must be (zod's own
// "Too small: expected number to be >0" named neither the unit nor why, and a 0 drew two issues).
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import { MIN_RESERVE_MS } from '../../functions/shared/deadline.js';

/** A whole number from `min` to `max`, refused with one message that says why (`reason`) either way. */
export function intFrom(min: number, max: number, reason: string) {
  const message = `must be a whole number from ${min} to ${max}: ${reason}`;
  return z.int(message).min(min, message).max(max, message);
}

/** A whole number of `unit`, at least 1 and with no limit of its own, refused with one message either way. */
export function wholeAtLeastOne(unit: string, reason?: string) {
  const message = `must be a whole number of ${unit}, at least 1${reason === undefined ? '' : `: ${reason}`}`;
  return z.int(message).min(1, message);
}

// CloudWatch Logs only accepts these retention periods; anything else fails at deploy time, so reject it at synth.
const allowedRetentionDays = [
  ...new Set(Object.values(RetentionDays).filter((value): value is number => typeof value === 'number')),
].sort((a, b) => a - b);
const retentionMessage = `must be one of ${allowedRetentionDays.join(', ')}: the retention periods CloudWatch Logs takes, in days`;
export const logRetentionDays = z
  .int(retentionMessage)
  .refine((days) => allowedRetentionDays.includes(days), retentionMessage);

export const memorySizeMb = intFrom(128, 10_240, 'the memory sizes Lambda offers, in MB');

/** `ingest.maxMemberMegabytes` reaches the ingest and the rebuild as MAX_MEMBER_BYTES, this many bytes a MB. */
export const BYTES_PER_MEGABYTE = 1024 * 1024;
/** Past this, MAX_MEMBER_BYTES is no safe integer, and both functions refuse it at every cold start. */
const MAX_MEMBER_MEGABYTES = Math.floor(Number.MAX_SAFE_INTEGER / BYTES_PER_MEGABYTE);

export const maxMemberMegabytes = wholeAtLeastOne('megabytes').max(
  MAX_MEMBER_MEGABYTES,
  `must be at most ${MAX_MEMBER_MEGABYTES} MB: the ingest and the rebuild read the limit in bytes as a whole number up to 2^53 - 1 (leave it out for their 4 GiB)`,
);

/** The longest Lambda runs a function. */
const MAX_FUNCTION_TIMEOUT_SECONDS = 900;

/**
 * An ingest or rebuild call stops taking on work once only its reserve is left (deadlineOf): with a timeout
 * within the reserve every call is past its deadline as it starts, so the timeout must pass the reserve.
 */
const reserveSeconds = MIN_RESERVE_MS / 1000;
const minWorkingTimeoutSeconds = Math.floor(reserveSeconds) + 1;
export const workingTimeoutSeconds = z
  .int(
    `must be a whole number of seconds from ${minWorkingTimeoutSeconds} to ${MAX_FUNCTION_TIMEOUT_SECONDS}`,
  )
  .min(
    minWorkingTimeoutSeconds,
    `must be at least ${minWorkingTimeoutSeconds} s: each call keeps ${reserveSeconds} s in reserve to finish what is in flight and save its progress, so a shorter timeout leaves it no time to work`,
  )
  .max(
    MAX_FUNCTION_TIMEOUT_SECONDS,
    `must be at most ${MAX_FUNCTION_TIMEOUT_SECONDS} s, the longest Lambda runs a function`,
  );

/** A function behind the HTTP API, which gives up on an integration after 30 s (the caller gets a 503). */
const gatewayReason = 'the HTTP API gives up on a function after 30 s and answers 503';
export const gatewayTimeoutSeconds = z
  .int(`must be a whole number of seconds from 1 to 29: ${gatewayReason}`)
  .min(1, `must be a whole number of seconds from 1 to 29: ${gatewayReason}`)
  .max(29, `must be at most 29 s: ${gatewayReason}`);

/** The ingest queue and its dead-letter queue keep messages this long, the most SQS allows. */
const SQS_MAX_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * Age of the oldest waiting S3 event: the backlog is not draining fast enough (or at all). Above the
 * visibility timeout plus a function timeout, the age one failed delivery and its retry reach.
 */
export const queueAgeThresholdSeconds = wholeAtLeastOne('seconds').max(
  SQS_MAX_RETENTION_SECONDS - 1,
  'must be below 14 days, after which the queue drops the message',
);

/** API Gateway's steady rate may be fractional (0.5: one request every two seconds). */
const rateMessage = 'must be a number of requests per second above 0, such as 20 or 0.5';
export const requestsPerSecond = z.number(rateMessage).positive(rateMessage);
