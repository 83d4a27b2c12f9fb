import { describe, expect, it } from 'vitest';
import { MAX_RECUT_PASSES } from '../../functions/rebuild/rebuild-table.js';
import { stageConfig } from '../../lib/config/stages.js';
import {
  environmentOf,
  ingestFunction,
  onlyResource,
  rebuildFunction,
  synthConfiguredStage,
} from './synth.js';

const FUNCTION_ARN = '<rebuild function ARN>';

// biome-ignore lint/suspicious/noExplicitAny: an ASL document is walked by key
type Json = any;

/** The state machine's ASL with the rebuild function's ARN (a CloudFormation token) replaced by a marker. */
function definitionOf(properties: Record<string, unknown>, functionId: string): Json {
  const [separator, parts] = (properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if (JSON.stringify(part) === JSON.stringify({ 'Fn::GetAtt': [functionId, 'Arn'] })) return FUNCTION_ARN;
      if (JSON.stringify(part) === JSON.stringify({ Ref: 'AWS::Partition' })) return 'aws';
      throw new Error(`unexpected token in the definition: ${JSON.stringify(part)}`);
    })
    .join(separator);
  return JSON.parse(text);
}

const lambdaServiceErrors = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
];

describe.each(['dev', 'prod', 'test'] as const)('rebuild (%s)', (stageName) => {
  const config = stageConfig(stageName);
  const segments = config.rebuild.totalSegments;
  const { stateless } = synthConfiguredStage(stageName);
  const fn = rebuildFunction(stateless);
  const stateMachine = onlyResource(stateless, 'AWS::StepFunctions::StateMachine');
  const definition = definitionOf(stateMachine.properties, fn.id);
  const states = definition.States;
  const loop = states.Segments?.ItemProcessor;

  const expectLambdaTask = (state: Json, payload: Json) => {
    expect(state).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: FUNCTION_ARN, Payload: payload },
      Output: '{% $states.result.Payload %}',
    });
    expect(state.Retry).toEqual([
      { ErrorEquals: lambdaServiceErrors, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
      {
        ErrorEquals: ['Lambda.TooManyRequestsException'],
        IntervalSeconds: 5,
        MaxAttempts: 8,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      },
    ]);
  };

  it('is a Standard state machine in JSONata, logging every event and traced with X-Ray', () => {
    expect(stateMachine.properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [expect.stringMatching(/^RebuildLogs/), 'Arn'] },
            },
          },
        ],
      },
      TracingConfiguration: { Enabled: true },
    });
    expect(definition.QueryLanguage).toBe('JSONata');
  });

  it('runs Begin, then the segments, then Finish', () => {
    expect(definition.StartAt).toBe('Begin');
    expect(Object.keys(states).sort()).toEqual([
      'Begin',
      'Finish',
      'Finished?',
      'Nothing to rebuild',
      'Rebuilt',
      'Rules already current?',
      'Segments',
      'Users left',
      'Wait for old ingests',
    ]);
    expectLambdaTask(states.Begin, { action: 'begin', totalSegments: segments });
    expect(states.Begin.Next).toBe('Rules already current?');
    expect(states['Rules already current?']).toEqual({
      Type: 'Choice',
      Choices: [{ Condition: '{% $states.input.current = true %}', Next: 'Nothing to rebuild' }],
      Default: 'Segments',
    });
    expect(states.Segments.Next).toBe('Finish');
    // Called again, Finish is sent what its answer named whole; after the segments, a plain finish.
    expectLambdaTask(
      states.Finish,
      '{% $exists($states.input.next) ? $states.input.next : {"action": "finish"} %}',
    );
    expect(states.Finish.Next).toBe('Finished?');
  });

  it('waits as long as Finish answers while old-rules ingests may write, then calls Finish again', () => {
    expect(states['Finished?'].Choices[0]).toEqual({
      Condition: '{% $exists($states.input.waitSeconds) %}',
      Next: 'Wait for old ingests',
    });
    expect(states['Finished?'].Default).toBe('Rebuilt');
    expect(states['Wait for old ingests']).toEqual({
      Type: 'Wait',
      Seconds: '{% $states.input.waitSeconds %}',
      Next: 'Finish',
    });
    expect(states.Rebuilt).toEqual({ Type: 'Succeed' });
  });

  it('calls Finish again with where its count stopped while the count outlasts a call', () => {
    expect(states['Finished?'].Choices[1]).toEqual({
      Condition: '{% $states.input.counting = true %}',
      Next: 'Finish',
    });
  });

  it(`calls Finish again with the users it found left, at most ${MAX_RECUT_PASSES} passes, then fails`, () => {
    // Finish answers the users it found left with its pass, one more than it was sent, and the request to send
    // next (the users to cut again); the loop stops at the bound even if the function never refused.
    expect(states['Finished?']).toEqual({
      Type: 'Choice',
      Choices: [
        { Condition: '{% $exists($states.input.waitSeconds) %}', Next: 'Wait for old ingests' },
        { Condition: '{% $states.input.counting = true %}', Next: 'Finish' },
        {
          Condition: `{% $exists($states.input.usersLeft) and $states.input.pass <= ${MAX_RECUT_PASSES} %}`,
          Next: 'Finish',
        },
        { Condition: '{% $exists($states.input.usersLeft) %}', Next: 'Users left' },
      ],
      Default: 'Rebuilt',
    });
    expect(states['Users left']).toEqual({
      Type: 'Fail',
      Error: 'UsersLeftError',
      Cause: expect.stringMatching(/after 3 passes of Finish.*start the rebuild again/),
    });
  });

  it('ends at once, successfully, when Begin finds the table already at the rules (no scan, no failed alarm)', () => {
    expect(states['Nothing to rebuild']).toEqual({ Type: 'Succeed' });
  });

  it(`maps over segments 0 to N-1, all at once, each starting with no cursor`, () => {
    expect(states.Segments).toMatchObject({
      Type: 'Map',
      Items: Array.from({ length: segments }, (_, segment) => segment),
      MaxConcurrency: segments,
      ItemSelector: {
        segment: '{% $states.context.Map.Item.Value %}',
        totalSegments: segments,
        cursor: '{% null %}',
      },
    });
    expect(loop.ProcessorConfig).toEqual({ Mode: 'INLINE' });
  });

  it('calls the function for a segment again with its cursor until it answers done', () => {
    expect(loop.StartAt).toBe('Scan segment');
    expect(Object.keys(loop.States).sort()).toEqual(['Scan segment', 'Segment done?', 'Segment rebuilt']);
    expectLambdaTask(loop.States['Scan segment'], {
      action: 'segment',
      segment: '{% $states.input.segment %}',
      totalSegments: '{% $states.input.totalSegments %}',
      cursor: '{% $states.input.cursor %}',
    });
    expect(loop.States['Scan segment'].Next).toBe('Segment done?');
    expect(loop.States['Segment done?']).toEqual({
      Type: 'Choice',
      QueryLanguage: 'JSONata',
      Choices: [{ Condition: '{% $states.input.done = true %}', Next: 'Segment rebuilt' }],
      Default: 'Scan segment',
    });
    expect(loop.States['Segment rebuilt']).toEqual({ Type: 'Succeed' });
  });

  it("gives the rebuild function the table, the exports bucket, the stage rules, the ingest's timeout and member limit, and its size", () => {
    const variables = environmentOf(fn);
    const memberLimit = config.ingest.maxMemberMegabytes;
    expect(Object.keys(variables).sort()).toEqual([
      'BUCKET_NAME',
      'INGEST_TIMEOUT_SECONDS',
      ...(memberLimit === undefined ? [] : ['MAX_MEMBER_BYTES']),
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'SESSION_RULES',
      'TABLE_NAME',
    ]);
    // Copies are read again under the limit the ingest first read them under: the ingest's own variable.
    expect(variables.MAX_MEMBER_BYTES).toBe(environmentOf(ingestFunction(stateless)).MAX_MEMBER_BYTES);
    if (memberLimit !== undefined) expect(variables.MAX_MEMBER_BYTES).toBe(String(memberLimit * 1024 * 1024));
    // How long an ingest invocation of the old rules may run: the ingest function's own timeout.
    expect(variables.INGEST_TIMEOUT_SECONDS).toBe(String(ingestFunction(stateless).properties.Timeout));
    expect(variables.INGEST_TIMEOUT_SECONDS).toBe(String(config.ingest.timeoutSeconds));
    expect(JSON.parse(String(variables.SESSION_RULES))).toEqual(config.sessionRules);
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe('sessionizer-rebuild');
    // The bucket the ingest reads.
    expect(variables.BUCKET_NAME).toEqual(environmentOf(ingestFunction(stateless)).BUCKET_NAME);
    expect(fn.properties).toMatchObject({
      MemorySize: config.rebuild.memorySizeMb,
      Timeout: config.rebuild.timeoutSeconds,
    });
  });

  it('outputs the state machine ARN', () => {
    stateless.hasOutput('RebuildStateMachineArn', { Value: { Ref: stateMachine.id } });
  });
});
