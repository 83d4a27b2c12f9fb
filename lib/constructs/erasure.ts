import type { Alarm, IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ERASURE_FAILED_MESSAGE } from '../../contract/index.js';
import { type AlarmSettings, failedRequests, thresholdAlarm } from './alarms.js';
import { type FunctionSizing, NodeFunction, sizingOf } from './node-function.js';

/** Find a user's items, delete them, and keep the deletion consistent with concurrent ingests. */
export const ERASE_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:UpdateItem',
] as const;

export interface ErasureProps extends FunctionSizing {
  readonly table: ITable;
  readonly logLevel: string;
  /** The stage's namespace, where the erasures the function answered with a 500 are counted. */
  readonly metricsNamespace: string;
  readonly alarms: AlarmSettings;
}

/**
 * The function behind the admin route `DELETE /admin/users/{userId}` (wired by the Api construct): erases a
 * user's sessions and events from the table. Its own role, so the lookup function stays read-only.
 */
export class Erasure extends Construct {
  readonly handler: NodeFunction;
  readonly alarm: Alarm;
  /** The erasures the function failed (answered 500, or the invocation failed): what its alarm counts. */
  readonly failures: IMetric;

  constructor(scope: Construct, id: string, props: ErasureProps) {
    super(scope, id);

    this.handler = new NodeFunction(this, 'Handler', {
      handler: 'admin',
      description: "Erases a user's sessions and events (admin API)",
      ...sizingOf(props),
      environment: {
        TABLE_NAME: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'sessionizer-admin',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
    });
    props.table.grant(this.handler.role, ...ERASE_TABLE_ACTIONS);

    this.failures = failedRequests(this, 'FailedErasures', {
      function: this.handler.function,
      logGroup: this.handler.logGroup,
      failureMessage: ERASURE_FAILED_MESSAGE,
      namespace: props.metricsNamespace,
      metricName: 'ErasuresFailed',
      period: props.alarms.period,
    });
    this.alarm = thresholdAlarm(
      this,
      'ErrorsAlarm',
      {
        metric: this.failures,
        // An erasure is a legal request: one that fails must be seen and run again.
        threshold: 1,
        description:
          "An erasure failed: the user's data may be partly erased. See the erase function's logs and send the DELETE again (erasing is idempotent).",
      },
      props.alarms,
    );
  }
}
