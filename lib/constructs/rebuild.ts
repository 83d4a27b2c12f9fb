import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  JitterType,
  LogLevel,
  Map as MapState,
  ProvideItems,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { RebuildRequest } from '../../contract/index.js';
import { MAX_RECUT_PASSES } from '../../functions/rebuild/rebuild-table.js';
import type { SessionRules } from '../../functions/shared/session-rules-schema.js';
import { type AlarmSettings, thresholdAlarm } from './alarms.js';
import { INGEST_TABLE_ACTIONS, memberLimitVariable } from './ingest.js';
import { type FunctionSizing, NodeFunction, sizingOf } from './node-function.js';

/** The rebuild rewrites every user's sessions as the ingest does, reading them with a parallel Scan. */
export const REBUILD_TABLE_ACTIONS = [...INGEST_TABLE_ACTIONS, 'dynamodb:Scan'] as const;

export interface RebuildProps extends FunctionSizing {
  readonly table: ITable;
  /** The exports: copies of one event tied at one instant are read again there (rule 3). */
  readonly bucket: IBucket;
  /** Read access to the source prefixes (Storage.exportReadAccess). */
  readonly objectAccess: IManagedPolicy;
  readonly sessionRules: SessionRules;
  /**
   * The ingest function's timeout: how long an ingest of the old rules may still write after its last check of
   * the rules record, which the finish waits out before it counts.
   */
  readonly ingestTimeout: Duration;
  /** The ingest's member limit (Ingest.maxMemberBytes): copies are read again as the ingest first read them. */
  readonly maxMemberBytes: number | undefined;
  /** Parallel scan segments; all run at once (inline Map: at most 40). */
  readonly totalSegments: number;
  readonly logLevel: string;
  readonly alarms: AlarmSettings;
}

type SegmentRequest = Extract<RebuildRequest, { action: 'segment' }>;
type JsonataExpression = `{% ${string} %}`;
/** A request as the state machine writes it: each field a literal, or a JSONata expression that yields it. */
type RebuildPayload<Request = RebuildRequest> = Request extends unknown
  ? { [Field in keyof Request]: Request[Field] | JsonataExpression }
  : never;

/**
 * Recomputes every stored session under the stage's current session rules, after they change:
 * `Begin` → one `Scan segment` loop per parallel scan segment, all at once → `Finish`, which waits (`Wait for
 * old ingests`, then `Finish` again) while ingests of the old rules may still write, is called again with
 * where its count stopped while the count outlasts a call, and with the users it found left under them, which
 * that call cuts again before it counts (at most MAX_RECUT_PASSES times, then `Users left`). Start an execution (no input needed) after deploying new rules; the rebuild
 * function serves all three steps.
 *
 * The inline Map's iterations share the execution's history (25,000 events, about 7 per loop turn), so a
 * `segment` call should work through pages until its time is nearly up rather than return after one page.
 */
