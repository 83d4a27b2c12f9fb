import { configurationError } from '../shared/config-error.js';
import { booleanVar } from '../shared/env-boolean.js';
import * as z from '../shared/zod.js';

const adminEnvSchema = z.pipe(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1, 'must be set')),
    /**
     * `true` behind API Gateway HTTP APIs, which hand the function an already-decoded path. The admin route is
     * only ever deployed there, hence the default; the local stack builds its handler with its own config.
     */
    API_PATHS_DECODED: booleanVar('true'),
    POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), 'sessionizer-admin'),
  }),
  z.transform((env) => ({
    tableName: env.TABLE_NAME,
    pathsDecoded: env.API_PATHS_DECODED,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
  })),
);

export type AdminConfig = z.infer<typeof adminEnvSchema>;

/** Parses the admin function's environment; throws naming every bad variable. */
export function loadAdminConfig(env: NodeJS.ProcessEnv = process.env): AdminConfig {
  const parsed = adminEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw configurationError('admin', parsed.error.issues);
  }
  return parsed.data;
}
