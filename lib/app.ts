import { App } from 'aws-cdk-lib';
import { stageOfContext } from './config/stage-context.js';
import type { ResolvedStage } from './config/stages.js';
import { addSessionizerStage } from './sessionizer.js';

const app = new App();

let stage: ResolvedStage;
try {
  // The only place that reads `-c stage=...` (and refuses any other `-c` key of ours).
  stage = stageOfContext(app.node.getAllContext());
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