export class Rebuild extends Construct {
  readonly handler: NodeFunction;
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: RebuildProps) {
    super(scope, id);
    const { totalSegments } = props;

    this.handler = new NodeFunction(this, 'Handler', {
      handler: 'rebuild',
      description: 'Rebuilds the stored sessions under the current session rules, one scan segment at a time',
      ...sizingOf(props),
      environment: {
        TABLE_NAME: props.table.tableName,
        BUCKET_NAME: props.bucket.bucketName,
        SESSION_RULES: JSON.stringify(props.sessionRules),
        INGEST_TIMEOUT_SECONDS: String(props.ingestTimeout.toSeconds()),
        ...memberLimitVariable(props.maxMemberBytes),
        POWERTOOLS_SERVICE_NAME: 'sessionizer-rebuild',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
    });
    props.table.grant(this.handler.role, ...REBUILD_TABLE_ACTIONS);
    this.handler.role.addManagedPolicy(props.objectAccess);

    const invoke = (stateId: string, payload: RebuildPayload | JsonataExpression) => {
      const task = LambdaInvoke.jsonata(this, stateId, {
        lambdaFunction: this.handler.function,
        payload: typeof payload === 'string' ? TaskInput.fromText(payload) : TaskInput.fromObject(payload),
        outputs: '{% $states.result.Payload %}',
        // Also retries the Lambda service errors (ServiceException, AWSLambdaException, SdkClientException).
        retryOnServiceExceptions: true,
      });
      // All segments start at once and may meet the account's concurrency limit: wait, do not fail.
      task.addRetry({
        errors: ['Lambda.TooManyRequestsException'],
        interval: Duration.seconds(5),
        maxAttempts: 8,
        backoffRate: 2,
        jitterStrategy: JitterType.FULL,
      });
      return task;
    };

    const begin = invoke('Begin', { action: 'begin', totalSegments });
    const scanSegment = invoke('Scan segment', {
      action: 'segment',
      segment: '{% $states.input.segment %}',
      totalSegments: '{% $states.input.totalSegments %}',
      cursor: '{% $states.input.cursor %}',
    });
    const segmentLoop = scanSegment.next(
      Choice.jsonata(this, 'Segment done?')
        .when(Condition.jsonata('{% $states.input.done = true %}'), new Succeed(this, 'Segment rebuilt'))
        .otherwise(scanSegment),
    );
    const segments = MapState.jsonata(this, 'Segments', {
      items: ProvideItems.jsonArray(Array.from({ length: totalSegments }, (_, segment) => segment)),
      itemSelector: {
        segment: '{% $states.context.Map.Item.Value %}',
        totalSegments,
        // A literal null would be dropped from the definition; the JSONata literal survives.
        cursor: '{% null %}',
      } satisfies Omit<RebuildPayload<SegmentRequest>, 'action'>,
      maxConcurrency: totalSegments,
    }).itemProcessor(segmentLoop);
    // Called again, Finish is sent the request its answer names whole (`next`: the pass, and the users left to
    // cut again or where its count goes on), so they are handed on as they are; after the segments, their
    // answers name none.
    const finish = invoke(
      'Finish',
      '{% $exists($states.input.next) ? $states.input.next : {"action": "finish"} %}',
    );
    // Until ingests of the old rules can no longer write, Finish answers how long to wait, then is called again.
    const waitForIngests = new Wait(this, 'Wait for old ingests', {
      time: WaitTime.seconds('{% $states.input.waitSeconds %}'),
      queryLanguage: QueryLanguage.JSONATA,
    }).next(finish);
    // Users an ingest of the old rules created during the drain: the next Finish cuts them again, then counts.
    // The function refuses past MAX_RECUT_PASSES itself; the bound here keeps a function that answered users
    // left every time from scanning the table without end.
    const usersLeft = new Fail(this, 'Users left', {
      error: 'UsersLeftError',
      cause: `Users were still cut under the old rules after ${MAX_RECUT_PASSES} passes of Finish: stop any ingest of the old rules, then start the rebuild again (it resumes)`,
    });
    finish.next(
      Choice.jsonata(this, 'Finished?')
        .when(Condition.jsonata('{% $exists($states.input.waitSeconds) %}'), waitForIngests)
        // Its time ended mid-count: `next` says where each segment of the count's scan goes on.
        .when(Condition.jsonata('{% $states.input.counting = true %}'), finish)
        .when(
          Condition.jsonata(
            `{% $exists($states.input.usersLeft) and $states.input.pass <= ${MAX_RECUT_PASSES} %}`,
          ),
          finish,
        )
        .when(Condition.jsonata('{% $exists($states.input.usersLeft) %}'), usersLeft)
        .otherwise(new Succeed(this, 'Rebuilt')),
    );

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: 'Rebuilds the stored sessions under the current session rules',
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSONATA,
      definitionBody: DefinitionBody.fromChainable(
        begin.next(
          // Started again after it finished (or with rules the table already has, or on a table nothing was
          // ingested into): nothing to do, no failure.
          Choice.jsonata(this, 'Rules already current?')
            .when(
              Condition.jsonata('{% $states.input.current = true %}'),
              new Succeed(this, 'Nothing to rebuild'),
            )
            .otherwise(segments.next(finish)),
        ),
      ),
      // Execution data stays out of the logs: segment progress is visible in the execution history.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.alarm = thresholdAlarm(
      this,
      'FailedAlarm',
      {
        metric: this.stateMachine.metricFailed({ period: props.alarms.period, statistic: 'Sum' }),
        threshold: 1,
        description:
          'A rebuild failed: the table may hold sessions under old and new rules. See the execution history, then start a new execution.',
      },
      props.alarms,
    );
    Validations.of(this.stateMachine.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.handler.function.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason:
          'Step Functions grants invoking the rebuild function and its versions/aliases (ARN:*); it is still this one function.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray trace writes and CloudWatch Logs delivery management have no resource-level permissions; Step Functions requires them on *.',
      },
    );
  }
}
