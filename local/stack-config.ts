// Environment of `npm start` (the local stack), validated once at startup.
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { decimalFromText, gotText, wholeNumberInput } from '../cli/whole-number.js';
import { BROWSER_ORIGIN_FORM, isBrowserOrigin, type SourceDefinition } from '../contract/index.js';
import { configurationError } from '../functions/shared/config-error.js';
import type { DynamoDbFaults } from './dynamodb-faults.js';
import { ingestEnvShape, type SessionRules, sessionRulesFrom, sourcesFrom } from './ingest-env.js';
import { isInside } from './path-inside.js';
import { unreadVariableProblems } from './unread-variables.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const port = (fallback: number) =>
  z.preprocess(
    blankAsUndefined,
    z
      .preprocess(
        wholeNumberInput,
        z
          .number({ error: (issue) => `must be a port number from 0 to 65535${gotText(issue.input)}` })
          .int('must be a port number')
          // 0 asks for any free port; the stack prints the one it got.
          .min(0, 'must be a port number from 0 to 65535')
          .max(65_535, 'must be a port number from 0 to 65535'),
      )
      .default(fallback),
  );

const count = (fallback: number, max: number) =>
  z.preprocess(
    blankAsUndefined,
    z
      .preprocess(
        wholeNumberInput,
        z
          .number({ error: (issue) => `must be a whole number from 1 to ${max}${gotText(issue.input)}` })
          .int('must be a whole number')
          .min(1, `must be from 1 to ${max}`)
          .max(max, `must be from 1 to ${max}`),
      )
      .default(fallback),
  );

const FAULT_EXAMPLE = 'throttle:0.05';

