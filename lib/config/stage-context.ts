import { type ResolvedStage, resolveDeployableStage } from './stages.js';

/**
 * Context keys without a colon that the cdk CLI itself keeps (`cdk acknowledge`, `cdk cli-telemetry`). Every
 * other key of CDK's, its feature flags, settings and lookups, has one (`@aws-cdk/core:…`, `aws:cdk:…`).
 */
const CDK_KEYS_WITHOUT_COLON = new Set(['acknowledged-issue-numbers', 'cli-telemetry']);

/**
 * The stage of a `cdk` command, from its whole context. The app reads nothing but `stage`, so any other key of
 * ours (`-c gapMinutes=5`, `-c Stage=dev`) would be dropped without a word, and a deploy meant to change the
 * rules would go ahead under the old ones: refused instead, naming it.
 */
export function stageOfContext(context: Readonly<Record<string, unknown>>): ResolvedStage {
  const unread = Object.keys(context).filter(
    (key) => key !== 'stage' && !key.includes(':') && !CDK_KEYS_WITHOUT_COLON.has(key),
  );
  if (unread.length > 0) {
    const named = unread.map((key) => `'${key}'`).join(', ');
    throw new Error(
      `${unread.length === 1 ? `Context key ${named} is` : `Context keys ${named} are`} not read by this app: ` +
        'cdk takes only -c stage=<name>; the settings of a stage, its sessionRules among them, are in ' +
        'lib/config/stages.ts (docs/deploy.md, "Stages").',
    );
  }
  return resolveDeployableStage(context.stage);
}
