import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

// CloudWatch Logs only accepts these retention periods; anything else fails at deploy time, so reject it at synth.
const allowedRetentionDays = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

const positiveInt = z.int().positive();

const apiAuthSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('iam') }).strict(),
  z
    .object({
      mode: z.literal('jwt'),
      issuer: z.url({ protocol: /^https$/ }),
      audience: z.array(z.string().min(1)).min(1),
    })
    .strict(),
  z.object({ mode: z.literal('none') }).strict(),
]);

export const stageConfigSchema = z
  .object({
    /** false = synth-only stage used by infrastructure tests; `cdk` refuses to select it. */
    deployed: z.boolean(),
    sessionGapMinutes: positiveInt.max(24 * 60),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    logRetentionDays: positiveInt.refine((days) => allowedRetentionDays.has(days), {
      message: `must be one of ${[...allowedRetentionDays].sort((a, b) => a - b).join(', ')}`,
    }),
    removalPolicy: z.enum(['retain', 'destroy']),
    terminationProtection: z.boolean(),
    storage: z
      .object({
        noncurrentVersionExpirationDays: positiveInt,
      })
      .strict(),
    ingest: z
      .object({
        memorySizeMb: positiveInt.min(128).max(10_240),
        timeoutSeconds: positiveInt.max(900),
        reservedConcurrency: positiveInt.optional(),
      })
      .strict(),
    api: z
      .object({
        auth: apiAuthSchema,
        throttle: z.object({ rateLimit: z.number().positive(), burstLimit: positiveInt }).strict(),
        corsAllowedOrigins: z.array(z.union([z.literal('*'), z.url()])),
        memorySizeMb: positiveInt.min(128).max(10_240),
        // API Gateway HTTP APIs give up on an integration after 30 s.
        timeoutSeconds: positiveInt.max(29),
      })
      .strict(),
    alarms: z
      .object({
        periodMinutes: positiveInt,
        evaluationPeriods: positiveInt,
        ingestErrorsThreshold: positiveInt,
        ingestThrottlesThreshold: positiveInt,
        dlqDepthThreshold: positiveInt,
        /** Existing SNS topic to notify; alarms still exist (console/API) without one. */
        actionTopicArn: z.string().startsWith('arn:').optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.deployed && config.api.auth.mode === 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['api', 'auth', 'mode'],
        message: "auth mode 'none' is only allowed for stages with deployed: false",
      });
    }
    if (config.removalPolicy === 'retain' && !config.terminationProtection) {
      ctx.addIssue({
        code: 'custom',
        path: ['terminationProtection'],
        message: 'stages that retain data must also enable termination protection',
      });
    }
  });

export type StageConfigInput = z.input<typeof stageConfigSchema>;
export type StageConfig = z.output<typeof stageConfigSchema>;
export type ApiAuthConfig = StageConfig['api']['auth'];

const stageInputs = {
  dev: {
    deployed: true,
    sessionGapMinutes: 30,
    logLevel: 'DEBUG',
    logRetentionDays: 14,
    removalPolicy: 'destroy',
    terminationProtection: false,
    storage: { noncurrentVersionExpirationDays: 7 },
    ingest: { memorySizeMb: 1024, timeoutSeconds: 300 },
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
      dlqDepthThreshold: 1,
    },
  },
  prod: {
    deployed: true,
    sessionGapMinutes: 30,
    logLevel: 'INFO',
    logRetentionDays: 365,
    removalPolicy: 'retain',
    terminationProtection: true,
    storage: { noncurrentVersionExpirationDays: 90 },
    ingest: { memorySizeMb: 1024, timeoutSeconds: 300 },
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
      dlqDepthThreshold: 1,
    },
  },
  // Exercises the options the deployed stages leave off (auth 'none', reserved concurrency) in tests only.
  test: {
    deployed: false,
    sessionGapMinutes: 30,
    logLevel: 'DEBUG',
    logRetentionDays: 1,
    removalPolicy: 'destroy',
    terminationProtection: false,
    storage: { noncurrentVersionExpirationDays: 1 },
    ingest: { memorySizeMb: 1024, timeoutSeconds: 300, reservedConcurrency: 2 },
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
      dlqDepthThreshold: 1,
    },
  },
} satisfies Record<string, StageConfigInput>;

export type StageName = keyof typeof stageInputs;

export function parseStageConfig(name: string, input: unknown): StageConfig {
  const result = stageConfigSchema.safeParse(input);
  if (!result.success) {
    throw new Error(`Invalid config for stage '${name}':\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export const stages = Object.fromEntries(
  Object.entries(stageInputs).map(([name, input]) => [name, parseStageConfig(name, input)]),
) as Record<StageName, StageConfig>;

export const stageNames = Object.keys(stages) as StageName[];

function describeStageNames(): string {
  return stageNames.map((name) => (stages[name].deployed ? name : `${name} (synth-only)`)).join(', ');
}

export function isStageName(name: string): name is StageName {
  return Object.hasOwn(stages, name);
}

export interface ResolvedStage {
  readonly name: StageName;
  readonly config: StageConfig;
}

export function resolveStage(name: unknown): ResolvedStage {
  if (typeof name === 'string' && isStageName(name)) {
    return { name, config: stages[name] };
  }
  const problem = name === undefined ? 'No stage selected' : `Unknown stage '${String(name)}'`;
  throw new Error(
    `${problem}. Valid stages: ${describeStageNames()}. Select one with: npx cdk <command> -c stage=<name>`,
  );
}

/** For `cdk` commands: like resolveStage, but refuses synth-only stages. */
export function resolveDeployableStage(name: unknown): ResolvedStage {
  const stage = resolveStage(name);
  if (!stage.config.deployed) {
    throw new Error(
      `Stage '${stage.name}' is synth-only (used by the infrastructure tests) and cannot be deployed. Deployable stages: ${stageNames.filter((candidate) => stages[candidate].deployed).join(', ')}.`,
    );
  }
  return stage;
}
