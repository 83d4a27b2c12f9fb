import { type Duration, Names } from 'aws-cdk-lib';
import { type Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REJECTED_PREFIX, type SourceDefinition } from '../../contract/index.js';
import type { SessionRules } from '../../functions/shared/session-rules-schema.js';
import { type AlarmSettings, thresholdAlarm } from './alarms.js';
import { IngestQueue } from './ingest-queue.js';
import { type FunctionSizing, NodeFunction, sizingOf } from './node-function.js';
import { SourceNotifications } from './source-notifications.js';

/**
 * The ingest function's table access: read current sessions, then merge with conditional writes. There is
 * no IAM action for TransactWriteItems: a transaction needs the action of each item it holds (Put, Update,
 * Delete; it holds no pure ConditionCheck, which would need ConditionCheckItem).
 */
export const INGEST_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * The ingest role's queue access. Lambda's event source mapping receives and deletes with the function's role
 * and reads the queue's attributes when it is created (AWS: "Execution role permissions" of an SQS mapping);
 * the handler itself only sends continuations (SendMessage), to the URL it is given. CDK's grants would add
 * sqs:GetQueueUrl and sqs:ChangeMessageVisibility, which neither calls.
 */
export const INGEST_QUEUE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:SendMessage',
] as const;

export interface IngestAlarmSettings extends AlarmSettings {
  readonly errorsThreshold: number;
  readonly throttlesThreshold: number;
  readonly queueAgeThreshold: Duration;
  readonly dlqDepthThreshold: number;
}

export interface IngestProps extends FunctionSizing {
  /** The stage's name: the alarms name the command that redrives its dead letters. */
  readonly stageName: string;
  readonly bucket: IBucket;
  /** Grants the prefix-scoped object access; see Storage.ingestObjectAccess. */
  readonly objectAccess: IManagedPolicy;
  readonly table: ITable;
  readonly sources: readonly SourceDefinition[];
  readonly sessionRules: SessionRules;
  /** Largest ZIP member the function inflates; undefined leaves the function's own limit. */
  readonly maxMemberBytes?: number;
  readonly logLevel: string;
  /** Where the handler publishes its metrics (Powertools), the stage's own: see StatelessStack. */
  readonly metricsNamespace: string;
  /** Invocations the queue feeds at once: the pace at which a burst of uploads reaches the table. */
  readonly maxConcurrency: number;
  readonly batchSize: number;
  readonly maxReceiveCount: number;
  readonly alarms: IngestAlarmSettings;
}

/**
 * MAX_MEMBER_BYTES, when a limit is set: the ingest reads exports under it, and the rebuild reads copies again
 * under the same, so that an export opens as it did when its copies were read.
 */
export function memberLimitVariable(maxMemberBytes: number | undefined): Record<string, string> {
  return maxMemberBytes === undefined ? {} : { MAX_MEMBER_BYTES: String(maxMemberBytes) };
}

/** The ingest's service: with the stage's namespace, the dimension its own metrics carry (Powertools). */
const INGEST_SERVICE_NAME = 'sessionizer-ingest';

/**
 * S3 upload under a source prefix → event on an SQS queue → ingest Lambda (at most `maxConcurrency` at once)
 * → DynamoDB. A message the function fails (it reports failed items per batch) is delivered again until
 * `maxReceiveCount`, then kept in the dead-letter queue.
 */
export class Ingest extends Construct {
  readonly handler: NodeFunction;
  readonly queue: IngestQueue;
  readonly alarms: readonly Alarm[];
  /** The longest one invocation runs: a rebuild waits it out before its final count (Rebuild). */
  readonly timeout: Duration;
  /** The member limit it reads exports under; a rebuild reads copies again under it too (Rebuild). */
  readonly maxMemberBytes: number | undefined;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    this.timeout = props.timeout;
    this.maxMemberBytes = props.maxMemberBytes;

    this.queue = new IngestQueue(this, 'Queue', {
      functionTimeout: props.timeout,
      maxReceiveCount: props.maxReceiveCount,
      removalPolicy: props.removalPolicy,
    });

