import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { lambdaNodeMajorVersion } from '../../lib/config/bundling.js';
import { type StageConfig, stages } from '../../lib/config/stages.js';
import { resourcesOfType, synthConfiguredStage, synthStage } from './synth.js';

type Resources = ReturnType<typeof resourcesOfType>;

function functionByDescription(
  template: Template,
  pattern: RegExp,
): { id: string; properties: Resources[string]['Properties'] } {
  const matches = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).filter(([, fn]) =>
    pattern.test(String(fn.Properties.Description ?? '')),
  );
  expect(matches).toHaveLength(1);
  const [id, fn] = matches[0] as [string, Resources[string]];
  return { id, properties: fn.Properties };
}

const ingestFunction = (template: Template) => functionByDescription(template, /^Sessionizes event files/);
const apiFunction = (template: Template) =>
  functionByDescription(template, /^Serves user and session lookups/);

describe.each(['dev', 'prod'] as const)('stateless stack (%s)', (stageName) => {
  const config = stages[stageName];
  const { stateless } = synthConfiguredStage(stageName);

  it('runs both functions on ARM64 with the current Node LTS, ESM bundle handler and source maps', () => {
    for (const fn of [ingestFunction(stateless), apiFunction(stateless)]) {
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
    expect(groups).toHaveLength(3); // ingest, api, API access logs
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBe(config.logRetentionDays);
    }
  });

  describe('ingest', () => {
    it('is triggered by object creation under incoming/ only', () => {
      const notifications = Object.values(resourcesOfType(stateless, 'Custom::S3BucketNotifications'));
      expect(notifications).toHaveLength(1);
      const configuration = notifications[0]?.Properties.NotificationConfiguration;
      expect(configuration).toEqual({
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [ingestFunction(stateless).id, 'Arn'] },
          },
        ],
      });
      expect(JSON.stringify(notifications)).not.toContain('rejected/');
      // Unmanaged: the bucket lives in the other stack; only this stack's notification is touched.
      expect(notifications[0]?.Properties.Managed).toBe(false);
    });

    it('gets the environment the handler contract names', () => {
      const variables = (
        ingestFunction(stateless).properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(Object.keys(variables).sort()).toEqual(
        [
          'BUCKET_NAME',
          'INCOMING_PREFIX',
          'NODE_OPTIONS',
          'POWERTOOLS_LOG_LEVEL',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_SERVICE_NAME',
          'REJECTED_PREFIX',
          'SESSION_GAP_MINUTES',
          'TABLE_NAME',
        ].sort(),
      );
      expect(variables).toMatchObject({
        INCOMING_PREFIX: 'incoming/',
        REJECTED_PREFIX: 'rejected/',
        SESSION_GAP_MINUTES: String(config.sessionGapMinutes),
        POWERTOOLS_METRICS_NAMESPACE: 'Sessionizer',
        POWERTOOLS_LOG_LEVEL: config.logLevel,
      });
    });

    it('sizes the function from the stage config', () => {
      expect(ingestFunction(stateless).properties).toMatchObject({
        MemorySize: config.ingest.memorySizeMb,
        Timeout: config.ingest.timeoutSeconds,
      });
      expect(ingestFunction(stateless).properties.ReservedConcurrentExecutions).toBe(
        config.ingest.reservedConcurrency,
      );
    });

    it('retries async invocations twice, then sends them to an encrypted, TLS-only SQS queue', () => {
      const queueId = Object.keys(resourcesOfType(stateless, 'AWS::SQS::Queue'))[0];
      stateless.resourceCountIs('AWS::SQS::Queue', 1);
      stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: ingestFunction(stateless).id },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('alarms on errors, throttles and DLQ depth with the stage thresholds', () => {
      const alarms = Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties,
      );
      const byMetric = (namespace: string, metricName: string) =>
        alarms.find((alarm) => alarm?.Namespace === namespace && alarm?.MetricName === metricName);
      expect(alarms).toHaveLength(3);
      expect(byMetric('AWS/Lambda', 'Errors')).toMatchObject({
        Threshold: config.alarms.ingestErrorsThreshold,
        EvaluationPeriods: config.alarms.evaluationPeriods,
        Period: config.alarms.periodMinutes * 60,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(byMetric('AWS/Lambda', 'Throttles')).toMatchObject({
        Threshold: config.alarms.ingestThrottlesThreshold,
      });
      expect(byMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toMatchObject({
        Threshold: config.alarms.dlqDepthThreshold,
      });
    });
  });

  describe('api', () => {
    it('serves the three GET routes through one payload 2.0 Lambda integration, all behind IAM auth', () => {
      const routes = Object.values(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route')).map(
        (route) => route.Properties,
      );
      expect(routes.map((route) => route?.RouteKey).sort()).toEqual([
        'GET /users/{userId}',
        'GET /users/{userId}/sessions',
        'GET /users/{userId}/sessions/{sessionId}',
      ]);
      for (const route of routes) {
        expect(route?.AuthorizationType).toBe('AWS_IAM');
      }
      stateless.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [apiFunction(stateless).id, 'Arn'] },
      });
    });

    it('throttles the default stage and writes access logs with the request id', () => {
      stateless.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: config.api.throttle.rateLimit,
          ThrottlingBurstLimit: config.api.throttle.burstLimit,
        },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
      });
    });

    it('gets the environment the handler contract names, with the cursor key as a dynamic reference', () => {
      const variables = (
        apiFunction(stateless).properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(Object.keys(variables).sort()).toEqual(
        [
          'CORS_ALLOWED_ORIGINS',
          'CURSOR_SIGNING_KEY',
          'NODE_OPTIONS',
          'POWERTOOLS_LOG_LEVEL',
          'POWERTOOLS_SERVICE_NAME',
          'SESSION_GAP_MINUTES',
          'TABLE_NAME',
        ].sort(),
      );
      expect(variables.CORS_ALLOWED_ORIGINS).toBe(config.api.corsAllowedOrigins.join(','));
      expect(variables.SESSION_GAP_MINUTES).toBe(String(config.sessionGapMinutes));
      const secretId = Object.keys(resourcesOfType(stateless, 'AWS::SecretsManager::Secret'))[0];
      expect(variables.CURSOR_SIGNING_KEY).toEqual({
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
      });
      stateless.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      });
    });

    it('outputs the API URL and id', () => {
      stateless.hasOutput('ApiUrl', {
        Value: { 'Fn::Join': ['', Match.arrayWith(['https://', '.execute-api.'])] },
      });
      stateless.hasOutput('ApiId', { Value: { Ref: Match.stringLikeRegexp('HttpApi') } });
    });
  });
});

