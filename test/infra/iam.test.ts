import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { API_TABLE_ACTIONS } from '../../lib/constructs/api.js';
import { INGEST_TABLE_ACTIONS } from '../../lib/constructs/ingest.js';
import {
  asArray,
  iamStatements,
  type PolicyStatementJson,
  resourcesOfType,
  statementsOfRole,
  synthConfiguredStage,
} from './synth.js';

const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

function roleIdByDescription(stage: 'dev' | 'prod', description: string): string {
  const roles = Object.entries(
    resourcesOfType(synthConfiguredStage(stage).stateless, 'AWS::IAM::Role'),
  ).filter(([, role]) => role.Properties.Description === description);
  expect(roles).toHaveLength(1);
  return (roles[0] as [string, unknown])[0];
}

const actionsOf = (statements: PolicyStatementJson[]) =>
  statements.flatMap((statement) => asArray(statement.Action));

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

describe.each(['dev', 'prod'] as const)('least privilege (%s)', (stageName) => {
  const { stateful, stateless, stacks } = synthConfiguredStage(stageName);
  const bucketId = stacks.stateful.getLogicalId(stacks.stateful.bucket.node.defaultChild as CfnElement);
  const objectsUnder = (prefix: string) => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]],
  });

  it('limits ingest S3 access to reading incoming/ and writing rejected/', () => {
    const policies = Object.entries(resourcesOfType(stateful, 'AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0] as [string, (typeof policies)[number][1]];
    expect((policy.Properties.PolicyDocument as { Statement: unknown }).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: objectsUnder('incoming/'),
      },
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
        Resource: objectsUnder('rejected/'),
      },
    ]);

    const ingestRoleId = roleIdByDescription(stageName, 'Execution role for the Sessionizer ingest function');
    const ingestRole = resourcesOfType(stateless, 'AWS::IAM::Role')[ingestRoleId];
    expect(JSON.stringify(ingestRole?.Properties.ManagedPolicyArns)).toContain(policyId);
    // Nothing else in the stateless stack gives the ingest role object access.
    const s3Actions = actionsOf(statementsOfRole(stateless, ingestRoleId)).filter((action) =>
      action.startsWith('s3:'),
    );
    expect(s3Actions).toEqual([]);
  });

  it('gives ingest exactly the table actions of its contract, on the table only', () => {
    const ingestRoleId = roleIdByDescription(stageName, 'Execution role for the Sessionizer ingest function');
    const tableStatements = statementsOfRole(stateless, ingestRoleId).filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('dynamodb:')),
    );
    expect(tableStatements).toHaveLength(1);
    expect(asArray(tableStatements[0]?.Action).sort()).toEqual([...INGEST_TABLE_ACTIONS].sort());
    expect(JSON.stringify(tableStatements[0]?.Resource)).toMatch(/SessionsTable.*Arn/);
  });

  it('gives the api function read-only table access and nothing on S3', () => {
    const apiRoleId = roleIdByDescription(stageName, 'Execution role for the Sessionizer api function');
    const actions = actionsOf(statementsOfRole(stateless, apiRoleId));
    const tableActions = actions.filter((action) => action.startsWith('dynamodb:'));
    expect(tableActions.sort()).toEqual([...API_TABLE_ACTIONS].sort());
    for (const write of tableWriteActions) {
      expect(actions).not.toContain(write);
    }
    expect(actions.filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(
      resourcesOfType(stateless, 'AWS::IAM::Role')[apiRoleId]?.Properties.ManagedPolicyArns,
    ).toBeUndefined();
  });

  it('lets each function write only to its own log group instead of using AWSLambdaBasicExecutionRole', () => {
    for (const service of ['ingest', 'api']) {
      const roleId = roleIdByDescription(stageName, `Execution role for the Sessionizer ${service} function`);
      const logStatements = statementsOfRole(stateless, roleId).filter((statement) =>
        asArray(statement.Action).some((action) => action.startsWith('logs:')),
      );
      expect(logStatements).toHaveLength(1);
      expect(logStatements[0]?.Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/HandlerLogs/), 'Arn'],
      });
    }
  });
});
