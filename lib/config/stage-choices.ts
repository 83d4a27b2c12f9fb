// The stage settings that take one of a few words, or email addresses, each refused with one message that says
// what it must be (zod's own "Invalid option: expected one of …" and "Invalid email address" said neither the
// case the words take nor which entry was wrong and why).
import * as z from 'zod';

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const logLevel = z.enum(
  LOG_LEVELS,
  'must be DEBUG, INFO, WARN or ERROR, in capitals: the level the functions log from (POWERTOOLS_LOG_LEVEL)',
);

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
