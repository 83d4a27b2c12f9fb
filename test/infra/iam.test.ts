import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../lib/config/stages.js';
import { API_SECRET_ACTIONS, API_TABLE_ACTIONS } from '../../lib/constructs/api.js';
import { ERASE_TABLE_ACTIONS } from '../../lib/constructs/erasure.js';
import { INGEST_QUEUE_ACTIONS, INGEST_TABLE_ACTIONS } from '../../lib/constructs/ingest.js';
import { REBUILD_TABLE_ACTIONS } from '../../lib/constructs/rebuild.js';
import {
  asArray,
  iamStatements,
  onlyResource,
  type PolicyStatementJson,
  resourcesOfType,
  roleIdOfHandler,
  statementsOfRole,
  synthConfiguredStage,
} from './synth.js';

const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:TransactWriteItems',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

const logWrites = ['logs:CreateLogStream', 'logs:PutLogEvents'];
// GetObject with a version, HeadObject (GetObject) and a missing key's 404 (ListBucket); the ingest also puts,
// aborts and deletes its rejection reports (lib-storage's multipart uploads take PutObject).
const exportReadActions = ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'];
const ingestObjectActions = [
  ...exportReadActions,
  's3:PutObject',
  's3:AbortMultipartUpload',
  's3:DeleteObject',
];

const actionsOf = (statements: PolicyStatementJson[]) =>
  statements.flatMap((statement) => asArray(statement.Action));
const sorted = (values: readonly string[]) => [...values].sort();
const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
/** A one-value list as CloudFormation renders it: the value itself. */
const asArrayOrOne = <T>(values: T[]) => (values.length === 1 ? values[0] : values);

