// One incident, one alarm: a failure a lookup or erasure function answered (or failed on) is also an API 5xx,
// and must not page twice. Each alarm's metric math is evaluated here over the counts an incident leaves.
import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../lib/config/stages.js';
import { apiFunction, eraseFunction, onlyResource, resourcesOfType, synthConfiguredStage } from './synth.js';

interface MetricJson {
  Namespace: string;
  MetricName: string;
  Dimensions?: { Name: string; Value: unknown }[];
}
interface QueryJson {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: MetricJson };
  ReturnData?: boolean;
}

const keyOf = (metric: MetricJson) =>
  `${metric.Namespace} ${metric.MetricName} ${JSON.stringify(metric.Dimensions?.[0]?.Value ?? null)}`;

/** An alarm's value in one period: its metric's count, or its math over the queries (sums, differences, FILL). */
function periodValue(alarm: Record<string, unknown>, counts: ReadonlyMap<string, number>): number {
  if (alarm.Metrics === undefined) return counts.get(keyOf(alarm as unknown as MetricJson)) ?? 0;
  const queries = alarm.Metrics as QueryJson[];
  const evaluate = (query: QueryJson): number => {
    if (query.MetricStat !== undefined) return counts.get(keyOf(query.MetricStat.Metric)) ?? 0;
    const expression = query.Expression ?? '';
    if (!/^[\w(), +-]+$/.test(expression)) throw new Error(`the test reads no expression like ${expression}`);
    let total = 0;
    for (const [, sign, term] of expression.matchAll(/([+-]?)\s*((?:FILL\(\w+, 0\))|\w+)/g)) {
      const id = /^FILL\((\w+), 0\)$/.exec(term ?? '')?.[1] ?? term;
      const used = queries.find((candidate) => candidate.Id === id);
      if (used === undefined) throw new Error(`no query ${id} in ${expression}`);
      total += (sign === '-' ? -1 : 1) * evaluate(used);
    }
    return total;
  };
  const returned = queries.filter((query) => query.ReturnData !== false);
  expect(returned).toHaveLength(1);
  return evaluate(returned[0] as QueryJson);
}

describe.each(['dev', 'prod'] as const)('alarms raised per incident (%s)', (stageName) => {
  const { stateless } = synthConfiguredStage(stageName);
  const threshold = stageConfig(stageName).alarms.apiErrorsThreshold;
  const namespace = `Sessionizer/${stageName}`;
  const lookupFunction = { Ref: apiFunction(stateless).id };
  const erasureFunction = { Ref: eraseFunction(stateless).id };
  const api = { Ref: onlyResource(stateless, 'AWS::ApiGatewayV2::Api').id };
  const alarms = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties,
  );
  const NAMES: [string, string][] = [
    ['The lookup function fails', 'lookup'],
    ['An erasure failed', 'erasure'],
    ['The HTTP API answers 5xx', 'API 5xx'],
  ];
  const nameOf = (alarm: Record<string, unknown>) =>
    NAMES.find(([start]) => String(alarm.AlarmDescription).startsWith(start))?.[1] ??
    String(alarm.AlarmDescription);

  /** The alarms an incident's counts in one period breach. */
  function raised(incident: {
    lookupErrors?: number;
    lookupsAnswered500?: number;
    erasureErrors?: number;
    erasuresAnswered500?: number;
    gateway5xx?: number;
  }): string[] {
    const counts = new Map<string, number>([
      [
        keyOf({
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: lookupFunction }],
        }),
        incident.lookupErrors ?? 0,
      ],
      [keyOf({ Namespace: namespace, MetricName: 'LookupsFailed' }), incident.lookupsAnswered500 ?? 0],
      [
        keyOf({
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: erasureFunction }],
        }),
        incident.erasureErrors ?? 0,
      ],
      [keyOf({ Namespace: namespace, MetricName: 'ErasuresFailed' }), incident.erasuresAnswered500 ?? 0],
      [
        keyOf({
          Namespace: 'AWS/ApiGateway',
          MetricName: '5xx',
          Dimensions: [{ Name: 'ApiId', Value: api }],
        }),
        incident.gateway5xx ?? 0,
      ],
    ]);
    return alarms
      .filter((alarm) => periodValue(alarm, counts) >= (alarm.Threshold as number))
      .map(nameOf)
      .sort();
  }

  it('raises only the lookup alarm for lookups the function answered with a 500, or timed out on', () => {
    expect(raised({ lookupsAnswered500: threshold, gateway5xx: threshold })).toEqual(['lookup']);
    expect(raised({ lookupErrors: threshold, gateway5xx: threshold })).toEqual(['lookup']);
  });

  it('raises only the erasure alarm for erasures that failed', () => {
    expect(raised({ erasuresAnswered500: threshold, gateway5xx: threshold })).toEqual(['erasure']);
    expect(raised({ erasureErrors: 1, gateway5xx: 1 })).toEqual(['erasure']);
  });

  it('raises the API 5xx alarm for 5xx no function counted (throttled, timed out at the API), and only it', () => {
    expect(raised({ gateway5xx: threshold })).toEqual(['API 5xx']);
    // Two incidents at once: each its own alarm.
    expect(raised({ lookupsAnswered500: threshold, gateway5xx: 2 * threshold })).toEqual([
      'API 5xx',
      'lookup',
    ]);
  });

  it('raises nothing when nothing failed', () => {
    expect(raised({})).toEqual([]);
  });
});
