import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages.js';
import { Api } from '../constructs/api.js';
import { Ingest } from '../constructs/ingest.js';
import { logRetentionOf, removalPolicyOf } from './stage-props.js';

export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  readonly bucket: IBucket;
  readonly ingestObjectAccess: IManagedPolicy;
  readonly table: ITable;
}

/** Code and wiring: safe to destroy and recreate without losing data. */
export class StatelessStack extends Stack {
  readonly ingest: Ingest;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    const { config, bucket, ingestObjectAccess, table, ...stackProps } = props;
    super(scope, id, { terminationProtection: config.terminationProtection, ...stackProps });
    const removalPolicy = removalPolicyOf(config);
    const logRetention = logRetentionOf(config);

    const alarmTopicArn = config.alarms.actionTopicArn;
    this.ingest = new Ingest(this, 'Ingest', {
      bucket,
      objectAccess: ingestObjectAccess,
      table,
      sessionGapMinutes: config.sessionGapMinutes,
      logLevel: config.logLevel,
      memorySizeMb: config.ingest.memorySizeMb,
      timeout: Duration.seconds(config.ingest.timeoutSeconds),
      reservedConcurrency: config.ingest.reservedConcurrency,
      logRetention,
      removalPolicy,
      alarms: {
        period: Duration.minutes(config.alarms.periodMinutes),
        evaluationPeriods: config.alarms.evaluationPeriods,
        errorsThreshold: config.alarms.ingestErrorsThreshold,
        throttlesThreshold: config.alarms.ingestThrottlesThreshold,
        dlqDepthThreshold: config.alarms.dlqDepthThreshold,
        action: alarmTopicArn
          ? new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', alarmTopicArn))
          : undefined,
      },
    });

    this.api = new Api(this, 'Api', {
      table,
      auth: config.api.auth,
      throttle: config.api.throttle,
      corsAllowedOrigins: config.api.corsAllowedOrigins,
      sessionGapMinutes: config.sessionGapMinutes,
      logLevel: config.logLevel,
      memorySizeMb: config.api.memorySizeMb,
      timeout: Duration.seconds(config.api.timeoutSeconds),
      logRetention,
      removalPolicy,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the lookup API' });
    new CfnOutput(this, 'ApiId', {
      value: this.api.httpApi.apiId,
      description: 'For execute-api:Invoke policies (IAM auth)',
    });
    new CfnOutput(this, 'IngestFunctionName', { value: this.ingest.handler.function.functionName });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.ingest.deadLetterQueue.queueUrl,
      description: 'Ingest invocations that failed after retries',
    });
  }
}
