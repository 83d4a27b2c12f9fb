import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { lambdaNodeMajorVersion } from '../../lib/config/bundling.js';
import { stages } from '../../lib/config/stages.js';
import {
  apiFunction,
  eraseFunction,
  ingestFunction,
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
  const config = stages[stageName];
  const { stateless } = synthConfiguredStage(stageName);

  it('runs every function on ARM64 with the current Node LTS, ESM bundle handler and source maps', () => {
    for (const fn of ourFunctions(stateless)) {
      expect(fn.properties).toMatchObject({
        Runtime: `nodejs${lambdaNodeMajorVersion}.x`,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/HandlerLogs/) } },
      });
    }
  });

  it('gives every log group the stage retention', () => {
    const groups = Object.values(resourcesOfType(stateless, 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(6); // four functions, API access logs, rebuild state machine
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBe(config.logRetentionDays);
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

  it('wires every alarm to an existing SNS topic when the stage names one', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:example-account:sessionizer-alarms';
    const { stateless } = synthStage('dev', {
      ...stages.dev,
      alarms: { ...stages.dev.alarms, actionTopicArn: topicArn },
    });
    const alarms = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    }
  });

  it('leaves alarms without actions when the stage names no topic', () => {
    for (const alarm of Object.values(
      resourcesOfType(synthConfiguredStage('dev').stateless, 'AWS::CloudWatch::Alarm'),
    )) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
  });
});
