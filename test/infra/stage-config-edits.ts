import { stageConfigSchema } from '../../lib/config/stage-schema.js';
import type { StageConfig } from '../../lib/config/stages.js';

/** A copy of `base` with `changes` made to it, as a stage's config input. */
export function withChanges(base: StageConfig, changes: (copy: StageConfig) => void): unknown {
  const copy = structuredClone(base);
  changes(copy);
  return copy;
}

/** Every problem the schema finds, as `path: message`. */
export function issuesOf(input: unknown): string[] {
  const result = stageConfigSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}
