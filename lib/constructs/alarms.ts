import type { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
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
