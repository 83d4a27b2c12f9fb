import {
  Annotations,
  Arn,
  ArnFormat,
  CfnOutput,
  Duration,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IManagedPolicy, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { BYTES_PER_MEGABYTE } from '../config/stage-schema.js';
import type { StageConfig } from '../config/stages.js';
import type { AlarmSettings } from '../constructs/alarms.js';
import { Api } from '../constructs/api.js';
import { Erasure } from '../constructs/erasure.js';
import { keepHelperFunctionLogs } from '../constructs/helper-function-logs.js';
import { Ingest } from '../constructs/ingest.js';
import type { FunctionSizing } from '../constructs/node-function.js';
import { Rebuild } from '../constructs/rebuild.js';
import { logRetentionOf, removalPolicyOf } from './stage-props.js';

export interface StatelessStackProps extends StackProps {
  /** The stage's name (dev, prod, ...): names what two stages in one account must not share. */
  readonly stageName: string;
  readonly config: StageConfig;
  readonly bucket: IBucket;
  readonly ingestObjectAccess: IManagedPolicy;
  /** Read-only access to the exports, for the rebuild. */
  readonly exportReadAccess: IManagedPolicy;
  readonly table: ITable;
}

/** Code and wiring: safe to destroy and recreate without losing data. */
export class StatelessStack extends Stack {
  readonly ingest: Ingest;
  readonly rebuild: Rebuild;
  readonly erasure: Erasure;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    const { stageName, config, bucket, ingestObjectAccess, exportReadAccess, table, ...stackProps } = props;
    super(scope, id, { terminationProtection: config.terminationProtection, ...stackProps });
    const removalPolicy = removalPolicyOf(config);
    const logRetention = logRetentionOf(config);
    // A function's memory and timeout are its own section's; its logs and removal the stage's.
    const sizing = (section: { memorySizeMb: number; timeoutSeconds: number }): FunctionSizing => ({
      memorySizeMb: section.memorySizeMb,
      timeout: Duration.seconds(section.timeoutSeconds),
      logRetention,
      removalPolicy,
    });
    const { logLevel, sessionRules } = config;
    // Custom metrics are per account and region: under one shared namespace, a stage's failed-messages alarm
    // would also count another stage's failures.
    const metricsNamespace = `Sessionizer/${stageName}`;

    // Every alarm notifies a topic: the stage's own, unless it names one it already has.
    const alarmTopic = config.alarms.actionTopicArn
      ? existingAlarmTopic(this, config.alarms.actionTopicArn)
      : ownAlarmTopic(this, config);
    const alarmSettings: AlarmSettings = {
      period: Duration.minutes(config.alarms.periodMinutes),
      evaluationPeriods: config.alarms.evaluationPeriods,
      action: new SnsAction(alarmTopic),
    };
    const maxMemberMegabytes = config.ingest.maxMemberMegabytes;
    this.ingest = new Ingest(this, 'Ingest', {
      stageName,
      bucket,
      objectAccess: ingestObjectAccess,
      table,
      sources: config.sources,
      sessionRules,
      metricsNamespace,
      maxMemberBytes: maxMemberMegabytes === undefined ? undefined : maxMemberMegabytes * BYTES_PER_MEGABYTE,
      logLevel,
      ...sizing(config.ingest),
      maxConcurrency: config.ingest.maxConcurrency,
      batchSize: config.ingest.batchSize,
      maxReceiveCount: config.ingest.maxReceiveCount,
      alarms: {
        ...alarmSettings,
        errorsThreshold: config.alarms.ingestErrorsThreshold,
        throttlesThreshold: config.alarms.ingestThrottlesThreshold,
        queueAgeThreshold: Duration.seconds(config.alarms.queueAgeThresholdSeconds),
        dlqDepthThreshold: config.alarms.dlqDepthThreshold,
      },
    });

    this.rebuild = new Rebuild(this, 'Rebuild', {
      table,
      bucket,
      objectAccess: exportReadAccess,
      sessionRules,
      ingestTimeout: this.ingest.timeout,
      maxMemberBytes: this.ingest.maxMemberBytes,
      totalSegments: config.rebuild.totalSegments,
      logLevel,
      ...sizing(config.rebuild),
      alarms: alarmSettings,
    });

    this.erasure = new Erasure(this, 'Erasure', {
      table,
      logLevel,
      metricsNamespace,
      ...sizing(config.erase),
      alarms: alarmSettings,
    });

    this.api = new Api(this, 'Api', {
      table,
      adminFunction: this.erasure.handler.function,
      adminFailures: this.erasure.failures,
      auth: config.api.auth,
      throttle: config.api.throttle,
      corsAllowedOrigins: config.api.corsAllowedOrigins,
      logLevel,
      metricsNamespace,
      ...sizing(config.api),
      alarms: { ...alarmSettings, errorsThreshold: config.alarms.apiErrorsThreshold },
    });

    keepHelperFunctionLogs(this, { logRetention, removalPolicy });

    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarmTopic.topicArn,
      description: 'Every alarm of the stage notifies this topic (alarm and OK): subscribe to it to be told',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the lookup API' });
    new CfnOutput(this, 'ApiId', {
      value: this.api.httpApi.apiId,
      description:
        'For execute-api:Invoke policies (IAM auth): GET /users/* to read, DELETE /admin/users/* to erase',
    });
    new CfnOutput(this, 'IngestFunctionName', { value: this.ingest.handler.function.functionName });
    new CfnOutput(this, 'IngestQueueUrl', {
      value: this.ingest.queue.queue.queueUrl,
      description: 'S3 events of new uploads, waiting for the ingest function',
    });
    new CfnOutput(this, 'IngestQueueArn', {
      value: this.ingest.queue.queue.queueArn,
      description: 'Redrive target for the dead-letter queue',
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.ingest.queue.deadLetterQueue.queueUrl,
      description: 'S3 events the ingest failed on every delivery; redrive them to the ingest queue',
    });
    new CfnOutput(this, 'RebuildStateMachineArn', {
      value: this.rebuild.stateMachine.stateMachineArn,
      description: 'Start an execution after changing the session rules to rebuild the stored sessions',
    });
    new CfnOutput(this, 'EraseFunctionName', {
      value: this.erasure.handler.function.functionName,
      description: 'Serves DELETE /admin/users/{userId}',
    });
  }
}

