import * as z from '../shared/zod.js';

const apiEnvSchema = z.pipe(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1, 'must be set')),
    CURSOR_SIGNING_KEY: z.string().check(z.minLength(32, 'must be at least 32 characters')),
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
    API_PATHS_DECODED: z.pipe(
      z._default(z.enum(['true', 'false'], { error: 'must be true or false' }), 'false'),
      z.transform((value) => value === 'true'),
    ),
    POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), 'sessionizer-api'),
  }),
  z.transform((env) => ({
    tableName: env.TABLE_NAME,
    cursorSigningKey: env.CURSOR_SIGNING_KEY,
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    pathsDecoded: env.API_PATHS_DECODED,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
  })),
);

export type ApiConfig = z.infer<typeof apiEnvSchema>;

/** Parses the API's environment; throws naming every bad variable (never its value: one is a secret). */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = apiEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new Error(`invalid API configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
