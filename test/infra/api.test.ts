import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type StageConfig, stageConfig } from '../../lib/config/stages.js';
import {
  apiFunction,
  environmentOf,
  eraseFunction,
  resourcesOfType,
  synthConfiguredStage,
  synthStage,
} from './synth.js';

const LOOKUP_ROUTE = 'GET /users/{proxy+}';
const ADMIN_ROUTE = 'DELETE /admin/users/{proxy+}';

/** Each route key with its authorization type and the logical id of the function its integration calls. */
function routesOf(template: Template): Record<string, { authorization: unknown; functionId: string }> {
  const integrations = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration');
  return Object.fromEntries(
    Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route')).map((route) => {
      const target = route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integrationId = target['Fn::Join'][1][1].Ref;
      const uri = integrations[integrationId]?.Properties.IntegrationUri as {
        'Fn::GetAtt': [string, string];
      };
      return [
        route.Properties.RouteKey as string,
        { authorization: route.Properties.AuthorizationType, functionId: uri['Fn::GetAtt'][0] },
      ];
    }),
  );
}

describe.each(['dev', 'prod'] as const)('api (%s)', (stageName) => {
  const config = stageConfig(stageName);
  const { stateless } = synthConfiguredStage(stageName);

  it('serves lookups through one greedy GET route and erasure through the admin DELETE route, all behind IAM', () => {
    expect(routesOf(stateless)).toEqual({
      [LOOKUP_ROUTE]: { authorization: 'AWS_IAM', functionId: apiFunction(stateless).id },
      [ADMIN_ROUTE]: { authorization: 'AWS_IAM', functionId: eraseFunction(stateless).id },
    });
    for (const integration of Object.values(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Integration'))) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('names the API after its stage', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: `Sessionizer-${stageName}-Stateless-api`,
    });
  });

  it('lets API Gateway invoke the erase function only for the admin path', () => {
    const permissions = Object.values(resourcesOfType(stateless, 'AWS::Lambda::Permission')).filter(
      (permission) =>
        JSON.stringify(permission.Properties.FunctionName) ===
        JSON.stringify({ 'Fn::GetAtt': [eraseFunction(stateless).id, 'Arn'] }),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties.Principal).toBe('apigateway.amazonaws.com');
    expect(JSON.stringify(permissions[0]?.Properties.SourceArn)).toMatch(
      /"\/\*\/\*\/admin\/users\/\{proxy\+\}"/,
    );
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

  it('names the route in the access logs, never the path (it holds the user id an erasure removes)', () => {
    const [stage] = Object.values(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Stage'));
    const settings = stage?.Properties.AccessLogSettings as { Format: string };
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format.routeKey).toBe('$context.routeKey');
    expect(
      Object.values(format).filter((value) => /\$context\.(path|resourcePath)|\$request\./.test(value)),
    ).toEqual([]);
  });

  it('gives the lookup function its environment, with the cursor key’s secret by ARN and no session rules', () => {
    const variables = environmentOf(apiFunction(stateless));
    expect(Object.keys(variables).sort()).toEqual([
      'API_PATHS_DECODED',
      'CORS_ALLOWED_ORIGINS',
      'CURSOR_SIGNING_KEY_SECRET_ARN',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
    ]);
    expect(variables.CORS_ALLOWED_ORIGINS).toBe(config.api.corsAllowedOrigins.join(','));
    // API Gateway HTTP API hands the function decoded paths: ids with `/`, `?`, `%` route by it.
    expect(variables.API_PATHS_DECODED).toBe('true');
    const secretId = Object.keys(resourcesOfType(stateless, 'AWS::SecretsManager::Secret'))[0];
    // The ARN only: the key itself never reaches the function's configuration, not even as a reference.
    expect(variables.CURSOR_SIGNING_KEY_SECRET_ARN).toEqual({ Ref: secretId });
    expect(JSON.stringify(variables)).not.toContain('resolve:secretsmanager');
    stateless.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  it('gives the erase function the table and its own size from the stage', () => {
    const fn = eraseFunction(stateless);
    expect(Object.keys(environmentOf(fn)).sort()).toEqual([
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
    ]);
    expect(environmentOf(fn).POWERTOOLS_SERVICE_NAME).toBe('sessionizer-admin');
    expect(fn.properties).toMatchObject({
      MemorySize: config.erase.memorySizeMb,
      Timeout: config.erase.timeoutSeconds,
    });
  });

  it('outputs the API URL and id and the erase function name', () => {
    stateless.hasOutput('ApiUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['https://', '.execute-api.'])] },
    });
    stateless.hasOutput('ApiId', { Value: { Ref: Match.stringLikeRegexp('HttpApi') } });
    stateless.hasOutput('EraseFunctionName', { Value: { Ref: eraseFunction(stateless).id } });
  });
});

describe('api authorization per stage', () => {
  it('leaves the lookups open in the synth-only test stage, but never the admin route', () => {
    const routes = routesOf(synthConfiguredStage('test').stateless);
    expect(routes[LOOKUP_ROUTE]?.authorization).toBe('NONE');
    expect(routes[ADMIN_ROUTE]?.authorization).toBe('AWS_IAM');
  });

  it('puts a JWT authorizer on the lookups when the stage asks for JWT auth, and keeps IAM on the admin route', () => {
    const jwtConfig: StageConfig = {
      ...stageConfig('dev'),
      api: {
        ...stageConfig('dev').api,
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
    const routes = Object.values(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties,
    );
    expect(routes.find((route) => route.RouteKey === LOOKUP_ROUTE)).toMatchObject({
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: authorizerId },
    });
    const admin = routes.find((route) => route.RouteKey === ADMIN_ROUTE);
    expect(admin?.AuthorizationType).toBe('AWS_IAM');
    expect(admin?.AuthorizerId).toBeUndefined();
  });

  it('only sets CORS (GET only) where the stage allows browser origins', () => {
    const corsOf = (template: Template) =>
      Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Api'))[0]?.Properties.CorsConfiguration;
    expect(corsOf(synthConfiguredStage('dev').stateless)).toMatchObject({
      AllowOrigins: stageConfig('dev').api.corsAllowedOrigins,
      AllowMethods: ['GET'],
      // What the local stand-in answers a preflight with too (test/unit/local/cors-preflight.test.ts).
      AllowHeaders: [
        'authorization',
        'content-type',
        'x-amz-date',
        'x-amz-security-token',
        'x-amz-content-sha256',
      ],
      MaxAge: 3600,
    });
    expect(corsOf(synthConfiguredStage('prod').stateless)).toBeUndefined();
  });
});
