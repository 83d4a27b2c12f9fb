import { vi } from 'vitest';

/** The table the API function's tests name; its items live in a MockTable. */
export const TABLE = 'sessions-table';

/**
 * The environment the API function reads when its module loads: this table, a region, the SDK's own
 * endpoint and plain logs, and `settings` (its cursor key, CORS, path mode). Undone by `vi.unstubAllEnvs`.
 */
export function stubApiEnvironment(settings: Readonly<Record<string, string | undefined>>): void {
  vi.stubEnv('TABLE_NAME', TABLE);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('DYNAMODB_ENDPOINT', '');
  vi.stubEnv('POWERTOOLS_DEV', '');
  for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
}
