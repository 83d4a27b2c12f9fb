import { ContextProvider } from 'aws-cdk-lib/cloud-assembly-schema';
import { type ResolvedStage, resolveDeployableStage } from './stages.js';

/** The one context key this app reads. */
const STAGE_KEY = 'stage';

/** Context keys without a colon that the cdk CLI itself keeps (`cdk acknowledge`, `cdk cli-telemetry`). */
const CDK_KEYS_WITHOUT_COLON = new Set(['acknowledged-issue-numbers', 'cli-telemetry']);

/** The cached answers of CDK's context lookups are keyed `<provider>:<query>` (`availability-zones:account=…`). */
const LOOKUP_PROVIDERS = new Set<string>(Object.values(ContextProvider));

/**
 * Whether CDK, not this app, owns a context key: a construct library's feature flag (`@aws-cdk/core:…`,
 * `@aws-cdk-containers/…:…`: a scoped package, a colon, a name), a setting of the CDK's own (`aws:cdk:…`,
 * `aws-cdk:…`), a lookup's cached answer, or a colon-less key of the CLI's. A colon alone does not make a key
 * CDK's: `-c sessionRules:gapMinutes=5` is ours, and would be dropped.
 */
export function isCdkContextKey(key: string): boolean {
  if (CDK_KEYS_WITHOUT_COLON.has(key)) return true;
  const colon = key.indexOf(':');
  if (colon < 0) return false;
  const namespace = key.slice(0, colon);
  return (
    /^@[^/]+\/./.test(namespace) ||
    key.startsWith('aws:cdk:') ||
    namespace === 'aws-cdk' ||
    LOOKUP_PROVIDERS.has(namespace)
  );
}

/**
 * The stage of a `cdk` command, from its whole context. The app reads nothing but `stage`, so any other key of
 * ours (`-c gapMinutes=5`, `-c Stage=dev`, `-c sessionRules:gapMinutes=5`) would be dropped without a word,
 * and a deploy meant to change the rules would go ahead under the old ones: refused instead, naming it.
 */
export function stageOfContext(context: Readonly<Record<string, unknown>>): ResolvedStage {
  const unread = Object.keys(context).filter((key) => key !== STAGE_KEY && !isCdkContextKey(key));
  if (unread.length > 0) {
    const named = unread.map((key) => `'${key}'`).join(', ');
    throw new Error(
      `${unread.length === 1 ? `Context key ${named} is` : `Context keys ${named} are`} not read by this app: ` +
        `cdk takes only -c ${STAGE_KEY}=<name>, beside CDK's own keys (feature flags such as @aws-cdk/core:…, ` +
        'aws:cdk:… settings, cached lookups); the settings of a stage, its sessionRules among them, are in ' +
        'lib/config/stages.ts (docs/deploy.md, "Stages").',
    );
  }
  return resolveDeployableStage(context[STAGE_KEY]);
}