describe('stateless stack per-stage differences', () => {
  it('uses the stage log level, throttling and retention', () => {
    const dev = synthConfiguredStage('dev').stateless;
    const prod = synthConfiguredStage('prod').stateless;
    expect(JSON.stringify(ingestFunction(dev).properties)).toContain('"POWERTOOLS_LOG_LEVEL":"DEBUG"');
    expect(JSON.stringify(ingestFunction(prod).properties)).toContain('"POWERTOOLS_LOG_LEVEL":"INFO"');
    dev.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20 },
    });
    prod.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 100 },
    });
    dev.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    prod.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('retains logs, queue and secret in prod and deletes them in dev', () => {
    const types = ['AWS::Logs::LogGroup', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret'];
    for (const [stageName, policy] of [
      ['prod', 'Retain'],
      ['dev', 'Delete'],
    ] as const) {
      const { stateless } = synthConfiguredStage(stageName);
      for (const type of types) {
        for (const resource of Object.values(stateless.findResources(type))) {
          expect(resource, `${stageName} ${type}`).toMatchObject({ DeletionPolicy: policy });
        }
      }
    }
  });

  it('only sets CORS on the API where the stage allows browser origins', () => {
    const corsOf = (template: Template) =>
      Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Api'))[0]?.Properties.CorsConfiguration;
    expect(corsOf(synthConfiguredStage('dev').stateless)).toMatchObject({
      AllowOrigins: stages.dev.api.corsAllowedOrigins,
      AllowMethods: ['GET'],
    });
    expect(corsOf(synthConfiguredStage('prod').stateless)).toBeUndefined();
  });

  it('leaves routes open only in the synth-only test stage, and applies reserved concurrency there', () => {
    const { stateless } = synthConfiguredStage('test');
    for (const route of Object.values(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route'))) {
      expect(route.Properties.AuthorizationType).toBe('NONE');
    }
    expect(ingestFunction(stateless).properties.ReservedConcurrentExecutions).toBe(
      stages.test.ingest.reservedConcurrency,
    );
  });

  it('puts a JWT authorizer on every route when the stage asks for JWT auth', () => {
    const jwtConfig: StageConfig = {
      ...stages.dev,
      api: {
        ...stages.dev.api,
        auth: { mode: 'jwt', issuer: 'https://issuer.example.com/', audience: ['sessionizer-api'] },
      },
    };
    const { stateless } = synthStage('dev', jwtConfig);
    const authorizerId = Object.keys(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Authorizer'))[0];
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com/', Audience: ['sessionizer-api'] },
    });
    const routes = Object.values(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route'));
    expect(routes).toHaveLength(3);
    for (const route of routes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  it('wires alarm actions to an existing SNS topic when the stage names one', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:example-account:sessionizer-alarms';
    const { stateless } = synthStage('dev', {
      ...stages.dev,
      alarms: { ...stages.dev.alarms, actionTopicArn: topicArn },
    });
    for (const alarm of Object.values(resourcesOfType(stateless, 'AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    }
  });
});