/**
 * A topic the stage already has. A CloudWatch alarm's actions name SNS topics of its own region only, so one
 * elsewhere is refused at synth; an env-agnostic stack's region is known only at deploy, so it is not checked.
 */
function existingAlarmTopic(stack: Stack, arn: string): ITopic {
  const topicRegion = Arn.split(arn, ArnFormat.NO_RESOURCE_NAME).region;
  if (!Token.isUnresolved(stack.region) && topicRegion !== stack.region) {
    Annotations.of(stack).addError(
      `alarms.actionTopicArn names a topic in ${topicRegion}, but the stage deploys to ${stack.region}: CloudWatch alarms notify only SNS topics of their own region, so name a topic in ${stack.region}`,
    );
  }
  return Topic.fromTopicArn(stack, 'AlarmTopic', arn);
}

/** The stage's alarm topic, with the stage's e-mail subscriptions (each confirms by a link sent to it). */
function ownAlarmTopic(scope: Construct, config: StageConfig): Topic {
  const topic = new Topic(scope, 'AlarmTopic', {
    displayName: `${Stack.of(scope).stackName} alarms`,
    enforceSSL: true,
  });
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'CloudWatch alarms can publish to an encrypted topic only with a customer-managed key whose policy admits them; alarm notifications carry no event data, so the key is not worth its cost.',
  });
  // A topic policy replaces SNS's default one, which is what let CloudWatch publish: without this statement the
  // alarms change state and notify nobody. Only this account's alarms in this region may publish.
  const stack = Stack.of(scope);
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  for (const email of config.alarms.notifyEmails) topic.addSubscription(new EmailSubscription(email));
  return topic;
}
