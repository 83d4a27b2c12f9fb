import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type Alarm, type IMetric, MathExpression } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { API_GATEWAY_ROUTES, type ApiRouteName, REQUEST_FAILED_MESSAGE } from '../../contract/index.js';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_MAX_AGE_SECONDS } from '../config/api-cors.js';
import type { ApiAuthConfig } from '../config/stages.js';
import { type AlarmSettings, failedRequests, thresholdAlarm } from './alarms.js';
import { type FunctionSizing, NodeFunction, sizingOf } from './node-function.js';

export const API_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'] as const;
/** The cursor signing key, read by its value alone (functions/adapters/secrets). */
export const API_SECRET_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

type RouteTarget = 'lookup' | 'admin';

/** Which function serves each public route: a route added to contract/ does not compile until it has one. */
export const ROUTE_TARGETS = {
  getUser: 'lookup',
  listSessions: 'lookup',
  getSession: 'lookup',
  eraseUser: 'admin',
} as const satisfies Record<ApiRouteName, RouteTarget>;

export interface ApiProps extends FunctionSizing {
  readonly table: ITable;
  /** Serves the admin routes (user erasure). */
  readonly adminFunction: IFunction;
  /** The erasures the admin function failed, which its own alarm watches (Erasure.failures). */
  readonly adminFailures: IMetric;
  readonly auth: ApiAuthConfig;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly corsAllowedOrigins: readonly string[];
  readonly logLevel: string;
  /** The stage's namespace, where the lookups the function answered with a 500 are counted. */
  readonly metricsNamespace: string;
  /** Lookups failing, or 5xx answers no function counted, reaching this many in a period: each its alarm. */
  readonly alarms: AlarmSettings & { readonly errorsThreshold: number };
}

function authorizerFor(auth: ApiAuthConfig): IHttpRouteAuthorizer | undefined {
  switch (auth.mode) {
    case 'iam':
      return new HttpIamAuthorizer();
    case 'jwt':
      return new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, { jwtAudience: [...auth.audience] });
    case 'none':
      return undefined;
  }
}

function targetOf(gatewayRoute: (typeof API_GATEWAY_ROUTES)[number]): RouteTarget {
  const targets = new Set<RouteTarget>(gatewayRoute.routes.map((name) => ROUTE_TARGETS[name]));
  const [target] = targets;
  if (target === undefined || targets.size > 1) {
    throw new Error(
      `API_GATEWAY_ROUTES in contract/index.ts: ${gatewayRoute.method} ${gatewayRoute.path} must group routes of exactly one function, not ${[...targets].join(' and ') || 'none'}`,
    );
  }
  return target;
}

/**
 * HTTP API (payload 2.0) → lookup Lambda (read-only) → sessions table, plus the admin route → erase Lambda.
 *
 * Routes are greedy (contract/ API_GATEWAY_ROUTES): API Gateway hands the function an already-decoded
 * path, so a user id holding `/`, `?` or `%` cannot be matched by `{userId}`; the router parses the path.
 *
 * Authorization is the stage's (IAM or JWT) for the lookups, and always IAM for the admin route. Readers
 * need `execute-api:Invoke` on `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/GET/users/*`;
 * erasing needs it on `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/DELETE/admin/users/*`
 * (`<stage>` is `*` or `$default`), granted separately so that no reader policy can erase.
 */
export class Api extends Construct {
  readonly handler: NodeFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly cursorSigningKey: Secret;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.cursorSigningKey = new Secret(this, 'CursorSigningKey', {
      description: 'HMAC key that signs pagination cursors of the Sessionizer API',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.cursorSigningKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Only signs short-lived pagination cursors; rotating it merely invalidates open cursors, so a rotation Lambda is not worth its cost. Rotate by putting a new value (aws secretsmanager put-secret-value); new function instances read it.',
    });

