import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { lambdaNodeMajorVersion } from '../../lib/config/bundling.js';
import { stageConfig } from '../../lib/config/stages.js';
import {
  apiFunction,
  eraseFunction,
  ingestFunction,
  logGroupIdOf,
  onlyResource,
  rebuildFunction,
  resourcesOfType,
  synthConfiguredStage,
  synthStage,
} from './synth.js';

const ourFunctions = (template: Template) => [
  ingestFunction(template),
  apiFunction(template),
  rebuildFunction(template),
  eraseFunction(template),
];

describe.each(['dev', 'prod'] as const)('stateless stack (%s)', (stageName) => {
  const config = stageConfig(stageName);
  const { stateless } = synthConfiguredStage(stageName);

  it('runs every function on ARM64 with the current Node LTS and ESM bundle handler', () => {
    for (const fn of ourFunctions(stateless)) {
      expect(fn.properties).toMatchObject({
        Runtime: `nodejs${lambdaNodeMajorVersion}.x`,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/HandlerLogs/) } },
      });
      // The bundles map their own stack traces (bundling.test.ts); the flag would read every map at cold start.
      expect(JSON.stringify(fn.properties.Environment ?? {})).not.toContain('enable-source-maps');
    }
  });

  it('gives every log group the stage retention', () => {
    const groups = Object.values(resourcesOfType(stateless, 'AWS::Logs::LogGroup'));
    // Four functions, CDK's bucket notifications handler, API access logs, rebuild state machine.
    expect(groups).toHaveLength(7);
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBe(config.logRetentionDays);
    }
  });

  it("logs every function, CDK's own too, to a log group of the stack", () => {
    const groups = resourcesOfType(stateless, 'AWS::Logs::LogGroup');
    const functions = Object.values(resourcesOfType(stateless, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(Object.keys(groups)).toContain(logGroupIdOf(fn));
    }
  });
});

