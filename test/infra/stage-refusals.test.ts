// Each mistake in a stage's config is one issue, saying what the setting must be: zod's own words ("Too small:
// expected number to be >0", "expected boolean, received string") named neither the unit nor the fix.
import { describe, expect, it } from 'vitest';
import { type StageConfig, stageConfig } from '../../lib/config/stages.js';
import { issuesOf, withChanges } from './stage-config-edits.js';

const issuesWith = (change: (config: StageConfig) => void) =>
  issuesOf(withChanges(stageConfig('dev'), change));
const set = (config: StageConfig, path: string, value: unknown) => {
  const keys = path.split('.');
  let at = config as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1) as string] = value;
};

describe('stage config refusals', () => {
  it.each([
    [
      'storage.noncurrentVersionExpirationDays',
      0,
      "must be a whole number of days, at least 1: how long the bucket keeps an object's replaced or deleted versions",
    ],
    [
      'storage.rejectionReportExpirationDays',
      0,
      'must be a whole number of days, at least 1: how long a rejection report is kept (leave it out to keep them)',
    ],
    [
      'storage.rejectionReportExpirationDays',
      '30',
      'must be a whole number of days, at least 1: how long a rejection report is kept (leave it out to keep them)',
    ],
    [
      'api.timeoutSeconds',
      0,
      'must be a whole number of seconds from 1 to 29: the HTTP API gives up on a function after 30 s and answers 503',
    ],
    [
      'erase.timeoutSeconds',
      2.5,
      'must be a whole number of seconds from 1 to 29: the HTTP API gives up on a function after 30 s and answers 503',
    ],
    ['ingest.timeoutSeconds', 901, 'must be at most 900 s, the longest Lambda runs a function'],
    ['rebuild.timeoutSeconds', 30.5, 'must be a whole number of seconds from 6 to 900'],
    ['api.throttle.rateLimit', 0, 'must be a number of requests per second above 0, such as 20 or 0.5'],
    [
      'api.throttle.burstLimit',
      0,
      'must be a whole number of requests, at least 1: how many the API takes at once beyond the rate',
    ],
    [
      'alarms.periodMinutes',
      0,
      'must be a whole number of minutes, at least 1: the period each alarm counts over',
    ],
    [
      'alarms.dlqDepthThreshold',
      0,
      'must be a whole number of messages in the dead-letter queue, at least 1',
    ],
    ['alarms.queueAgeThresholdSeconds', 0, 'must be a whole number of seconds, at least 1'],
    ['ingest.maxMemberMegabytes', 0, 'must be a whole number of megabytes, at least 1'],
    ['deployed', 'true', 'must be true or false (not in quotes)'],
    ['terminationProtection', 'yes', 'must be true or false (not in quotes)'],
    [
      'sessionRules.identityStitching',
      'true',
      'identityStitching must be true or false (not in quotes: got "true")',
    ],
  ])('refuses %s = %j in one issue, saying what it must be', (path, value, message) => {
    expect(issuesWith((config) => set(config, path, value))).toEqual([`${path}: ${message}`]);
  });

  it.each([0, 2, 1.5, '14'])(
    'refuses logRetentionDays = %j once, with the periods CloudWatch takes',
    (days) => {
      expect(issuesWith((config) => set(config, 'logRetentionDays', days))).toEqual([
        expect.stringMatching(
          /^logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, .*, 3653, 9999: the retention periods CloudWatch Logs takes, in days$/,
        ),
      ]);
    },
  );

  it.each([
    ['logLevel', 'info'],
    ['logLevel', 'TRACE'],
    ['logLevel', 3],
  ])('refuses %s = %j once, with the levels it takes', (path, value) => {
    expect(issuesWith((config) => set(config, path, value))).toEqual([
      `${path}: must be DEBUG, INFO, WARN or ERROR, in capitals: the level the functions log from (POWERTOOLS_LOG_LEVEL)`,
    ]);
  });

  it('refuses removalPolicy = "Retain" once, with what it takes', () => {
    expect(issuesWith((config) => set(config, 'removalPolicy', 'Retain'))).toEqual([
      'removalPolicy: must be retain or destroy: whether the buckets, table, logs and queues outlive the stack',
    ]);
  });

  it('refuses a source format it does not read once, with those it reads', () => {
    const issues = issuesWith((config) => {
      config.sources = [{ name: 'csv', prefix: 'csv/', format: 'csv' as 'auto' }];
    });
    expect(issues).toEqual([
      "sources.0.format: must be auto, segment, amplitude, mixpanel or posthog: the export formats the ingest reads (with auto, each file's first record decides)",
    ]);
  });

  it('refuses an api.auth mode it does not take once, with those it takes', () => {
    const modes =
      "iam, jwt or none: IAM (SigV4), a JWT authorizer's tokens, or none (stages with deployed: false only)";
    expect(issuesWith((config) => set(config, 'api.auth', { mode: 'oauth' }))).toEqual([
      `api.auth.mode: must be ${modes}`,
    ]);
    expect(issuesWith((config) => set(config, 'api.auth', 'iam'))).toEqual([
      `api.auth: must be an object whose mode is ${modes}, such as { mode: 'iam' }`,
    ]);
  });

  it('refuses notifyEmails given as one text, saying it is a list', () => {
    expect(issuesWith((config) => set(config, 'alarms.notifyEmails', 'ops@example.com'))).toEqual([
      'alarms.notifyEmails: must be a list of email addresses, such as ["ops@example.com"]',
    ]);
  });

  it('refuses each address of notifyEmails that is none in one issue, naming it', () => {
    const addresses = ['ops', 'ops@example.com ', 42, 'Ops <ops@example.com>', 'a@example.com,b@example.com'];
    expect(issuesWith((config) => set(config, 'alarms.notifyEmails', addresses))).toEqual(
      addresses.map(
        (address, index) =>
          `alarms.notifyEmails.${index}: must be one email address, such as ops@example.com (no name, spaces or second address): got ${JSON.stringify(address)}`,
      ),
    );
  });

  it('does not weigh the queue-age alarm against an ingest timeout it refuses', () => {
    // 901 s made the threshold "must be above ... (6307)", a number computed from the mistake.
    expect(issuesWith((config) => set(config, 'ingest.timeoutSeconds', 901))).toHaveLength(1);
    expect(issuesWith((config) => set(config, 'ingest.timeoutSeconds', 0))).toHaveLength(1);
  });
});