/** `throttle:0.05` (comma-separated `fault:value` pairs; throttle is the only fault so far). */
const faultsText = z.string().transform((text, context): DynamoDbFaults => {
  const faults: DynamoDbFaults = { throttle: 0 };
  const named = new Set<string>();
  for (const pair of text.split(',').map((part) => part.trim())) {
    const [name, value, ...extra] = pair.split(':');
    if (name !== 'throttle' || value === undefined || extra.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `must be like ${FAULT_EXAMPLE}; ${JSON.stringify(pair)} is not a known fault (known: throttle:<fraction>)`,
      });
      return z.NEVER;
    }
    // The last share would win in silence, as JSON keeps the last of a key named twice: refused as those are.
    if (named.has(name)) {
      context.addIssue({
        code: 'custom',
        message: `names ${name} twice (${JSON.stringify(text.trim())}); give it once`,
      });
      return z.NEVER;
    }
    named.add(name);
    const share = decimalFromText(value) ?? Number.NaN;
    if (!(share >= 0 && share < 1)) {
      context.addIssue({
        code: 'custom',
        message: `throttle must be a fraction of DynamoDB calls from 0 to below 1, in decimal digits, like ${FAULT_EXAMPLE}; not ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    faults.throttle = share;
  }
  return faults;
});

/**
 * `*` or origins as browsers send them, comma-separated. The API allows an origin only when it equals a listed
 * one, so `http://localhost:5173/` (copied from the address bar) would never match: refused, as a stage does.
 */
const corsOrigins = z.string().transform((text, context): string[] => {
  const origins = text
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (origin !== '*' && !isBrowserOrigin(origin)) {
      context.addIssue({
        code: 'custom',
        message: `${JSON.stringify(origin)} must be ${BROWSER_ORIGIN_FORM} (or *)`,
      });
    }
  }
  return origins;
});

export const DEFAULT_QUEUE_SETTINGS: IngestQueueSettings = {
  batchSize: 5,
  maxConcurrency: 2,
  visibilityTimeoutMs: 30_000,
  maxReceiveCount: 3,
};

/** The ports `npm start` listens on when their variables are not set. */
export const DEFAULT_PORTS = { PORT: 3000, S3_PORT: 4569, DYNAMODB_PORT: 8000 } as const;

const localStackEnvSchema = z.object({
  PORT: port(DEFAULT_PORTS.PORT),
  S3_PORT: port(DEFAULT_PORTS.S3_PORT),
  DYNAMODB_PORT: port(DEFAULT_PORTS.DYNAMODB_PORT),
  ...ingestEnvShape,
  // The queue in front of the ingest, as the event source mapping and redrive policy configure it on AWS.
  INGEST_BATCH_SIZE: count(DEFAULT_QUEUE_SETTINGS.batchSize, 10),
  INGEST_MAX_CONCURRENCY: count(DEFAULT_QUEUE_SETTINGS.maxConcurrency, 1000),
  // SQS allows up to 12 hours.
  INGEST_VISIBILITY_TIMEOUT_SECONDS: count(DEFAULT_QUEUE_SETTINGS.visibilityTimeoutMs / 1000, 43_200),
  INGEST_MAX_RECEIVE_COUNT: count(DEFAULT_QUEUE_SETTINGS.maxReceiveCount, 1000),
  SESSIONIZER_DATA_DIR: z.preprocess(blankAsUndefined, z.string().default('.sessionizer')),
  SESSIONIZER_DROP_DIR: z.preprocess(blankAsUndefined, z.string().optional()),
  // Unset: generated once and kept in the data dir, so cursors stay valid across restarts.
  CURSOR_SIGNING_KEY: z.preprocess(
    blankAsUndefined,
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  CORS_ALLOWED_ORIGINS: z.preprocess(blankAsUndefined, corsOrigins.optional()),
  // Fault injection for tests of the pipeline's robustness; unset in normal use.
  SESSIONIZER_LOCAL_FAULTS: z.preprocess(blankAsUndefined, faultsText.optional()),
});

/** Every env var the stack reads, so error messages and docs can name them. */
export type LocalStackEnvVar = keyof z.input<typeof localStackEnvSchema>;

/** The same, in the order docs/local.md's "Configuration" lists them. */
export const LOCAL_STACK_VARIABLES = Object.keys(localStackEnvSchema.shape) as readonly LocalStackEnvVar[];

/**
 * What is wrong with `value` for the stack's variable `name`, on its own, or undefined when it is valid (what
 * holds across variables, such as two servers on one port, is not checked).
 */
export function variableProblem(name: LocalStackEnvVar, value: string): string | undefined {
  const parsed = localStackEnvSchema.shape[name].safeParse(value);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'is invalid');
}

export interface IngestQueueSettings {
  batchSize: number;
  maxConcurrency: number;
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
}

export interface LocalStackConfig {
  port: number;
  s3Port: number;
  dynamoDbPort: number;
  sources: SourceDefinition[];
  sessionRules: SessionRules;
  queue: IngestQueueSettings;
  /** Absolute. */
  dataDir: string;
  /** Absolute; undefined means `${dataDir}/drop`. */
  dropDir?: string;
  cursorSigningKey?: string;
  corsAllowedOrigins: string[];
  /** Faults injected into the stack's DynamoDB calls; absent in normal use. */
  faults?: DynamoDbFaults;
}

/** The data dir as `npm start` resolves it; the other commands find the running stack through it. */
export function dataDirFrom(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return resolve(cwd, localStackEnvSchema.shape.SESSIONIZER_DATA_DIR.parse(env.SESSIONIZER_DATA_DIR));
}

/**
 * Two servers given one fixed port: the second would fail to bind once the first started, and the stack would
 * blame "whatever holds it" while it holds the port itself. 0 (any free port) may repeat.
 */
function sharedPortProblem(ports: Record<'PORT' | 'S3_PORT' | 'DYNAMODB_PORT', number>): string | undefined {
  const names = ['PORT', 'S3_PORT', 'DYNAMODB_PORT'] as const;
  for (const name of names) {
    const port = ports[name];
    const same = names.filter((other) => ports[other] === port);
    if (port === 0 || same.length < 2) continue;
    const listed =
      same.length === 2
        ? `${same[0]} and ${same[1]} are both`
        : `${same[0]}, ${same[1]} and ${same[2]} are all`;
    return `${listed} ${port}: each server needs a port of its own`;
  }
  return undefined;
}

/**
 * Parses the local stack's environment; relative directories are resolved against `cwd` (the repository
 * root under `npm start`). Throws one error naming every bad variable, never echoing the signing key.
 */
export function loadLocalStackConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): LocalStackConfig {
  const parsed = localStackEnvSchema.safeParse(env);
  const unread = unreadVariableProblems(env, LOCAL_STACK_VARIABLES);
  if (!parsed.success || unread.length > 0) {
    throw configurationError('local stack', [...(parsed.error?.issues ?? []), ...unread]);
  }
  const value = parsed.data;
  const sharedPort = sharedPortProblem(value);
  if (sharedPort !== undefined) throw configurationError('local stack', [sharedPort]);
  const dataDir = resolve(cwd, value.SESSIONIZER_DATA_DIR);
  const dropDir =
    value.SESSIONIZER_DROP_DIR === undefined ? undefined : resolve(cwd, value.SESSIONIZER_DROP_DIR);
  if (dropDir !== undefined && dropDir !== join(dataDir, 'drop') && isInside(dropDir, dataDir)) {
    // The drop folder uploads and moves every file in it: the lock, the ledger (rewritten after each
    // ingest, so uploaded again and again), the database's and the bucket's files.
    throw configurationError('local stack', [
      `SESSIONIZER_DROP_DIR is inside the data dir ${dataDir}, whose files the stack keeps (the drop folder ` +
        `would upload and move them): choose a folder outside it, or leave it unset for ${join(dataDir, 'drop')}`,
    ]);
  }
  return {
    port: value.PORT,
    s3Port: value.S3_PORT,
    dynamoDbPort: value.DYNAMODB_PORT,
    sources: sourcesFrom(value),
    sessionRules: sessionRulesFrom(value),
    queue: {
      batchSize: value.INGEST_BATCH_SIZE,
      maxConcurrency: value.INGEST_MAX_CONCURRENCY,
      visibilityTimeoutMs: value.INGEST_VISIBILITY_TIMEOUT_SECONDS * 1000,
      maxReceiveCount: value.INGEST_MAX_RECEIVE_COUNT,
    },
    dataDir,
    ...(dropDir !== undefined && { dropDir }),
    ...(value.CURSOR_SIGNING_KEY !== undefined && { cursorSigningKey: value.CURSOR_SIGNING_KEY }),
    corsAllowedOrigins: value.CORS_ALLOWED_ORIGINS ?? [],
    ...(value.SESSIONIZER_LOCAL_FAULTS !== undefined && { faults: value.SESSIONIZER_LOCAL_FAULTS }),
  };
}