describe('stateless stack per-stage differences', () => {
  it('uses the stage log level, throttling and retention', () => {
    const dev = synthConfiguredStage('dev').stateless;
    const prod = synthConfiguredStage('prod').stateless;
    for (const fn of ourFunctions(dev)) {
      expect(JSON.stringify(fn.properties)).toContain('"POWERTOOLS_LOG_LEVEL":"DEBUG"');
    }
    for (const fn of ourFunctions(prod)) {
      expect(JSON.stringify(fn.properties)).toContain('"POWERTOOLS_LOG_LEVEL":"INFO"');
    }
    dev.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20 },
    });
    prod.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 100 },
    });
    dev.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    prod.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('retains logs, queues and secret in prod and deletes them in dev', () => {
    const types = ['AWS::Logs::LogGroup', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret'];
    for (const [stageName, policy] of [
      ['prod', 'Retain'],
      ['dev', 'Delete'],
    ] as const) {
      const { stateless } = synthConfiguredStage(stageName);
      for (const type of types) {
        const resources = Object.values(stateless.findResources(type));
        expect(resources.length, `${stageName} ${type}`).toBeGreaterThan(0);
        for (const resource of resources) {
          expect(resource, `${stageName} ${type}`).toMatchObject({ DeletionPolicy: policy });
        }
      }
    }
  });

  it('keeps the custom metrics of two stages in one account apart, so no alarm watches another stage', () => {
    type MetricJson = { Namespace?: string; Dimensions?: { Name: string; Value: unknown }[] };
    const key = (metric: MetricJson) =>
      [metric.Namespace, ...(metric.Dimensions ?? []).map((dimension) => dimension.Value)].join(' ');
    const customMetricsOf = (stageName: 'dev' | 'prod') => {
      const { stateless } = synthConfiguredStage(stageName);
      // Powertools publishes under the namespace, with the service as a dimension; a metric filter with none.
      const published = [
        ...[ingestFunction(stateless)].map((fn) => {
          const variables = (fn.properties.Environment as { Variables: Record<string, string> }).Variables;
          return `${variables.POWERTOOLS_METRICS_NAMESPACE} ${variables.POWERTOOLS_SERVICE_NAME}`;
        }),
        ...Object.values(resourcesOfType(stateless, 'AWS::Logs::MetricFilter')).flatMap((filter) =>
          (filter.Properties.MetricTransformations as { MetricNamespace: string }[]).map((metric) =>
            key({ Namespace: metric.MetricNamespace }),
          ),
        ),
      ];
      // An alarm's one metric, or each metric its expression reads.
      const watched = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm'))
        .map((alarm) => alarm.Properties)
        .flatMap((alarm) =>
          alarm.Namespace === undefined
            ? (alarm.Metrics as { MetricStat?: { Metric: MetricJson } }[]).flatMap((query) =>
                query.MetricStat === undefined ? [] : [query.MetricStat.Metric],
              )
            : [alarm as MetricJson],
        )
        .filter((metric) => !String(metric.Namespace).startsWith('AWS/'))
        .map(key);
      // The ingest's failed messages, and the lookups and erasures answered with a 500 (read by their own
      // alarms, and taken away from the API's 5xx).
      expect(watched).toHaveLength(5);
      for (const metric of watched) expect(published).toContain(metric);
      return published;
    };
    const dev = customMetricsOf('dev');
    for (const metric of customMetricsOf('prod')) expect(dev).not.toContain(metric);
  });

  // Ingest: errors, failed messages, throttles, queue age, dead letters; API: errors, 5xx; erasure; rebuild.
  const ALARMS_PER_STAGE = 9;

  it('wires every alarm, its all-clear too, to an existing SNS topic when the stage names one', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:example-account:sessionizer-alarms';
    const { stateless } = synthStage('dev', {
      ...stageConfig('dev'),
      alarms: { ...stageConfig('dev').alarms, actionTopicArn: topicArn },
    });
    const alarms = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(ALARMS_PER_STAGE);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
      expect(alarm.Properties.OKActions).toEqual([topicArn]);
    }
    stateless.resourceCountIs('AWS::SNS::Topic', 0);
    stateless.hasOutput('AlarmTopicArn', { Value: topicArn });
  });

  it('refuses at synth a topic of another region than the stage deploys to, naming both', () => {
    const synthWithTopic = (topicArn: string, env?: { account: string; region: string }) => () =>
      synthStage(
        'dev',
        { ...stageConfig('dev'), alarms: { ...stageConfig('dev').alarms, actionTopicArn: topicArn } },
        env,
      );
    const env = { account: '123456789012', region: 'eu-west-1' };
    expect(synthWithTopic('arn:aws:sns:us-east-1:123456789012:ops', env)).toThrow(
      'alarms.actionTopicArn names a topic in us-east-1, but the stage deploys to eu-west-1: CloudWatch alarms notify only SNS topics of their own region, so name a topic in eu-west-1',
    );
    expect(synthWithTopic('arn:aws:sns:eu-west-1:123456789012:ops', env)).not.toThrow();
    // Env-agnostic: the region is a token until deploy, nothing to compare.
    expect(synthWithTopic('arn:aws:sns:us-east-1:123456789012:ops')).not.toThrow();
  });

  it("notifies the stage's own topic when it names none, with the stage's e-mails subscribed", () => {
    const { stateless } = synthStage('prod', {
      ...stageConfig('prod'),
      alarms: { ...stageConfig('prod').alarms, notifyEmails: ['ops@example.com'] },
    });
    const topic = onlyResource(stateless, 'AWS::SNS::Topic');
    const alarms = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(ALARMS_PER_STAGE);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic.id }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topic.id }]);
    }
    expect(onlyResource(stateless, 'AWS::SNS::Subscription').properties).toMatchObject({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topic.id },
    });
    stateless.hasOutput('AlarmTopicArn', { Value: { Ref: topic.id } });
    // Only over TLS, like every other resource of the stage; and CloudWatch may publish, for this account's
    // alarms only (a topic policy replaces the default one that let it).
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: topic.id },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':cloudwatch:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      ':alarm:*',
                    ],
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
    expect(Object.keys(resourcesOfType(stateless, 'AWS::SNS::TopicPolicy'))).toHaveLength(1);
  });

  it('alarms on failed lookups, erasures and rebuilds, each once', () => {
    const { stateless } = synthConfiguredStage('prod');
    const alarms = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    const metric = (namespace: string, name: string) =>
      alarms.filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === name);
    // The API's 5xx, less those the function alarms below count: one alarm per failed request.
    const reading = (metricName: string) =>
      alarms.filter((alarm) => JSON.stringify(alarm.Metrics ?? []).includes(`"MetricName":"${metricName}"`));
    expect(reading('5xx')).toEqual([
      expect.objectContaining({ Threshold: stageConfig('prod').alarms.apiErrorsThreshold }),
    ]);
    const [gateway] = reading('5xx');
    expect(metric('AWS/States', 'ExecutionsFailed')).toEqual([expect.objectContaining({ Threshold: 1 })]);
    // Ingest's; the lookup and erasure functions' are read with the failures they answered themselves.
    expect(metric('AWS/Lambda', 'Errors').map((alarm) => alarm.Threshold)).toEqual([
      stageConfig('prod').alarms.ingestErrorsThreshold,
    ]);
    const raising = (metricName: string) => reading(metricName).filter((alarm) => alarm !== gateway);
    expect(raising('LookupsFailed')).toEqual([
      expect.objectContaining({ Threshold: stageConfig('prod').alarms.apiErrorsThreshold }),
    ]);
    expect(raising('ErasuresFailed')).toEqual([expect.objectContaining({ Threshold: 1 })]);
  });
});