    this.handler = new NodeFunction(this, 'Handler', {
      handler: 'api',
      description: 'Serves user and session lookups for the Sessionizer HTTP API',
      ...sizingOf(props),
      environment: {
        TABLE_NAME: props.table.tableName,
        // The secret's ARN, not its value: the function reads the key at its first request, so the key
        // stays out of the function's configuration, which lambda:GetFunctionConfiguration shows.
        CURSOR_SIGNING_KEY_SECRET_ARN: this.cursorSigningKey.secretArn,
        CORS_ALLOWED_ORIGINS: props.corsAllowedOrigins.join(','),
        // HTTP APIs hand the function an already-decoded path; decoding it again would corrupt ids with `%`.
        API_PATHS_DECODED: 'true',
        POWERTOOLS_SERVICE_NAME: 'sessionizer-api',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
    });
    props.table.grant(this.handler.role, ...API_TABLE_ACTIONS);
    // grantRead would add secretsmanager:DescribeSecret, which the function never calls.
    this.handler.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...API_SECRET_ACTIONS], resources: [this.cursorSigningKey.secretArn] }),
    );

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      // Tells the stages' APIs apart in the console (CDK would name each of them `HttpApi`).
      apiName: `${Stack.of(this).stackName}-api`,
      description: 'Sessionizer lookup API and its admin route',
      // The default stage HttpApi creates cannot take throttling or access logs; we create our own below.
      createDefaultStage: false,
      defaultAuthorizer: authorizerFor(props.auth),
      corsPreflight:
        props.corsAllowedOrigins.length > 0
          ? {
              allowOrigins: [...props.corsAllowedOrigins],
              allowMethods: CORS_ALLOWED_METHODS.map((method) => CorsHttpMethod[method]),
              allowHeaders: [...CORS_ALLOWED_HEADERS],
              maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
            }
          : undefined,
    });

    const integrations: Record<RouteTarget, HttpLambdaIntegration> = {
      lookup: new HttpLambdaIntegration('LookupIntegration', this.handler.function, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
      admin: new HttpLambdaIntegration('AdminIntegration', props.adminFunction, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
    };
    // Erasure is granted to operators only: a JWT any reader holds (or no auth in a test stage) must not do.
    const adminAuthorizer = new HttpIamAuthorizer();
    for (const gatewayRoute of API_GATEWAY_ROUTES) {
      const target = targetOf(gatewayRoute);
      this.httpApi.addRoutes({
        path: gatewayRoute.path,
        methods: [HttpMethod[gatewayRoute.method]],
        integration: integrations[target],
        authorizer: target === 'admin' ? adminAuthorizer : undefined,
      });
    }
    if (props.auth.mode === 'none') {
      Validations.of(this.httpApi).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          "Auth mode 'none' is only accepted for synth-only test stages; the stage schema rejects it for deployed ones.",
      });
    }

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      // $default serves the API at the root of its URL (no /stage prefix in paths).
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            caller: '$context.identity.userArn',
            // The route, not the path: paths hold user ids, which an erasure must not leave behind in a log.
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const { alarms } = props;
    const lookupFailures = failedRequests(this, 'FailedLookups', {
      function: this.handler.function,
      logGroup: this.handler.logGroup,
      failureMessage: REQUEST_FAILED_MESSAGE,
      namespace: props.metricsNamespace,
      metricName: 'LookupsFailed',
      period: alarms.period,
    });
    this.alarms = [
      thresholdAlarm(
        this,
        'ErrorsAlarm',
        {
          metric: lookupFailures,
          threshold: alarms.errorsThreshold,
          description:
            "The lookup function fails (callers get 500s): see its logs; a throttled or unreachable table is the usual cause. Its 500s raise this alarm only, not the API's 5xx one.",
        },
        alarms,
      ),
      thresholdAlarm(
        this,
        'ServerErrorsAlarm',
        {
          // Every failure a function answered or failed on is its own alarm's, and also an API 5xx: counted
          // once, here it is taken away, so that one incident raises one alarm. A period where the functions
          // failed more requests than the API counted goes below 0, which breaches nothing.
          metric: new MathExpression({
            expression: 'FILL(gateway, 0) - FILL(lookups, 0) - FILL(erasures, 0)',
            usingMetrics: {
              gateway: this.httpApi.metricServerError({ period: alarms.period, statistic: 'Sum' }),
              lookups: lookupFailures,
              erasures: props.adminFailures,
            },
            period: alarms.period,
            label: '5xx no function alarm counts',
          }),
          threshold: alarms.errorsThreshold,
          description:
            'The HTTP API answers 5xx that neither function counts as failed (those raise the lookup or erasure alarm instead): a function throttled (account concurrency), a call that outlasts the API’s 30 s integration timeout, or a function the API may not invoke. See the access logs (status, integrationError) for the route.',
        },
        alarms,
      ),
    ];
  }

  get url(): string {
    return this.stage.url;
  }
}
