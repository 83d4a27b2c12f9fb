import { App } from 'aws-cdk-lib';
import { type ResolvedStage, resolveDeployableStage } from './config/stages.js';
import { addSessionizerStage } from './sessionizer.js';

const app = new App();

let stage: ResolvedStage;
try {
  // The only place that reads `-c stage=...`.
  stage = resolveDeployableStage(app.node.tryGetContext('stage'));
} catch (error) {
  // A configuration mistake, not a bug: print the message without a stack trace.
  console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

// Env-agnostic unless the CLI resolved credentials, so synth works offline without an account.
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
addSessionizerStage(app, stage, account && region ? { account, region } : undefined);

app.synth();