    const prefixes = props.sources.map((source) => source.prefix);
    this.handler = new NodeFunction(this, 'Handler', {
      handler: 'ingest',
      // The prefixes are in SOURCES: a function description holds at most 256 characters.
      description:
        'Sessionizes event files uploaded under the source prefixes and merges them into the sessions table',
      ...sizingOf(props),
      // A long file is continued by messages the function sends to its own queue: a chain Lambda would stop
      // after about 16 calls. It is finite: every call merges at least one step before it stops.
      recursiveLoop: RecursiveLoop.ALLOW,
      environment: {
        TABLE_NAME: props.table.tableName,
        BUCKET_NAME: props.bucket.bucketName,
        SOURCES: JSON.stringify(props.sources),
        REJECTED_PREFIX,
        SESSION_RULES: JSON.stringify(props.sessionRules),
        ...memberLimitVariable(props.maxMemberBytes),
        // A call out of time queues the rest of its work here, to be resumed from the progress it saved.
        INGEST_QUEUE_URL: this.queue.queue.queueUrl,
        POWERTOOLS_SERVICE_NAME: INGEST_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
    });
    this.handler.role.addManagedPolicy(props.objectAccess);
    props.table.grant(this.handler.role, ...INGEST_TABLE_ACTIONS);
    this.handler.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...INGEST_QUEUE_ACTIONS], resources: [this.queue.queue.queueArn] }),
    );

    // The mapping SqsEventSource would make, without its grant (see INGEST_QUEUE_ACTIONS); its id too, so a
    // deployed stage keeps its mapping rather than replacing it.
    this.handler.function.addEventSourceMapping(
      `SqsEventSource:${Names.nodeUniqueId(this.queue.queue.node)}`,
      {
        eventSourceArn: this.queue.queue.queueArn,
        batchSize: props.batchSize,
        maxConcurrency: props.maxConcurrency,
        // Only the failed files of a batch come back; the others are deleted from the queue.
        reportBatchItemFailures: true,
      },
    );
    new SourceNotifications(this, 'Notifications', {
      bucket: props.bucket,
      queue: this.queue.queue,
      prefixes,
    });

    const { alarms } = props;
    const fn = this.handler.function;
    const logs = "the ingest function's logs";
    const redrive = `redrive them with npm run replay -- --stage ${props.stageName} --from-dlq (docs/operations.md)`;
    this.alarms = [
      thresholdAlarm(
        this,
        'ErrorsAlarm',
        {
          metric: fn.metricErrors({ period: alarms.period, statistic: 'Sum' }),
          threshold: alarms.errorsThreshold,
          description: `Ingest invocations fail as a whole (a timeout, or out of memory); their S3 events are delivered again and, after the last delivery, kept in the dead-letter queue. See ${logs} for which; out of memory, raise the stage's ingest.memorySizeMb and deploy.`,
        },
        alarms,
      ),
      thresholdAlarm(
        this,
        'MessagesFailedAlarm',
        {
          // The handler reports a failed file as a failed batch item, not as a failed invocation: Errors
          // above misses throttled tables, dropped downloads and refused rules, this does not.
          metric: new Metric({
            namespace: props.metricsNamespace,
            metricName: 'MessagesFailed',
            dimensionsMap: { service: INGEST_SERVICE_NAME },
            period: alarms.period,
            statistic: 'Sum',
          }),
          threshold: alarms.errorsThreshold,
          description: `Ingest messages fail (a throttled table, a dropped download, rules the table refuses); they are delivered again and, after the last delivery, kept in the dead-letter queue. See ${logs}, fix the cause, then ${redrive}.`,
        },
        alarms,
      ),
      thresholdAlarm(
        this,
        'ThrottlesAlarm',
        {
          metric: fn.metricThrottles({ period: alarms.period, statistic: 'Sum' }),
          threshold: alarms.throttlesThreshold,
          description:
            'The ingest function is throttled; check the account concurrency left for it (the queue asks for at most its maxConcurrency).',
        },
        alarms,
      ),
      thresholdAlarm(
        this,
        'QueueAgeAlarm',
        {
          metric: this.queue.queue.metricApproximateAgeOfOldestMessage({
            period: alarms.period,
            statistic: 'Maximum',
          }),
          threshold: alarms.queueAgeThreshold.toSeconds(),
          description: `Uploaded files wait too long to be ingested: the ingest keeps failing (see ${logs} and the failed-messages alarm), or the backlog outgrows the stage's ingest.maxConcurrency (raise it and deploy, or let the backlog drain).`,
        },
        alarms,
      ),
      thresholdAlarm(
        this,
        'DeadLetterQueueDepthAlarm',
        {
          metric: this.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: alarms.period,
            statistic: 'Maximum',
          }),
          threshold: alarms.dlqDepthThreshold,
          description: `S3 events exhausted their deliveries: see why in ${logs} (npm run dlq -- --stage ${props.stageName} counts them), fix the cause, then ${redrive}.`,
        },
        alarms,
      ),
    ];
  }
}
