// A function behind the HTTP API answers its own failures: it logs the error and answers a generic 500, so the
// invocation ends without an error and Lambda's Errors metric never counts it. Its alarm must count the line
// it logs instead, read from the line the real logger writes.
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAdminHandler } from '../../functions/admin/app.js';
import { createApiHandler } from '../../functions/api/app.js';
import { stageConfig } from '../../lib/config/stages.js';
import { FailingSessionReader } from '../helpers/fake-session-reader.js';
import { call, TEST_SIGNING_KEY, userPath } from '../unit/api/api-event.js';
import { apiFunction, eraseFunction, logGroupIdOf, resourcesOfType, synthConfiguredStage } from './synth.js';

interface MetricFilterJson {
  LogGroupName: unknown;
  FilterPattern: string;
  MetricTransformations: { MetricNamespace: string; MetricName: string; MetricValue: string }[];
}
interface MetricQueryJson {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown[] } };
}

/** The lines a Powertools logger writes while `run` runs, parsed. */
async function loggedLines(
  serviceName: string,
  run: (logger: Logger) => Promise<unknown>,
): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  await run(new Logger({ serviceName }));
  vi.restoreAllMocks();
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Whether a CloudWatch Logs JSON filter pattern of the one form `{ $.field = "value" }` matches a line. */
function matches(pattern: string, line: Record<string, unknown>): boolean {
  const form = /^\{ \$\.(\w+) = "((?:[^"\\]|\\.)*)" \}$/.exec(pattern);
  if (form === null) throw new Error(`the test reads no filter pattern of this form: ${pattern}`);
  const [, field = '', value = ''] = form;
  return line[field] === value;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(['dev', 'prod'] as const)('alarms on answered failures (%s)', (stageName) => {
  const { stateless } = synthConfiguredStage(stageName);
  const alarms = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties,
  );
  const filters = Object.values(resourcesOfType(stateless, 'AWS::Logs::MetricFilter')).map(
    (filter) => filter.Properties as unknown as MetricFilterJson,
  );
  /** The custom metrics an alarm sums, as namespace and name. */
  const watchedBy = (alarm: Record<string, unknown> | undefined) =>
    ((alarm?.Metrics as MetricQueryJson[] | undefined) ?? []).flatMap((query) =>
      query.MetricStat === undefined ? [] : [query.MetricStat.Metric],
    );

  /**
   * The one line logged is counted by a metric filter on the function's log group, and the alarm described
   * as `description` reads that count beside the function's Errors (a timeout logs no such line).
   */
  const expectCounted = (
    lines: Record<string, unknown>[],
    fn: Record<string, unknown>,
    description: string,
    threshold: number,
  ) => {
    expect(lines).toHaveLength(1);
    const [failure = {}] = lines;
    const logGroup = { Ref: logGroupIdOf({ Properties: fn }) };
    const counting = filters.filter(
      (filter) =>
        JSON.stringify(filter.LogGroupName) === JSON.stringify(logGroup) &&
        matches(filter.FilterPattern, failure),
    );
    expect(counting).toHaveLength(1);
    const [transformation] = counting[0]?.MetricTransformations ?? [];
    expect(transformation?.MetricValue).toBe('1');
    const alarm = alarms.filter((candidate) => String(candidate.AlarmDescription).startsWith(description));
    expect(alarm).toHaveLength(1);
    expect(alarm[0]?.Threshold).toBe(threshold);
    const watched = watchedBy(alarm[0]);
    expect(watched).toContainEqual({
      Namespace: transformation?.MetricNamespace,
      MetricName: transformation?.MetricName,
    });
    expect(watched).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: expect.any(String) } }],
      }),
    );
  };

  it('counts an erasure the erase function answered with a 500 in the erasure alarm', async () => {
    const lines = await loggedLines('sessionizer-admin', async (logger) => {
      const handler = createAdminHandler({
        eraser: {
          eraseUser: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
        },
        config: { pathsDecoded: false },
        logger,
      });
      expect((await call(handler, 'DELETE', '/admin/users/alice')).status).toBe(500);
    });
    expectCounted(lines, eraseFunction(stateless).properties, 'An erasure failed', 1);
  });

  it('counts a lookup the lookup function answered with a 500 in the lookup alarm', async () => {
    const lines = await loggedLines('sessionizer-api', async (logger) => {
      const handler = createApiHandler({
        reader: new FailingSessionReader(new Error('ProvisionedThroughputExceededException')),
        config: { corsAllowedOrigins: [], pathsDecoded: false, cursorSigningKey: TEST_SIGNING_KEY },
        logger,
      });
      expect((await call(handler, 'GET', userPath('alice', 'sessions'))).status).toBe(500);
    });
    const threshold = stageConfig(stageName).alarms.apiErrorsThreshold;
    expectCounted(lines, apiFunction(stateless).properties, 'The lookup function fails', threshold);
  });
});
