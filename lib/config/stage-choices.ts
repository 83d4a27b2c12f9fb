// The stage settings that take one of a few words, or email addresses, each refused with one message that says
// what it must be (zod's own "Invalid option: expected one of …" and "Invalid email address" said neither the
// case the words take nor which entry was wrong and why).
import * as z from 'zod';
import { INPUT_FORMATS } from '../../contract/index.js';
import { listWords } from '../../contract/list-words.js';

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const logLevel = z.enum(
  LOG_LEVELS,
  `must be ${listWords(LOG_LEVELS, 'or')}, in capitals: the level the functions log from (POWERTOOLS_LOG_LEVEL)`,
);

export const inputFormat = z.enum(
  INPUT_FORMATS,
  `must be ${listWords(INPUT_FORMATS, 'or')}: the export formats the ingest reads (with auto, each file's first record decides)`,
);

/**
 * What `api.auth` says of a mode it lacks (zod's "Invalid discriminator value"), or of an auth that is no object
 * (`auth: 'iam'`), whose mode would be the wrong thing to fix.
 */
export function authError(issue: { readonly input?: unknown }): string {
  const modes =
    "iam, jwt or none: IAM (SigV4), a JWT authorizer's tokens, or none (stages with deployed: false only)";
  return typeof issue.input === 'object' && issue.input !== null
    ? `must be ${modes}`
    : `must be an object whose mode is ${modes}, such as { mode: 'iam' }`;
}

export const removalPolicy = z.enum(
  ['retain', 'destroy'],
  'must be retain or destroy: whether the buckets, table, logs and queues outlive the stack',
);

/** Addresses subscribed to the stage's alarm topic: SNS takes one bare address per subscription. */
export const notifyEmails = z.array(
  z.email({
    error: (issue) =>
      `must be one email address, such as ops@example.com (no name, spaces or second address): got ${JSON.stringify(issue.input)}`,
  }),
  'must be a list of email addresses, such as ["ops@example.com"]',
);
