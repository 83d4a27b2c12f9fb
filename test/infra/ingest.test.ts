import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { sessionRulesSchema } from '../../functions/shared/session-rules-schema.js';
import { stageConfig } from '../../lib/config/stages.js';
import {
  environmentOf,
  ingestFunction,
  onlyResource,
  resourcesOfType,
  synthConfiguredStage,
} from './synth.js';

const FOURTEEN_DAYS_IN_SECONDS = 14 * 24 * 60 * 60;

describe.each(['dev', 'prod', 'test'] as const)('ingest (%s)', (stageName) => {
  const config = stageConfig(stageName);
  const { stateless } = synthConfiguredStage(stageName);
  const queues = Object.entries(resourcesOfType(stateless, 'AWS::SQS::Queue'));
  const [queueId, queue] = queues.find(([, resource]) => resource.Properties.RedrivePolicy) ?? [];
  const [deadLetterQueueId, deadLetterQueue] =
    queues.find(([, resource]) => !resource.Properties.RedrivePolicy) ?? [];
  const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };

  it('has one ingest queue and one dead-letter queue', () => {
    expect(queues).toHaveLength(2);
    expect(queueId).toBeDefined();
    expect(deadLetterQueueId).toBeDefined();
  });

  it('sends object creation under each source prefix to the queue, one notification per prefix, and nothing else', () => {
    const notifications = onlyResource(stateless, 'Custom::S3BucketNotifications').properties;
    expect(notifications.NotificationConfiguration).toEqual({
      QueueConfigurations: config.sources.map((source) => ({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: source.prefix }] } },
        QueueArn: queueArn,
      })),
    });
    expect(JSON.stringify(notifications)).not.toContain('rejected/');
    // Unmanaged: the bucket lives in the other stack; only this stack's notifications are touched.
    expect(notifications.Managed).toBe(false);
  });

  it("lets only the events bucket, in the stack's own account, send to the queue, and only over TLS", () => {
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: {
              ArnLike: { 'aws:SourceArn': Match.objectLike({ 'Fn::GetStackOutput': Match.anyValue() }) },
              // A deleted bucket's name can be taken by another account; the account must match too.
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          }),
        ]),
      },
    });
  });

  it('keeps messages 14 days, hides them for six function timeouts and moves them to the DLQ after maxReceiveCount', () => {
    expect(queue?.Properties).toEqual({
      MessageRetentionPeriod: FOURTEEN_DAYS_IN_SECONDS,
      VisibilityTimeout: 6 * config.ingest.timeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] },
        maxReceiveCount: config.ingest.maxReceiveCount,
      },
      SqsManagedSseEnabled: true,
    });
    expect(deadLetterQueue?.Properties).toEqual({
      MessageRetentionPeriod: FOURTEEN_DAYS_IN_SECONDS,
      SqsManagedSseEnabled: true,
    });
  });

  it('denies plain-HTTP access to the dead-letter queue as well', () => {
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: deadLetterQueueId }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ],
      },
    });
  });

  it('consumes the queue through one event source mapping paced by the stage', () => {
    const mapping = onlyResource(stateless, 'AWS::Lambda::EventSourceMapping');
    // The id SqsEventSource gave it: a deployed stage keeps its mapping.
    expect(mapping.id).toMatch(/^IngestHandlerFunctionSqsEventSource.*IngestQueue[0-9A-F]+$/);
    expect(mapping.properties).toEqual({
      EventSourceArn: queueArn,
      FunctionName: { Ref: ingestFunction(stateless).id },
      BatchSize: config.ingest.batchSize,
      ScalingConfig: { MaximumConcurrency: config.ingest.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('is never invoked asynchronously: no S3 invoke permission, no retry or on-failure destination', () => {
    stateless.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    const s3Permissions = Object.values(resourcesOfType(stateless, 'AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties.Principal === 's3.amazonaws.com',
    );
    expect(s3Permissions).toEqual([]);
    expect(ingestFunction(stateless).properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('lets the ingest function alone continue a long file through its own queue (recursive loop allowed)', () => {
    expect(ingestFunction(stateless).properties.RecursiveLoop).toBe('Allow');
    const others = Object.entries(resourcesOfType(stateless, 'AWS::Lambda::Function')).filter(
      ([id]) => id !== ingestFunction(stateless).id,
    );
    expect(others.length).toBeGreaterThan(0);
    for (const [id, fn] of others) expect(fn.Properties.RecursiveLoop, id).toBeUndefined();
  });

  it('sizes the function from the stage config', () => {
    expect(ingestFunction(stateless).properties).toMatchObject({
      MemorySize: config.ingest.memorySizeMb,
      Timeout: config.ingest.timeoutSeconds,
    });
  });

  it('gets the environment the handler contract names', () => {
    const variables = environmentOf(ingestFunction(stateless));
    const memberLimit = config.ingest.maxMemberMegabytes;
    expect(Object.keys(variables).sort()).toEqual(
      [
        'BUCKET_NAME',
        'INGEST_QUEUE_URL',
        ...(memberLimit === undefined ? [] : ['MAX_MEMBER_BYTES']),
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'REJECTED_PREFIX',
        'SESSION_RULES',
        'SOURCES',
        'TABLE_NAME',
      ].sort(),
    );
    expect(variables).toMatchObject({
      REJECTED_PREFIX: 'rejected/',
      POWERTOOLS_SERVICE_NAME: 'sessionizer-ingest',
      POWERTOOLS_METRICS_NAMESPACE: `Sessionizer/${stageName}`,
      POWERTOOLS_LOG_LEVEL: config.logLevel,
    });
    expect(variables.INGEST_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^IngestQueue(?!DeadLetter)/) });
    expect(JSON.parse(String(variables.SOURCES))).toEqual(config.sources);
    const sessionRules = JSON.parse(String(variables.SESSION_RULES));
    expect(sessionRules).toEqual(config.sessionRules);
    expect(sessionRulesSchema.parse(sessionRules)).toEqual(config.sessionRules);
    if (memberLimit !== undefined) {
      expect(variables.MAX_MEMBER_BYTES).toBe(String(memberLimit * 1024 * 1024));
    }
  });

  it('raises the queue-age alarm only past what one failed delivery and its retry take', () => {
    const [ageAlarm] = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.MetricName === 'ApproximateAgeOfOldestMessage',
    );
    const visibilityTimeout = Number(queue?.Properties.VisibilityTimeout);
    const functionTimeout = Number(ingestFunction(stateless).properties.Timeout);
    // A failed message is received again once its visibility timeout ends, and that call may run a whole
    // function timeout: its age reaches their sum with no backlog at all (the alarm fires at >=).
    expect(ageAlarm?.Properties.Threshold).toBeGreaterThan(visibilityTimeout + functionTimeout);
  });

  it('alarms on errors, failed messages, throttles, queue age and DLQ depth with the stage thresholds', () => {
    const alarms = Object.entries(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm'))
      .filter(([id]) => id.startsWith('Ingest'))
      .map(([, alarm]) => alarm.Properties);
    const byMetric = (namespace: string, metricName: string) =>
      alarms.filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metricName);
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        EvaluationPeriods: config.alarms.evaluationPeriods,
        Period: config.alarms.periodMinutes * 60,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    const ingestDimension = [{ Name: 'FunctionName', Value: { Ref: ingestFunction(stateless).id } }];
    expect(byMetric('AWS/Lambda', 'Errors')).toEqual([
      expect.objectContaining({
        Threshold: config.alarms.ingestErrorsThreshold,
        Dimensions: ingestDimension,
      }),
    ]);
    // What the handler publishes for the messages it reports failed (Powertools: service as a dimension).
    expect(byMetric(`Sessionizer/${stageName}`, 'MessagesFailed')).toEqual([
      expect.objectContaining({
        Threshold: config.alarms.ingestErrorsThreshold,
        Statistic: 'Sum',
        Dimensions: [
          { Name: 'service', Value: environmentOf(ingestFunction(stateless)).POWERTOOLS_SERVICE_NAME },
        ],
      }),
    ]);
    expect(byMetric('AWS/Lambda', 'Throttles')).toEqual([
      expect.objectContaining({
        Threshold: config.alarms.ingestThrottlesThreshold,
        Dimensions: ingestDimension,
      }),
    ]);
    expect(byMetric('AWS/SQS', 'ApproximateAgeOfOldestMessage')).toEqual([
      expect.objectContaining({
        Threshold: config.alarms.queueAgeThresholdSeconds,
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      }),
    ]);
    expect(byMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toEqual([
      expect.objectContaining({
        Threshold: config.alarms.dlqDepthThreshold,
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterQueueId, 'QueueName'] } }],
      }),
    ]);
  });

  it('says in each alarm where to look and what to do', () => {
    const descriptionOf = (namespace: string, metricName: string) =>
      String(
        Object.entries(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm')).find(
          ([id, alarm]) =>
            id.startsWith('Ingest') &&
            alarm.Properties.Namespace === namespace &&
            alarm.Properties.MetricName === metricName,
        )?.[1].Properties.AlarmDescription,
      );
    const redrive = `npm run replay -- --stage ${stageName} --from-dlq`;
    expect(descriptionOf('AWS/Lambda', 'Errors')).toContain("the ingest function's logs");
    expect(descriptionOf('AWS/Lambda', 'Errors')).toContain('ingest.memorySizeMb');
    expect(descriptionOf('AWS/SQS', 'ApproximateAgeOfOldestMessage')).toContain('ingest.maxConcurrency');
    expect(descriptionOf('AWS/SQS', 'ApproximateAgeOfOldestMessage')).toContain("the ingest function's logs");
    expect(descriptionOf('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toContain(redrive);
    expect(descriptionOf(`Sessionizer/${stageName}`, 'MessagesFailed')).toContain(redrive);
  });

  it('outputs the queue URL and ARN and the dead-letter queue URL', () => {
    stateless.hasOutput('IngestQueueUrl', { Value: { Ref: queueId } });
    stateless.hasOutput('IngestQueueArn', { Value: queueArn });
    stateless.hasOutput('DeadLetterQueueUrl', { Value: { Ref: deadLetterQueueId } });
  });
});
