import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ResolvedStage } from './config/stages.js';
import { StatefulStack } from './stacks/stateful-stack.js';
import { StatelessStack } from './stacks/stateless-stack.js';

export interface SessionizerStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Adds one stage's stacks to the app and registers the cdk-nag AwsSolutions pack, which makes
 * synthesis fail on any unacknowledged finding. Shared by lib/app.ts and the infrastructure tests.
 */
export function addSessionizerStage(app: App, stage: ResolvedStage, env?: Environment): SessionizerStacks {
  const prefix = `Sessionizer-${stage.name}`;
  const tags = { project: 'sessionizer', stage: stage.name };

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    config: stage.config,
    env,
    tags,
    description: `Sessionizer ${stage.name}: event bucket and sessions table`,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    stageName: stage.name,
    config: stage.config,
    bucket: stateful.bucket,
    ingestObjectAccess: stateful.ingestObjectAccess,
    exportReadAccess: stateful.exportReadAccess,
    table: stateful.table,
    env,
    tags,
    description: `Sessionizer ${stage.name}: ingest queue and function, rebuild, API and erasure`,
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}
