import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NodeFunction } from './node-function.js';
import { INCOMING_PREFIX, REJECTED_PREFIX } from './storage.js';

/** The ingest function's table access: read current sessions, then merge with conditional writes. */
export const INGEST_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export interface IngestAlarmSettings {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly errorsThreshold: number;
  readonly throttlesThreshold: number;
  readonly dlqDepthThreshold: number;
  readonly action?: IAlarmAction;
}

export interface IngestProps {
  readonly bucket: IBucket;
  /** Grants the prefix-scoped object access; see Storage.ingestObjectAccess. */
  readonly objectAccess: IManagedPolicy;
  readonly table: ITable;
  readonly sessionGapMinutes: number;
  readonly logLevel: string;
  readonly memorySizeMb: number;
  readonly timeout: Duration;
  readonly reservedConcurrency?: number;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly alarms: IngestAlarmSettings;
}

/** S3 `incoming/` upload → ingest Lambda (async, retried) → DynamoDB; failures land in an SQS DLQ. */
export class Ingest extends Construct {
  readonly handler: NodeFunction;
  readonly deadLetterQueue: Queue;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'FailedInvocations', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination: the on-failure destination of the ingest function.',
    });

    this.handler = new NodeFunction(this, 'Handler', {
      handler: 'ingest',
      description: `Sessionizes event files uploaded under ${INCOMING_PREFIX} and merges them into the sessions table`,
      memorySizeMb: props.memorySizeMb,
      timeout: props.timeout,
      reservedConcurrency: props.reservedConcurrency,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      onFailure: new SqsDestination(this.deadLetterQueue),
      retryAttempts: 2,
      environment: {
        TABLE_NAME: props.table.tableName,
        BUCKET_NAME: props.bucket.bucketName,
        SESSION_GAP_MINUTES: String(props.sessionGapMinutes),
        INCOMING_PREFIX,
        REJECTED_PREFIX,
        POWERTOOLS_SERVICE_NAME: 'sessionizer-ingest',
        POWERTOOLS_METRICS_NAMESPACE: 'Sessionizer',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
    });
    this.handler.role.addManagedPolicy(props.objectAccess);
    props.table.grant(this.handler.role, ...INGEST_TABLE_ACTIONS);

    // Re-import the bucket so the notification custom resource lives in this stack. Attaching it to
    // the bucket object directly would put it in the storage stack and make the two stacks depend
    // on each other.
    const notifyingBucket = Bucket.fromBucketAttributes(this, 'NotifyingBucket', {
      bucketArn: props.bucket.bucketArn,
      bucketName: props.bucket.bucketName,
    });
    notifyingBucket.addEventNotification(
      EventType.OBJECT_CREATED,
      new LambdaDestination(this.handler.function),
      // Only incoming/: the function writes rejected/ reports to the same bucket and must not re-trigger.
      { prefix: INCOMING_PREFIX },
    );
    // The notification custom resource's Lambda is a CDK-owned stack singleton; find it to scope the acknowledgment.
    const notificationsHandler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (notificationsHandler === undefined) {
      throw new Error(
        'aws-cdk-lib no longer creates BucketNotificationsHandler; revisit the cdk-nag acknowledgment',
      );
    }
    Validations.of(notificationsHandler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK-provided handler that applies the S3 notification configuration at deploy time; CDK always attaches this policy to it.',
    });

    const { alarms } = props;
    const alarmOn = (alarmId: string, metric: Metric, threshold: number, description: string): Alarm => {
      const alarm = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: alarms.evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (alarms.action) {
        alarm.addAlarmAction(alarms.action);
      }
      return alarm;
    };
    const fn = this.handler.function;
    this.alarms = [
      alarmOn(
        'ErrorsAlarm',
        fn.metricErrors({ period: alarms.period, statistic: 'Sum' }),
        alarms.errorsThreshold,
        'Ingest function invocations are failing; S3 retries twice, then events go to the DLQ.',
      ),
      alarmOn(
        'ThrottlesAlarm',
        fn.metricThrottles({ period: alarms.period, statistic: 'Sum' }),
        alarms.throttlesThreshold,
        'Ingest function is throttled; check reserved/account concurrency.',
      ),
      alarmOn(
        'DeadLetterQueueDepthAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: alarms.period,
          statistic: 'Maximum',
        }),
        alarms.dlqDepthThreshold,
        'Ingest invocations exhausted their retries; inspect the DLQ messages and re-upload the files.',
      ),
    ];
  }
}
