// `npm run replay -- --from-dlq` (`npm run dlq`) on a deployed stage: SQS's dead-letter move task.
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  DLQ_ARN,
  freshReplayMocksEachTest,
  mockDeployedStage,
  runReplayPrinting as run,
  sqsMock,
} from './replay-mocks.js';

freshReplayMocksEachTest();

describe('npm run replay --from-dlq on a deployed stage', () => {
  it('starts the dead-letter move task of the stage and says how to follow it', async () => {
    mockDeployedStage();
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '4' } });
    sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-9' });

    const result = await run(['--stage', 'dev', '--region', 'eu-west-1', '--from-dlq']);

    expect(result.status).toBe(0);
    expect(result.out).toContain(
      `moving 4 dead letters (approximately) in ${DLQ_ARN} back to the ingest queue (task task-9)`,
    );
    expect(result.out).toContain(`aws sqs list-message-move-tasks --source-arn ${DLQ_ARN}`);
  });

  it('names the region it was given in the command a dry run of the dead letters says to run next', async () => {
    // Without it, the command ran in the default region, where the stage's stacks are not: "Could not read stack".
    mockDeployedStage();
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '4' } });
    sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });

    const withRegion = await run(['--stage', 'dev', '--region', 'eu-west-1', '--from-dlq', '--dry-run']);

    expect(withRegion.out).toContain(
      '`npm run replay -- --stage dev --region eu-west-1 --from-dlq` moves them back to the ingest queue.',
    );
  });

  it('starts no second move task while one runs (SQS runs one per queue), and says to follow the running one', async () => {
    mockDeployedStage();
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '40' } });
    sqsMock.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          Status: 'RUNNING',
          ApproximateNumberOfMessagesMoved: 60,
          ApproximateNumberOfMessagesToMove: 100,
          SourceArn: DLQ_ARN,
        },
      ],
    });

    const result = await run(['--stage', 'dev', '--region', 'eu-west-1', '--from-dlq']);

    expect(result.status).toBe(0);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toEqual([]);
    expect(result.out).toBe(
      [
        `40 dead letters (approximately) in ${DLQ_ARN}`,
        'latest move task: RUNNING, 60 messages moved of 100',
        `a move task is running already and moves them back to the ingest queue; follow it with: aws sqs list-message-move-tasks --source-arn ${DLQ_ARN}`,
      ].join('\n'),
    );
  });

  it('says when the dead letters are in flight (someone received them) rather than that there is nothing to move', async () => {
    mockDeployedStage();
    sqsMock.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        QueueArn: DLQ_ARN,
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '3',
      },
    });
    sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });

    const result = await run(['--stage', 'dev', '--region', 'eu-west-1', '--from-dlq']);
    const dry = await run(['--stage', 'dev', '--region', 'eu-west-1', '--from-dlq', '--dry-run']);

    expect(result.status).toBe(0);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toEqual([]);
    const inFlight =
      '3 more (approximately) in flight: received and not yet back (looked at in the console, say); they return to the queue after its visibility timeout: run this again then';
    expect(result.out).toBe([`0 dead letters (approximately) in ${DLQ_ARN}`, inFlight].join('\n'));
    expect(dry.out).toContain(inFlight);
    expect(result.out).not.toContain('nothing to move');
  });
});
