// Each function parses its environment at cold start (its config.ts): the stack must set every variable it
// needs under the name it reads, and nothing it does not read, which would only mislead whoever reads the
// function's configuration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadAdminConfig } from '../../functions/admin/config.js';
import { loadApiConfig } from '../../functions/api/config.js';
import { loadIngestConfig } from '../../functions/ingest/config.js';
import { loadRebuildConfig } from '../../functions/rebuild/config.js';
import { repoRoot } from '../../lib/config/bundling.js';
import {
  apiFunction,
  environmentOf,
  eraseFunction,
  ingestFunction,
  rebuildFunction,
  synthConfiguredStage,
} from './synth.js';

const FUNCTIONS = [
  { handler: 'ingest', find: ingestFunction, load: loadIngestConfig },
  { handler: 'api', find: apiFunction, load: loadApiConfig },
  { handler: 'rebuild', find: rebuildFunction, load: loadRebuildConfig },
  { handler: 'admin', find: eraseFunction, load: loadAdminConfig },
] as const;

/** Read by Powertools' Logger itself in every function, not by the function's config. */
const READ_BY_POWERTOOLS = ['POWERTOOLS_LOG_LEVEL'];

/** The variables a function's config schema names: the keys of its object schema in functions/<handler>/config.ts. */
function variablesRead(handler: string): string[] {
  const source = readFileSync(join(repoRoot, 'functions', handler, 'config.ts'), 'utf8');
  return [...source.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1] as string);
}

/** The environment as the function gets it on AWS: a reference (a queue's URL, a secret's ARN) as a URL. */
function deployedEnvironment(
  template: Template,
  find: (template: Template) => { properties: Record<string, unknown> },
) {
  return Object.fromEntries(
    Object.entries(environmentOf(find(template))).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `https://resolved.example/${name}`,
    ]),
  );
}

describe.each(['dev', 'prod', 'test'] as const)('function environments (%s)', (stageName) => {
  const { stateless } = synthConfiguredStage(stageName);

  it.each(FUNCTIONS)('sets what the $handler function needs, under the names it reads', ({ find, load }) => {
    expect(() => load(deployedEnvironment(stateless, find))).not.toThrow();
  });

  it.each(FUNCTIONS)('sets nothing the $handler function does not read', ({ handler, find }) => {
    const read = new Set([...variablesRead(handler), ...READ_BY_POWERTOOLS]);
    expect(read.size).toBeGreaterThan(READ_BY_POWERTOOLS.length);
    const unread = Object.keys(environmentOf(find(stateless))).filter((name) => !read.has(name));
    expect(unread).toEqual([]);
  });
});
