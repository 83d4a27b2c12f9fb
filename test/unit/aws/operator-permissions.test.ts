// docs/operations.md tells an operator which permissions each command needs on a deployed stage. Each command
// is run here against mocked clients, and every call it makes, as the IAM actions it takes, must be in the
// list: a missing one is an AccessDenied the operator was not told to expect.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../lib/config/bundling.js';
import { createApiSigner } from '../../../scripts/aws/api-signer.js';
import { runErase } from '../../../scripts/erase/command.js';
import { runReplay } from '../../../scripts/replay/command.js';
import {
  cloudFormationMock,
  DLQ_ARN,
  freshReplayMocksEachTest,
  mockDeployedStage,
  s3Mock,
  serveListing,
  sqsMock,
} from './replay-mocks.js';

freshReplayMocksEachTest();

const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';
const io = { out: () => {}, err: () => {}, env: {} };

/** The IAM actions of an SDK call; StartMessageMoveTask also receives from and deletes in its source queue. */
const ACTIONS_OF: Record<string, readonly string[]> = {
  'cloudformation:DescribeStacks': ['cloudformation:DescribeStacks'],
  's3:ListObjectVersions': ['s3:ListBucketVersions'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  'sqs:SendMessageBatch': ['sqs:SendMessage'],
  'sqs:GetQueueAttributes': ['sqs:GetQueueAttributes'],
  'sqs:ListMessageMoveTasks': ['sqs:ListMessageMoveTasks'],
  'sqs:StartMessageMoveTask': [
    'sqs:StartMessageMoveTask',
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
  ],
};

/** The IAM actions of every call the mocks took. */
function actionsCalled(): string[] {
  const calls = (service: string, mock: { calls(): { args: unknown[] }[] }) =>
    mock.calls().map((call) => {
      const command = (call.args[0] as object).constructor.name.replace(/Command$/, '');
      const actions = ACTIONS_OF[`${service}:${command}`];
      if (actions === undefined) throw new Error(`the test maps no IAM action to ${service} ${command}`);
      return actions;
    });
  return [
    ...calls('cloudformation', cloudFormationMock),
    ...calls('s3', s3Mock),
    ...calls('sqs', sqsMock),
  ].flat();
}

const operations = readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8');
const section = (from: string, to: string) =>
  operations.slice(operations.indexOf(from), operations.indexOf(to));

describe('the permissions docs/operations.md lists for a deployed stage', () => {
  it('cover npm run erase --stage', async () => {
    mockDeployedStage({ ApiUrl: API_URL });
    const sent: string[] = [];
    const status = await runErase(['--user', 'alice', '--stage', 'dev', '--region', 'eu-west-1'], {
      ...io,
      signer: (region) =>
        createApiSigner({ region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }),
      fetch: (async (url: string | URL | Request) => {
        sent.push(String(url));
        const body = { userId: 'alice', erased: true, itemsDeleted: 0, anonymousIds: [] };
        return new Response(JSON.stringify(body), { status: 200 });
      }) as typeof fetch,
    });

    expect(status).toBe(0);
    expect(sent).toHaveLength(1);
    // The signed DELETE takes execute-api:Invoke on the admin route.
    const actions = [...actionsCalled(), 'execute-api:Invoke'];
    const whoMayErase = section('### Who may erase', '## Rebuild under new rules');
    for (const action of actions) expect(whoMayErase).toContain(`\`${action}\``);
  });

  it.each([
    ['a replay', ['--prefix', 'incoming/'], 'sqs:SendMessage'],
    ['a replay that lists nothing', ['--prefix', 'incoming/nothing/'], 's3:ListBucket'],
    ['a dead-letter redrive', ['--from-dlq'], 'sqs:StartMessageMoveTask'],
    ['npm run dlq', ['--from-dlq', '--dry-run'], 'sqs:ListMessageMoveTasks'],
  ])('cover %s', async (_, argv, oneOfThem) => {
    mockDeployedStage({ ApiUrl: API_URL });
    serveListing([{ key: 'incoming/a.ndjson' }]);
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '2' } });
    sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });

    expect(await runReplay(['--stage', 'dev', '--region', 'eu-west-1', ...argv], io)).toBe(0);

    const permissions = section('Permissions for the caller', '## Erasure');
    expect(actionsCalled()).toContain(oneOfThem);
    for (const action of actionsCalled()) expect(permissions).toContain(`\`${action}\``);
  });
});
