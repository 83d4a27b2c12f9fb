import { type ConfigIssue, configurationError } from '../shared/config-error.js';
import { booleanVar } from '../shared/env-boolean.js';
import * as z from '../shared/zod.js';
import { MIN_CURSOR_KEY_LENGTH } from './cursor.js';

const apiEnvSchema = z.pipe(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1, 'must be set')),
    /** The key itself: for the local stack and tests. */
    CURSOR_SIGNING_KEY: z.optional(
      z
        .string()
        .check(z.minLength(MIN_CURSOR_KEY_LENGTH, `must be at least ${MIN_CURSOR_KEY_LENGTH} characters`)),
    ),
    /** On AWS: the Secrets Manager secret holding the key, read at the first request that needs it. */
    CURSOR_SIGNING_KEY_SECRET_ARN: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
    /** Comma-separated origins allowed to call the API from a browser; `*` allows any. Unset: no CORS. */
    CORS_ALLOWED_ORIGINS: z.pipe(
      z.optional(z.string()),
      z.transform((list) =>
        (list ?? '')
          .split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin !== ''),
      ),
    ),
    /**
     * `true` behind API Gateway HTTP APIs, which hand the function an already-decoded path; the local stack
     * (and Lambda function URLs) pass it still percent-encoded.
     */
    API_PATHS_DECODED: booleanVar('false'),
    POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), 'sessionizer-api'),
  }),
  z.transform((env) => ({
    tableName: env.TABLE_NAME,
    ...(env.CURSOR_SIGNING_KEY === undefined
      ? { cursorSigningKeySecretArn: env.CURSOR_SIGNING_KEY_SECRET_ARN as string }
      : { cursorSigningKey: env.CURSOR_SIGNING_KEY }),
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    pathsDecoded: env.API_PATHS_DECODED,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
  })),
);

export type ApiConfig = z.infer<typeof apiEnvSchema>;

/** Parses the API's environment; throws naming every bad variable (never its value: one is a secret). */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = apiEnvSchema.safeParse(env);
  const problems: (string | ConfigIssue)[] = parsed.success ? [] : [...parsed.error.issues];
  if ((env.CURSOR_SIGNING_KEY === undefined) === (env.CURSOR_SIGNING_KEY_SECRET_ARN === undefined)) {
    problems.push('exactly one of CURSOR_SIGNING_KEY and CURSOR_SIGNING_KEY_SECRET_ARN must be set');
  }
  if (!parsed.success || problems.length > 0) {
    throw configurationError('API', problems);
  }
  return parsed.data;
}
