import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../contract/index.js';
import { loadIngestConfig } from '../../functions/ingest/config.js';
import { loadRebuildConfig } from '../../functions/rebuild/config.js';
import { MIN_RESERVE_MS } from '../../functions/shared/deadline.js';
import { parseStageConfig, type StageConfig, stageConfig, stageNames } from '../../lib/config/stages.js';
import { issuesOf, withChanges } from './stage-config-edits.js';

describe('stage config validation', () => {
  it('keeps API auth on in every deployed stage, IAM by default', () => {
    for (const name of stageNames.filter((stage) => stageConfig(stage).deployed)) {
      expect(stageConfig(name).api.auth.mode).not.toBe('none');
    }
    expect(stageConfig('dev').api.auth.mode).toBe('iam');
    expect(stageConfig('prod').api.auth.mode).toBe('iam');
  });

  it("refuses auth mode 'none' on a deployed stage", () => {
    const input = withChanges(stageConfig('dev'), (config) => {
      config.api.auth = { mode: 'none' };
    });
    expect(() => parseStageConfig('dev', input)).toThrow(/only allowed for stages with deployed: false/);
  });

  it('requires an https issuer and an audience for JWT auth', () => {
    const missingAudience = withChanges(stageConfig('dev'), (config) => {
      (config.api as { auth: unknown }).auth = { mode: 'jwt', issuer: 'https://issuer.example.com' };
    });
    expect(() => parseStageConfig('dev', missingAudience)).toThrow(/api\.auth\.audience/);

    const plainHttpIssuer = withChanges(stageConfig('dev'), (config) => {
      config.api.auth = { mode: 'jwt', issuer: 'http://issuer.example.com', audience: ['sessionizer'] };
    });
    expect(() => parseStageConfig('dev', plainHttpIssuer)).toThrow(/api\.auth\.issuer/);
    // It is a URL: "Invalid URL" sent whoever wrote it looking for a typo instead of the scheme.
    expect(() => parseStageConfig('dev', plainHttpIssuer)).toThrow(/must be an https URL/);
    expect(() => parseStageConfig('dev', plainHttpIssuer)).not.toThrow(/Invalid URL/);

    const noAudience = withChanges(stageConfig('dev'), (config) => {
      config.api.auth = { mode: 'jwt', issuer: 'https://issuer.example.com', audience: [] };
    });
    expect(() => parseStageConfig('dev', noAudience)).toThrow(/must list at least one audience/);
    const emptyAudience = withChanges(stageConfig('dev'), (config) => {
      config.api.auth = { mode: 'jwt', issuer: 'https://issuer.example.com', audience: [''] };
    });
    expect(() => parseStageConfig('dev', emptyAudience)).toThrow(/must not be empty: an audience is/);

    const valid = withChanges(stageConfig('dev'), (config) => {
      config.api.auth = { mode: 'jwt', issuer: 'https://issuer.example.com', audience: ['sessionizer'] };
    });
    expect(parseStageConfig('dev', valid).api.auth).toEqual({
      mode: 'jwt',
      issuer: 'https://issuer.example.com',
      audience: ['sessionizer'],
    });
  });

  it('refuses a ZIP member limit past what the ingest and the rebuild can read as bytes', () => {
    // The stack hands them MAX_MEMBER_BYTES = megabytes × 2^20, which each reads as a safe integer at cold start.
    const most = Math.floor(Number.MAX_SAFE_INTEGER / (1024 * 1024));
    const atMost = withChanges(stageConfig('dev'), (config) => {
      config.ingest.maxMemberMegabytes = most;
    });
    const bytes = (parseStageConfig('dev', atMost).ingest.maxMemberMegabytes ?? 0) * 1024 * 1024;
    const ingest = loadIngestConfig({ TABLE_NAME: 't', BUCKET_NAME: 'b', MAX_MEMBER_BYTES: String(bytes) });
    expect(ingest.maxMemberBytes).toBe(bytes);
    const rebuild = loadRebuildConfig({
      TABLE_NAME: 't',
      INGEST_TIMEOUT_SECONDS: '300',
      MAX_MEMBER_BYTES: String(bytes),
    });
    expect(rebuild.maxMemberBytes).toBe(bytes);

    const past = withChanges(stageConfig('dev'), (config) => {
      config.ingest.maxMemberMegabytes = most + 1;
    });
    expect(() => parseStageConfig('dev', past)).toThrow(
      new RegExp(`must be at most ${most} MB[^\\n]*\\n\\s*→ at ingest\\.maxMemberMegabytes`),
    );
  });

  it('accepts only log retention periods CloudWatch supports', () => {
    const input = withChanges(stageConfig('dev'), (config) => {
      config.logRetentionDays = 10;
    });
    expect(() => parseStageConfig('dev', input)).toThrow(/logRetentionDays/);
  });

  it('requires termination protection on stages that retain data', () => {
    const input = withChanges(stageConfig('prod'), (config) => {
      config.terminationProtection = false;
    });
    expect(() => parseStageConfig('prod', input)).toThrow(/termination protection/);
  });

  it('rejects unknown keys so typos do not silently fall back to defaults', () => {
    const input = withChanges(stageConfig('dev'), (config) => {
      (config as unknown as Record<string, unknown>).sessionRule = { gapMinutes: 45 };
    });
    expect(() => parseStageConfig('dev', input)).toThrow(
      /Unrecognized key: "sessionRule"; the keys allowed here are deployed, sources, sessionRules, logLevel,/,
    );
  });

  it('names the keys allowed beside an unknown one, in every part of the config', () => {
    const input = withChanges(stageConfig('dev'), (config) => {
      (config.ingest as unknown as Record<string, unknown>).timeoutSecond = 300;
      (config.api.throttle as unknown as Record<string, unknown>).rate = 5;
    });
    expect(() => parseStageConfig('dev', input)).toThrow(
      'Unrecognized key: "timeoutSecond"; the keys allowed here are memorySizeMb, timeoutSeconds, maxConcurrency, batchSize, maxReceiveCount, maxMemberMegabytes\n  → at ingest',
    );
    expect(() => parseStageConfig('dev', input)).toThrow(
      'Unrecognized key: "rate"; the keys allowed here are rateLimit, burstLimit\n  → at api.throttle',
    );
  });

  it('names the stage in validation errors', () => {
    expect(() => parseStageConfig('qa', {})).toThrow(/Invalid config for stage 'qa'/);
  });

  it('defaults to the sources and session rules of contract/', () => {
    const input = withChanges(stageConfig('dev'), (config) => {
      const loose = config as Partial<StageConfig>;
      delete loose.sources;
      delete loose.sessionRules;
    });
    const parsed = parseStageConfig('dev', input);
    expect(parsed.sources).toEqual(DEFAULT_SOURCES);
    expect(parsed.sessionRules).toEqual({
      gapMinutes: 30,
      gapMinutesByPlatform: {},
      identityStitching: false,
    });
    expect(stageConfig('dev').sources).toEqual(DEFAULT_SOURCES);
  });

  it('reads session rules with defaults for what a stage leaves out', () => {
    const input = withChanges(stageConfig('dev'), (config) => {
      (config as { sessionRules: unknown }).sessionRules = { gapMinutesByPlatform: { ios: 2.5 } };
    });
    expect(parseStageConfig('dev', input).sessionRules).toEqual({
      gapMinutes: 30,
      gapMinutesByPlatform: { ios: 2.5 },
      identityStitching: false,
    });
  });

  it('refuses bad session rules, naming the field', () => {
    const withRules = (sessionRules: unknown) =>
      withChanges(stageConfig('dev'), (config) => {
        (config as { sessionRules: unknown }).sessionRules = sessionRules;
      });
    expect(issuesOf(withRules({ gapMinutes: -1 }))).toEqual([
      'sessionRules.gapMinutes: gapMinutes must be 0 or more',
    ]);
    expect(issuesOf(withRules({ gapMinutesByPlatform: { iOS: 5 } }))).toEqual([
      expect.stringMatching(/^sessionRules\.gapMinutesByPlatform\.iOS: .*must be lowercase/),
    ]);
    expect(issuesOf(withRules({ sessionGapMinutes: 30 }))).toEqual([
      'sessionRules: Unrecognized key: "sessionGapMinutes"; the keys allowed here are gapMinutes, gapMinutesByPlatform, maxSessionMinutes, identityStitching',
    ]);
  });

  describe('function timeouts', () => {
    const reserveSeconds = MIN_RESERVE_MS / 1000;

    it.each(['ingest', 'rebuild'] as const)(
      'refuses a %s timeout within the reserve each call keeps, and takes one past it',
      (fn) => {
        const issuesAt = (seconds: number) =>
          issuesOf(
            withChanges(stageConfig('dev'), (config) => {
              config[fn].timeoutSeconds = seconds;
            }),
          );
        for (const seconds of [1, reserveSeconds]) {
          expect(issuesAt(seconds)).toEqual([
            `${fn}.timeoutSeconds: must be at least ${reserveSeconds + 1} s: each call keeps ${reserveSeconds} s in reserve to finish what is in flight and save its progress, so a shorter timeout leaves it no time to work`,
          ]);
        }
        expect(issuesAt(reserveSeconds + 1)).toEqual([]);
      },
    );
  });

  it.each(['erase', 'api'] as const)(
    'refuses a %s timeout API Gateway would cut, saying why, and takes 29 s',
    (fn) => {
      const issuesAt = (seconds: number) =>
        issuesOf(
          withChanges(stageConfig('dev'), (config) => {
            config[fn].timeoutSeconds = seconds;
          }),
        );
      expect(issuesAt(30)).toEqual([
        `${fn}.timeoutSeconds: must be at most 29 s: the HTTP API gives up on a function after 30 s and answers 503`,
      ]);
      expect(issuesAt(29)).toEqual([]);
    },
  );

  it.each([
    ['ingest', 'memorySizeMb', 127, 'from 128 to 10240: the memory sizes Lambda offers, in MB'],
    ['api', 'memorySizeMb', 10_241, 'from 128 to 10240: the memory sizes Lambda offers, in MB'],
    [
      'rebuild',
      'totalSegments',
      41,
      'from 1 to 40: the segments run as one inline Map, which runs at most 40 at once',
    ],
  ] as const)('refuses %s.%s = %i, saying why', (fn, field, value, why) => {
    const input = withChanges(stageConfig('dev'), (config) => {
      (config[fn] as unknown as Record<string, number>)[field] = value;
    });
    expect(issuesOf(input)).toEqual([`${fn}.${field}: must be a whole number ${why}`]);
  });

  describe('ingest queue', () => {
    const why = {
      maxConcurrency: "from 2 to 1000: what an SQS event source's maximum concurrency takes",
      batchSize: 'from 1 to 10: the most SQS hands a function at once without a batching window',
      maxReceiveCount: 'from 1 to 1000: what an SQS redrive policy takes',
    };
    it.each([
      ['maxConcurrency', 1],
      ['maxConcurrency', 1001],
      ['maxConcurrency', 2.5],
      ['batchSize', 0],
      ['batchSize', 11],
      ['maxReceiveCount', 0],
      ['maxReceiveCount', 1001],
    ] as const)('refuses ingest.%s = %s, saying what SQS takes', (field, value) => {
      const input = withChanges(stageConfig('dev'), (config) => {
        config.ingest[field] = value;
      });
      expect(issuesOf(input)).toEqual([`ingest.${field}: must be a whole number ${why[field]}`]);
    });

    // dev: a 300 s function timeout, so a 1,800 s visibility timeout; one retry ends by 2,100 s.
    it.each([
      [299, false],
      [1800, false],
      [2100, false],
      [2101, true],
    ])(
      'takes a queue-age alarm of %i s only above what one failed file and its retry reach (%s)',
      (seconds, ok) => {
        const input = withChanges(stageConfig('dev'), (config) => {
          config.alarms.queueAgeThresholdSeconds = seconds;
        });
        expect(issuesOf(input)).toEqual(
          ok
            ? []
            : [
                "alarms.queueAgeThresholdSeconds: must be above the queue's visibility timeout plus ingest.timeoutSeconds (2100): one file failing once would already raise it",
              ],
        );
      },
    );

    it.each([
      [5, 288, true],
      [5, 289, false],
      [60, 168, true],
      [60, 169, false],
      [1440, 8, false],
    ])(
      'takes an alarm window of %i minutes × %i periods only within CloudWatch limits (%s)',
      (minutes, periods, ok) => {
        const input = withChanges(stageConfig('dev'), (config) => {
          config.alarms.periodMinutes = minutes;
          config.alarms.evaluationPeriods = periods;
        });
        expect(issuesOf(input)).toEqual(
          ok
            ? []
            : [
                expect.stringMatching(
                  /^alarms\.evaluationPeriods: periodMinutes × evaluationPeriods must span at most /,
                ),
              ],
        );
      },
    );

    it.each(['arn:', 'arn:aws:sqs:eu-west-1:123456789012:queue', 'arn:aws:sns:eu-west-1:123:topic'])(
      'refuses %s as the alarm topic',
      (arn) => {
        const input = withChanges(stageConfig('dev'), (config) => {
          config.alarms.actionTopicArn = arn;
        });
        expect(issuesOf(input)).toEqual([
          expect.stringMatching(/^alarms\.actionTopicArn: must be an SNS standard topic ARN/),
        ]);
      },
    );

    it('refuses notifyEmails beside actionTopicArn: no topic of the stage would subscribe them', () => {
      const input = withChanges(stageConfig('dev'), (config) => {
        config.alarms.actionTopicArn = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';
        config.alarms.notifyEmails = ['ops@example.com'];
      });
      expect(issuesOf(input)).toEqual([
        expect.stringMatching(/^alarms\.notifyEmails: .*subscribe them to that topic/),
      ]);
    });

    it.each([
      ['ops@example.com', 'ops@example.com'],
      ['ops@example.com', 'Ops@Example.COM'],
    ])('refuses notifyEmails that name one address twice (%s, %s)', (first, second) => {
      // Synthesized, the same address twice threw CDK's "A subscription with id ... already exists"; in
      // another case, it subscribed the address twice, and each alarm mailed it twice.
      const input = withChanges(stageConfig('dev'), (config) => {
        config.alarms.notifyEmails = ['dev@example.com', first, second];
      });
      expect(issuesOf(input)).toEqual([
        `alarms.notifyEmails.2: names ${second}, which ${first} at 1 already subscribes (addresses are compared without case)`,
      ]);
    });

    it('takes an SNS topic ARN of any partition as the alarm topic', () => {
      for (const arn of [
        'arn:aws:sns:eu-west-1:123456789012:ops-alarms',
        'arn:aws-us-gov:sns:us-gov-west-1:123456789012:ops',
      ]) {
        const input = withChanges(stageConfig('dev'), (config) => {
          config.alarms.actionTopicArn = arn;
        });
        expect(issuesOf(input)).toEqual([]);
      }
    });

    it.each([
      'https://app.example.com/',
      'https://app.example.com/app',
      'javascript:alert(1)',
      'mailto:a@b.c',
      'https://App.example.com',
      'https://app.example.com:443',
    ])('refuses %s as a CORS origin: a browser never sends it', (origin) => {
      const input = withChanges(stageConfig('dev'), (config) => {
        config.api.corsAllowedOrigins = [origin];
      });
      expect(issuesOf(input)).toEqual([
        expect.stringMatching(/^api\.corsAllowedOrigins\.0: must be an origin as browsers send it/),
      ]);
    });

    it('takes origins as browsers send them', () => {
      const input = withChanges(stageConfig('dev'), (config) => {
        config.api.corsAllowedOrigins = [
          'https://app.example.com',
          'http://localhost:5173',
          'http://[::1]:8080',
          '*',
        ];
      });
      expect(issuesOf(input)).toEqual([]);
    });

    it('refuses more rebuild segments than an inline Map runs at once', () => {
      const input = withChanges(stageConfig('dev'), (config) => {
        config.rebuild.totalSegments = 41;
      });
      expect(issuesOf(input)).toEqual([expect.stringMatching(/^rebuild\.totalSegments: /)]);
    });
  });
});
