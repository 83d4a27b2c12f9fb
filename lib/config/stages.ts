import * as z from 'zod';
import { unknownKeysError } from '../../functions/shared/unknown-keys.js';
import { type StageConfig, type StageConfigInput, stageConfigSchema } from './stage-schema.js';

export type { ApiAuthConfig, StageConfig, StageConfigInput } from './stage-schema.js';

const stageInputs = {
  dev: {
    deployed: true,
    // sources: the defaults of contract/ (incoming/, segment-logs/, rudder-logs/).
    sessionRules: { gapMinutes: 30 },
    logLevel: 'DEBUG',
    logRetentionDays: 14,
    removalPolicy: 'destroy',
    terminationProtection: false,
    storage: { noncurrentVersionExpirationDays: 7, rejectionReportExpirationDays: 30 },
    // One file per invocation: a batch shares one visibility timeout, so big files would wait on each other.
    ingest: { memorySizeMb: 1024, timeoutSeconds: 300, maxConcurrency: 2, batchSize: 1, maxReceiveCount: 5 },
    rebuild: { totalSegments: 4, memorySizeMb: 1024, timeoutSeconds: 300 },
    erase: { memorySizeMb: 512, timeoutSeconds: 29 },
    api: {
      auth: { mode: 'iam' },
      throttle: { rateLimit: 20, burstLimit: 40 },
      corsAllowedOrigins: ['http://localhost:5173'],
      memorySizeMb: 512,
      timeoutSeconds: 10,
    },
    alarms: {
      periodMinutes: 5,
      evaluationPeriods: 1,
      ingestErrorsThreshold: 5,
      ingestThrottlesThreshold: 5,
      queueAgeThresholdSeconds: 3600,
      dlqDepthThreshold: 1,
      apiErrorsThreshold: 5,
    },
  },
  prod: {
    deployed: true,
    sessionRules: { gapMinutes: 30 },
    logLevel: 'INFO',
    logRetentionDays: 365,
    removalPolicy: 'retain',
    terminationProtection: true,
    storage: { noncurrentVersionExpirationDays: 90, rejectionReportExpirationDays: 400 },
    ingest: { memorySizeMb: 1024, timeoutSeconds: 300, maxConcurrency: 10, batchSize: 1, maxReceiveCount: 5 },
    rebuild: { totalSegments: 8, memorySizeMb: 1024, timeoutSeconds: 300 },
    erase: { memorySizeMb: 512, timeoutSeconds: 29 },
    api: {
      auth: { mode: 'iam' },
      throttle: { rateLimit: 100, burstLimit: 200 },
      corsAllowedOrigins: [],
      memorySizeMb: 1024,
      timeoutSeconds: 10,
    },
    alarms: {
      periodMinutes: 5,
      evaluationPeriods: 1,
      ingestErrorsThreshold: 1,
      ingestThrottlesThreshold: 1,
      // One failed delivery and its retry reach 2,100 s (visibility timeout 1,800 s + 300 s); a second failure
      // or a real backlog passes an hour.
      queueAgeThresholdSeconds: 3600,
      dlqDepthThreshold: 1,
      apiErrorsThreshold: 5,
    },
  },
  // Exercises what the deployed stages leave at their defaults (auth 'none', own sources, every session rule,
  // a member limit, batches) in tests only.
  test: {
    deployed: false,
    sources: [
      { name: 'incoming', prefix: 'incoming/', format: 'auto' },
      { name: 'amplitude', prefix: 'exports/amplitude/', format: 'amplitude' },
    ],
    sessionRules: {
      gapMinutes: 20,
      gapMinutesByPlatform: { ios: 5, android: 5 },
      maxSessionMinutes: 1440,
      identityStitching: true,
    },
    logLevel: 'DEBUG',
    logRetentionDays: 1,
    removalPolicy: 'destroy',
    terminationProtection: false,
    storage: { noncurrentVersionExpirationDays: 1 },
    ingest: {
      memorySizeMb: 1024,
      timeoutSeconds: 120,
      maxConcurrency: 3,
      batchSize: 10,
      maxReceiveCount: 2,
      maxMemberMegabytes: 256,
    },
    rebuild: { totalSegments: 2, memorySizeMb: 512, timeoutSeconds: 60 },
    erase: { memorySizeMb: 256, timeoutSeconds: 10 },
    api: {
      auth: { mode: 'none' },
      throttle: { rateLimit: 10, burstLimit: 10 },
      corsAllowedOrigins: ['*'],
      memorySizeMb: 512,
      timeoutSeconds: 10,
    },
    alarms: {
      periodMinutes: 1,
      evaluationPeriods: 1,
      ingestErrorsThreshold: 1,
      ingestThrottlesThreshold: 1,
      queueAgeThresholdSeconds: 1200,
      dlqDepthThreshold: 1,
      apiErrorsThreshold: 1,
    },
  },
} satisfies Record<string, StageConfigInput>;

export type StageName = keyof typeof stageInputs;

/**
 * A stage's name goes into its stack names, `Sessionizer-<stage>-Stateful` (CloudFormation takes letters, digits
 * and - only, starting with a letter), and into its alarm topic's display name, `Sessionizer-<stage>-Stateless
 * alarms`, which SNS keeps to 100 characters: a longer name synthesizes and fails only at deploy time.
 */
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,70}$/;

export function parseStageConfig(name: string, input: unknown): StageConfig {
  if (!STAGE_NAME.test(name)) {
    throw new Error(
      `Invalid stage name '${name}': a stage name must start with a letter and hold only letters, digits and -, at most 71 characters, since it names the stacks (Sessionizer-<stage>-Stateful, as CloudFormation takes them) and the alarm topic, whose display name SNS keeps to 100 characters`,
    );
  }
  const result = stageConfigSchema.safeParse(input, { error: unknownKeysError });
  if (!result.success) {
    throw new Error(`Invalid config for stage '${name}':\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

const parsedStages = new Map<StageName, StageConfig>();

/**
 * A stage's validated config, parsed when first asked for: a mistake in one stage stops only the commands
 * that use it (`cdk synth -c stage=dev` with prod broken still works); the infrastructure tests parse them all.
 */
export function stageConfig(name: StageName): StageConfig {
  let config = parsedStages.get(name);
  if (config === undefined) {
    config = parseStageConfig(name, stageInputs[name]);
    parsedStages.set(name, config);
  }
  return config;
}

export const stageNames = Object.keys(stageInputs) as StageName[];

export function isStageName(name: string): name is StageName {
  return Object.hasOwn(stageInputs, name);
}

export interface ResolvedStage {
  readonly name: StageName;
  readonly config: StageConfig;
}

/** Stages `cdk` may select; synth-only ones are synthesized by the infrastructure tests directly. */
export const deployableStageNames = stageNames.filter((name) => stageInputs[name].deployed);

/** The stage of a `cdk` command (`-c stage=<name>`); refuses unknown and synth-only stages. */
export function resolveDeployableStage(name: unknown): ResolvedStage {
  const choices = `Valid stages: ${deployableStageNames.join(', ')}. Select one with: npx cdk <command> -c stage=<name>`;
  if (typeof name === 'string' && isStageName(name)) {
    if (stageInputs[name].deployed) {
      return { name, config: stageConfig(name) };
    }
    throw new Error(
      `Stage '${name}' is synth-only: the infrastructure tests synthesize it, cdk cannot select it. ${choices}`,
    );
  }
  const problem = name === undefined ? 'No stage selected' : `Unknown stage '${String(name)}'`;
  throw new Error(`${problem}. ${choices}`);
}