describe('table action lists', () => {
  it('match what each function is meant to do', () => {
    const readAndMerge = [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    expect(sorted(INGEST_TABLE_ACTIONS)).toEqual(sorted(readAndMerge));
    expect(sorted(REBUILD_TABLE_ACTIONS)).toEqual(sorted([...readAndMerge, 'dynamodb:Scan']));
    expect(sorted(ERASE_TABLE_ACTIONS)).toEqual(
      sorted([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        // Erasing deletes in batches (BatchWriteItem): no single DeleteItem, no transaction condition checks.
        'dynamodb:BatchWriteItem',
        'dynamodb:UpdateItem',
      ]),
    );
    expect(sorted(API_TABLE_ACTIONS)).toEqual(
      sorted(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']),
    );
  });
});

describe.each(['dev', 'prod', 'test'] as const)('IAM (%s)', (stageName) => {
  it('never grants a wildcard action, in any policy of either stack', () => {
    const { stateful, stateless } = synthConfiguredStage(stageName);
    const all = [...iamStatements(stateful), ...iamStatements(stateless)];
    expect(all.length).toBeGreaterThan(0);
    for (const { owner, statement } of all) {
      for (const action of asArray(statement.Action)) {
        expect(action, `${owner} grants ${action}`).not.toContain('*');
      }
    }
  });
});

describe.each(['dev', 'prod', 'test'] as const)('least privilege (%s)', (stageName) => {
  const config = stageConfig(stageName);
  const { stateful, stateless, stacks } = synthConfiguredStage(stageName);
  const bucketId = stacks.stateful.getLogicalId(stacks.stateful.bucket.node.defaultChild as CfnElement);
  const objectsUnder = (prefix: string) => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]],
  });
  const tableStatementsOf = (roleId: string) =>
    statementsOfRole(stateless, roleId).filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('dynamodb:')),
    );
  const expectTableAccess = (handler: string, actions: readonly string[]) => {
    const statements = tableStatementsOf(roleIdOfHandler(stateless, handler));
    expect(statements).toHaveLength(1);
    expect(sorted(actionsOf(statements))).toEqual(sorted(actions));
    expect(JSON.stringify(statements[0]?.Resource)).toMatch(/SessionsTable.*Arn/);
  };
  const servicesOf = (handler: string) =>
    new Set(
      actionsOf(statementsOfRole(stateless, roleIdOfHandler(stateless, handler))).map((a) => a.split(':')[0]),
    );

  const managedPolicy = (prefix: string) => {
    const entries = Object.entries(resourcesOfType(stateful, 'AWS::IAM::ManagedPolicy')).filter(([id]) =>
      id.startsWith(prefix),
    );
    expect(entries).toHaveLength(1);
    const [id, resource] = entries[0] as [string, { Properties: Record<string, unknown> }];
    return {
      id,
      statements: (resource.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    };
  };
  /** Reading objects (and versions) under exactly the source prefixes, and listing the bucket (for 404s). */
  const expectExportReads = (
    read: PolicyStatementJson | undefined,
    list: PolicyStatementJson | undefined,
  ) => {
    expect(read).toMatchObject({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'] });
    expect(asArray(read?.Resource).sort(byJson)).toEqual(
      config.sources.map((source) => objectsUnder(source.prefix)).sort(byJson),
    );
    // S3 tells a missing key (404) from a forbidden one only to a caller that may list it: with the key as
    // s3:prefix, so listing under the source prefixes, the only keys read, is enough.
    expect(list).toEqual({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Condition: {
        StringLike: { 's3:prefix': asArrayOrOne(config.sources.map((source) => `${source.prefix}*`)) },
      },
    });
  };
  /** The role of `handler` has the managed policy `id` attached, and no other object access. */
  const expectOnlyManagedObjectAccess = (handler: string, id: string) => {
    const roleId = roleIdOfHandler(stateless, handler);
    const role = resourcesOfType(stateless, 'AWS::IAM::Role')[roleId];
    expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).toContain(id);
    expect(actionsOf(statementsOfRole(stateless, roleId)).filter((a) => a.startsWith('s3:'))).toEqual([]);
  };

  it('lets ingest read objects (and versions) under exactly the source prefixes, list the bucket (for 404s) and write only rejected/', () => {
    const policy = managedPolicy('StorageIngestObjectAccess');
    const [read, list, write, ...others] = policy.statements;
    expect(others).toEqual([]);
    expectExportReads(read, list);
    expect(write).toEqual({
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'],
      Resource: objectsUnder('rejected/'),
    });

    // Nothing in the stateless stack gives the ingest role more object access.
    expectOnlyManagedObjectAccess('ingest', policy.id);
  });

  it('lets the rebuild only read objects under the source prefixes (copies read again for rule 3)', () => {
    const policy = managedPolicy('StorageExportReadAccess');
    const [read, list, ...others] = policy.statements;
    expect(others).toEqual([]);
    expectExportReads(read, list);
    expectOnlyManagedObjectAccess('rebuild', policy.id);
  });

  it('gives ingest exactly its table actions, what consuming the queue takes and sending it continuations', () => {
    expectTableAccess('ingest', INGEST_TABLE_ACTIONS);
    const sqs = statementsOfRole(stateless, roleIdOfHandler(stateless, 'ingest')).filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('sqs:')),
    );
    expect(sqs).toHaveLength(1);
    // The mapping receives, deletes and reads the queue's attributes; the handler sends continuations. Nothing
    // asks for a queue URL or changes a message's visibility.
    expect(sorted(actionsOf(sqs))).toEqual([
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    expect(sqs[0]?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^IngestQueue(?!DeadLetter)/), 'Arn'],
    });
    expect(servicesOf('ingest')).toEqual(new Set(['logs', 'dynamodb', 'sqs']));
  });

  it('gives the rebuild function its table actions (with Scan) and nothing else', () => {
    expectTableAccess('rebuild', REBUILD_TABLE_ACTIONS);
    // Its object reads come with the managed policy above.
    expect(servicesOf('rebuild')).toEqual(new Set(['logs', 'dynamodb']));
  });

  it('gives the erase function its table actions, no Scan, and nothing else', () => {
    expectTableAccess('admin', ERASE_TABLE_ACTIONS);
    expect(servicesOf('admin')).toEqual(new Set(['logs', 'dynamodb']));
  });

  it('gives the api function read-only table access, its cursor key, and nothing else', () => {
    const apiRoleId = roleIdOfHandler(stateless, 'api');
    expectTableAccess('api', API_TABLE_ACTIONS);
    const statements = statementsOfRole(stateless, apiRoleId);
    const actions = actionsOf(statements);
    for (const write of tableWriteActions) {
      expect(actions).not.toContain(write);
    }
    expect(servicesOf('api')).toEqual(new Set(['logs', 'dynamodb', 'secretsmanager']));
    // Reading the one secret that signs cursors, no other.
    const secretId = Object.keys(resourcesOfType(stateless, 'AWS::SecretsManager::Secret'))[0];
    const secretStatements = statements.filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('secretsmanager:')),
    );
    expect(secretStatements).toHaveLength(1);
    // Its value alone: the function never describes it.
    expect(secretStatements[0]?.Action).toEqual('secretsmanager:GetSecretValue');
    expect(secretStatements[0]?.Resource).toEqual({ Ref: secretId });
    expect(
      resourcesOfType(stateless, 'AWS::IAM::Role')[apiRoleId]?.Properties.ManagedPolicyArns,
    ).toBeUndefined();
  });

  // Every action a function's role holds, its managed policies' included, is one its code (or its event source
  // mapping) calls: functions/adapters sends these commands, and no others.
  it.each([
    ['ingest', [...INGEST_TABLE_ACTIONS, ...INGEST_QUEUE_ACTIONS, ...ingestObjectActions]],
    ['rebuild', [...REBUILD_TABLE_ACTIONS, ...exportReadActions]],
    ['admin', ERASE_TABLE_ACTIONS],
    ['api', [...API_TABLE_ACTIONS, ...API_SECRET_ACTIONS]],
  ])('holds no action the %s function does not use', (handler, used) => {
    const roleId = roleIdOfHandler(stateless, handler);
    const managedIds = JSON.stringify(
      resourcesOfType(stateless, 'AWS::IAM::Role')[roleId]?.Properties.ManagedPolicyArns ?? [],
    );
    const managed = Object.entries(resourcesOfType(stateful, 'AWS::IAM::ManagedPolicy'))
      .filter(([id]) => managedIds.includes(id))
      .flatMap(
        ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
      );
    const held = new Set([...actionsOf(statementsOfRole(stateless, roleId)), ...actionsOf(managed)]);
    expect(sorted([...held])).toEqual(sorted([...new Set([...used, ...logWrites])]));
  });

  it('lets the rebuild state machine invoke only the rebuild function', () => {
    const { properties } = onlyResource(stateless, 'AWS::StepFunctions::StateMachine');
    const roleId = (properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = statementsOfRole(stateless, roleId);
    const invoke = statements.filter((statement) =>
      asArray(statement.Action).includes('lambda:InvokeFunction'),
    );
    expect(invoke).toHaveLength(1);
    const functionArn = { 'Fn::GetAtt': [expect.stringMatching(/^RebuildHandlerFunction/), 'Arn'] };
    expect(invoke[0]?.Resource).toEqual([functionArn, { 'Fn::Join': ['', [functionArn, ':*']] }]);
    // The rest is X-Ray and log delivery, which only exist on '*'.
    const rest = actionsOf(statements.filter((statement) => statement !== invoke[0]));
    expect(new Set(rest.map((action) => action.split(':')[0]))).toEqual(new Set(['logs', 'xray']));
  });

  it('lets each function write only to its own log group instead of using AWSLambdaBasicExecutionRole', () => {
    for (const handler of ['ingest', 'api', 'rebuild', 'admin']) {
      const roleId = roleIdOfHandler(stateless, handler);
      const logStatements = statementsOfRole(stateless, roleId).filter((statement) =>
        asArray(statement.Action).some((action) => action.startsWith('logs:')),
      );
      expect(logStatements, handler).toHaveLength(1);
      expect(logStatements[0]?.Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/HandlerLogs/), 'Arn'],
      });
    }
  });
});
