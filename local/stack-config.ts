// Environment of `npm start` (the local stack), validated once at startup.
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_GAP_MINUTES } from '../functions/domain/sessionize.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const port = (fallback: number) =>
  z.preprocess(
    blankAsUndefined,
    z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a port number')
      // 0 asks for any free port; the stack prints the one it got.
      .min(0, 'must be a port number from 0 to 65535')
      .max(65_535, 'must be a port number from 0 to 65535')
      .default(fallback),
  );

const localStackEnvSchema = z.object({
  PORT: port(3000),
  S3_PORT: port(4569),
  DYNAMODB_PORT: port(8000),
  SESSION_GAP_MINUTES: z.preprocess(
    blankAsUndefined,
    z.coerce
      .number({ error: 'must be a number of minutes' })
      .positive('must be greater than 0')
      .finite('must be a number of minutes')
      .default(DEFAULT_GAP_MINUTES),
  ),
  SESSIONIZER_DATA_DIR: z.preprocess(blankAsUndefined, z.string().default('.sessionizer')),
  SESSIONIZER_DROP_DIR: z.preprocess(blankAsUndefined, z.string().optional()),
  // Unset: generated once and kept in the data dir, so cursors stay valid across restarts.
  CURSOR_SIGNING_KEY: z.preprocess(
    blankAsUndefined,
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  CORS_ALLOWED_ORIGINS: z.preprocess(blankAsUndefined, z.string().optional()),
});

/** Every env var the stack reads, so error messages and docs can name them. */
export type LocalStackEnvVar = keyof z.input<typeof localStackEnvSchema>;

export interface LocalStackConfig {
  port: number;
  s3Port: number;
  dynamoDbPort: number;
  gapMinutes: number;
  /** Absolute. */
  dataDir: string;
  /** Absolute; undefined means `${dataDir}/drop`. */
  dropDir?: string;
  cursorSigningKey?: string;
  corsAllowedOrigins: string[];
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
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new Error(`invalid local stack configuration: ${problems.join('; ')}`);
  }
  const value = parsed.data;
  return {
    port: value.PORT,
    s3Port: value.S3_PORT,
    dynamoDbPort: value.DYNAMODB_PORT,
    gapMinutes: value.SESSION_GAP_MINUTES,
    dataDir: resolve(cwd, value.SESSIONIZER_DATA_DIR),
    ...(value.SESSIONIZER_DROP_DIR !== undefined && { dropDir: resolve(cwd, value.SESSIONIZER_DROP_DIR) }),
    ...(value.CURSOR_SIGNING_KEY !== undefined && { cursorSigningKey: value.CURSOR_SIGNING_KEY }),
    corsAllowedOrigins: (value.CORS_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
  };
}
