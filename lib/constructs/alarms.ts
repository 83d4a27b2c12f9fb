import type { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** What every alarm of a stage shares. */
export interface AlarmSettings {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly action?: IAlarmAction;
}

export interface ThresholdAlarmProps {
  readonly metric: IMetric;
  readonly threshold: number;
  /** What happened and what to do about it: shown in the alarm and in its notification. */
  readonly description: string;
}

/** An alarm when the metric reaches the threshold; no data (nothing happened) is not a breach. */
export function thresholdAlarm(
  scope: Construct,
  id: string,
  props: ThresholdAlarmProps,
  settings: AlarmSettings,
): Alarm {
  const alarm = new Alarm(scope, id, {
    metric: props.metric,
    threshold: props.threshold,
    evaluationPeriods: settings.evaluationPeriods,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: props.description,
  });
  if (settings.action) {
    // The all-clear too, so whoever was paged learns it is over.
    alarm.addAlarmAction(settings.action);
    alarm.addOkAction(settings.action);
  }
  return alarm;
}

export interface FailedRequestsProps {
  readonly function: IFunction;
  /** The function's log group, where it writes its Powertools (JSON) log lines. */
  readonly logGroup: ILogGroup;
  /** The `message` of the line the function logs for each request it answers with a 500. */
  readonly failureMessage: string;
  /** The stage's namespace, and the name the count of those lines takes in it. */
  readonly namespace: string;
  readonly metricName: string;
  readonly period: Duration;
}

/**
 * The requests a function behind the HTTP API failed. It answers a failure itself, a 500 after logging the
 * error, so that invocation ends without an error and Lambda's `Errors` misses it: its log lines are counted
 * (a metric filter), and added to `Errors`, which still counts the invocations that fail as a whole (a
 * timeout, out of memory), which log no such line.
 */
export function failedRequests(scope: Construct, id: string, props: FailedRequestsProps): IMetric {
  new MetricFilter(scope, id, {
    logGroup: props.logGroup,
    filterPattern: FilterPattern.stringValue('$.message', '=', props.failureMessage),
    metricNamespace: props.namespace,
    metricName: props.metricName,
    metricValue: '1',
  });
  // Ids of the metric's own, so that one alarm may read two such sums (the API's 5xx one).
  const key = `${props.metricName.charAt(0).toLowerCase()}${props.metricName.slice(1)}`;
  return new MathExpression({
    // Either may have no data in a period (nothing logged, or no invocation): that part counts 0.
    expression: `FILL(${key}Errors, 0) + FILL(${key}Answered, 0)`,
    usingMetrics: {
      [`${key}Errors`]: props.function.metricErrors({ period: props.period, statistic: 'Sum' }),
      [`${key}Answered`]: new Metric({
        namespace: props.namespace,
        metricName: props.metricName,
        period: props.period,
        statistic: 'Sum',
      }),
    },
    period: props.period,
    label: `${props.metricName} and Errors`,
  });
}
