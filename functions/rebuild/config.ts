import * as z from 'zod';
import { type CompiledRules, compileRules } from '../domain/rules/session-rules.js';
import { sessionRulesSchema } from '../shared/session-rules-schema.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const rebuildEnvSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    /** The rules the rebuild moves the table to: the stage's current ones, as the ingest runs them. */
    SESSION_RULES: z.preprocess(
      (value, ctx) => {
        if (value === undefined || value === '') return undefined;
        try {
          return JSON.parse(String(value));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'SESSION_RULES is not valid JSON' });
          return z.NEVER;
        }
      },
      sessionRulesSchema.default(sessionRulesSchema.parse({})),
    ),
    POWERTOOLS_SERVICE_NAME: z.preprocess(blankAsUndefined, z.string().default('sessionizer-rebuild')),
  })
  .transform((env) => ({
    tableName: env.TABLE_NAME,
    rules: compileRules(env.SESSION_RULES),
    serviceName: env.POWERTOOLS_SERVICE_NAME,
  }));

export type RebuildConfig = z.output<typeof rebuildEnvSchema> & { rules: CompiledRules };

/** Parses the rebuild function's environment; throws one readable error naming every bad variable. */
export function loadRebuildConfig(env: NodeJS.ProcessEnv = process.env): RebuildConfig {
  const parsed = rebuildEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`);
  throw new Error(`invalid rebuild configuration: ${problems.join('; ')}`);
}
