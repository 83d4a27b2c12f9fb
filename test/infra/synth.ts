import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { repoRoot } from '../../lib/config/bundling.js';
import { type StageConfig, type StageName, stageConfig } from '../../lib/config/stages.js';
import { addSessionizerStage, type SessionizerStacks } from '../../lib/sessionizer.js';

// Same feature flags as `cdk synth`, so the tests see the templates that get deployed.
const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(join(repoRoot, 'cdk.json'), 'utf8'),
).context;

export interface SynthesizedStage {
  readonly app: App;
  readonly stacks: SessionizerStacks;
  readonly stateful: Template;
  readonly stateless: Template;
}

/**
 * Synthesizes a stage through the same entry point as lib/app.ts (cdk-nag included: synthesis throws on
 * an unacknowledged finding). Asset bundling is skipped via CDK's own bundling-stacks context, so no
 * esbuild runs and the functions get a placeholder asset. Env-agnostic unless `env` is given, as `cdk synth`
 * without credentials.
 */
export function synthStage(
  name: StageName,
  config: StageConfig = stageConfig(name),
  env?: Environment,
): SynthesizedStage {
  const app = new App({
    context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] },
    // CDK's built-in CloudFormation schema validation costs ~15 s per worker to load; `cdk synth` still runs it.
    builtinCloudFormationValidation: false,
    treeMetadata: false,
  });
  const stacks = addSessionizerStage(app, { name, config }, env);
  return {
    app,
    stacks,
    stateful: Template.fromStack(stacks.stateful),
    stateless: Template.fromStack(stacks.stateless),
  };
}

const cache = new Map<StageName, SynthesizedStage>();

/** Configured stages synthesize identically every time; share one synthesis per stage within a test file. */
export function synthConfiguredStage(name: StageName): SynthesizedStage {
  let synthesized = cache.get(name);
  if (synthesized === undefined) {
    synthesized = synthStage(name);
    cache.set(name, synthesized);
  }
  return synthesized;
}

type CfnResources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

export function resourcesOfType(template: Template, type: string): CfnResources {
  return template.findResources(type) as CfnResources;
}

/** The logical id of the log group a function's LoggingConfig names, if it names one of the template's. */
export function logGroupIdOf(fn: { Properties: Record<string, unknown> }): string | undefined {
  const config = fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined;
  return config?.LogGroup?.Ref;
}

export function onlyResource(
  template: Template,
  type: string,
): { id: string; properties: Record<string, unknown> } {
  const entries = Object.entries(resourcesOfType(template, type));
  if (entries.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${entries.length}`);
  }
  const [id, resource] = entries[0] as [string, CfnResources[string]];
  return { id, properties: resource.Properties ?? {} };
}

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every IAM statement in a template: inline role policies, AWS::IAM::Policy and managed policies. */
export function iamStatements(template: Template): Array<{ owner: string; statement: PolicyStatementJson }> {
  const found: Array<{ owner: string; statement: PolicyStatementJson }> = [];
  const collect = (owner: string, document: unknown) => {
    const statements = (document as { Statement?: PolicyStatementJson[] } | undefined)?.Statement ?? [];
    for (const statement of statements) {
      found.push({ owner, statement });
    }
  };
  for (const [id, resource] of Object.entries(resourcesOfType(template, 'AWS::IAM::Policy'))) {
    collect(id, resource.Properties.PolicyDocument);
  }
  for (const [id, resource] of Object.entries(resourcesOfType(template, 'AWS::IAM::ManagedPolicy'))) {
    collect(id, resource.Properties.PolicyDocument);
  }
  for (const [id, resource] of Object.entries(resourcesOfType(template, 'AWS::IAM::Role'))) {
    for (const policy of (resource.Properties.Policies as Array<{ PolicyDocument: unknown }>) ?? []) {
      collect(id, policy.PolicyDocument);
    }
  }
  return found;
}

/** IAM statements of the policies attached to one role (by the role's logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    );
}

/** The one Lambda function whose description matches; fails the test when there is not exactly one. */
export function functionByDescription(
  template: Template,
  pattern: RegExp,
): { id: string; properties: Record<string, unknown> } {
  const matches = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).filter(([, fn]) =>
    pattern.test(String(fn.Properties.Description ?? '')),
  );
  if (matches.length !== 1) {
    throw new Error(`expected one function described like ${pattern}, found ${matches.length}`);
  }
  const [id, fn] = matches[0] as [string, CfnResources[string]];
  return { id, properties: fn.Properties };
}

export const ingestFunction = (template: Template) =>
  functionByDescription(template, /^Sessionizes event files/);
export const apiFunction = (template: Template) =>
  functionByDescription(template, /^Serves user and session lookups/);
export const rebuildFunction = (template: Template) =>
  functionByDescription(template, /^Rebuilds the stored/);
export const eraseFunction = (template: Template) => functionByDescription(template, /^Erases a user's/);

export function environmentOf(fn: { properties: Record<string, unknown> }): Record<string, unknown> {
  return (fn.properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** Logical id of the execution role NodeFunction creates for `handler` (its description names it). */
export function roleIdOfHandler(template: Template, handler: string): string {
  const description = `Execution role for the Sessionizer ${handler} function`;
  const roles = Object.entries(resourcesOfType(template, 'AWS::IAM::Role')).filter(
    ([, role]) => role.Properties.Description === description,
  );
  if (roles.length !== 1) {
    throw new Error(`expected one role described '${description}', found ${roles.length}`);
  }
  return (roles[0] as [string, unknown])[0];
}
