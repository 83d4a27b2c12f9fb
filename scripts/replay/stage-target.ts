import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { SourceDefinition } from '../../contract/index.js';
import { isStageName, stageConfig } from '../../lib/config/stages.js';
import { notDeployedStage } from '../aws/deployed-stage.js';
import { stackOutputs, statefulStackName, statelessStackName } from '../aws/stack-outputs.js';
import type { ReplayTarget } from './aws-replay.js';

/** The sources a deployed stage's ingest reads (its config in lib/config/stages.ts). */
export function sourcesOfStage(stage: string): readonly SourceDefinition[] {
  const problem = notDeployedStage(stage);
  if (problem !== undefined || !isStageName(stage)) throw new Error(problem);
  return stageConfig(stage).sources;
}

/** The bucket (stateful stack) and the queues (stateless stack) of a deployed stage, from its outputs. */
export async function replayTargetOf(
  stage: string,
  cloudFormation: Pick<CloudFormationClient, 'send'>,
  region: string | undefined,
): Promise<ReplayTarget> {
  const sources = sourcesOfStage(stage);
  const [stateful, stateless] = await Promise.all([
    stackOutputs(stage, statefulStackName(stage), cloudFormation),
    stackOutputs(stage, statelessStackName(stage), cloudFormation),
  ]);
  return {
    bucket: stateful.require('BucketName'),
    ingestQueueUrl: stateless.require('IngestQueueUrl'),
    ingestQueueArn: stateless.require('IngestQueueArn'),
    deadLetterQueueUrl: stateless.require('DeadLetterQueueUrl'),
    sources,
    region,
  };
}
