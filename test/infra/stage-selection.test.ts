// Which stage `cdk -c stage=<name>` deploys, and what it says when the name is not one it can.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { repoRoot } from '../../lib/config/bundling.js';
import { isCdkContextKey, stageOfContext } from '../../lib/config/stage-context.js';
import {
  deployableStageNames,
  parseStageConfig,
  resolveDeployableStage,
  type StageName,
  stageConfig,
} from '../../lib/config/stages.js';
import { onlyResource, synthStage } from './synth.js';

describe('resolveDeployableStage', () => {
  it('resolves every deployable stage to its validated config', () => {
    expect(deployableStageNames).toEqual(['dev', 'prod']);
    for (const name of deployableStageNames) {
      expect(resolveDeployableStage(name)).toEqual({ name, config: stageConfig(name) });
    }
  });

  it('rejects an unknown stage, listing only the stages cdk can select', () => {
    expect(() => resolveDeployableStage('staging')).toThrow(
      "Unknown stage 'staging'. Valid stages: dev, prod. Select one with: npx cdk <command> -c stage=<name>",
    );
  });

  it('rejects a missing stage with the same list', () => {
    expect(() => resolveDeployableStage(undefined)).toThrow(/^No stage selected\. Valid stages: dev, prod\./);
  });

  it('explains that a synth-only stage exists but cannot be selected, without offering it', () => {
    let message = '';
    try {
      resolveDeployableStage('test');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Stage 'test' is synth-only: the infrastructure tests synthesize it/);
    expect(message).toContain('Valid stages: dev, prod.');
    expect(message.match(/\btest\b/g)).toHaveLength(1); // named as the stage asked for, never as a choice
  });

  it('parses only the stage cdk selects, so a mistake in another stage does not stop it', async () => {
    vi.resetModules();
    const schema = await import('../../lib/config/stage-schema.js');
    const parse = vi.spyOn(schema.stageConfigSchema, 'safeParse');
    try {
      const fresh = await import('../../lib/config/stages.js');
      expect(parse).not.toHaveBeenCalled();
      expect(fresh.resolveDeployableStage('dev').config.deployed).toBe(true);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('does not resolve inherited object keys as stages', () => {
    expect(() => resolveDeployableStage('toString')).toThrow(/Unknown stage 'toString'/);
  });

  it.each([
    ['staging', "Unknown stage 'staging'. Valid stages: dev, prod."],
    ['test', "Stage 'test' is synth-only"],
  ])(
    'makes lib/app.ts (what `cdk synth -c stage=%s` runs) exit 1 with the message and no stack trace',
    (stage, message) => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/app.ts'], {
        cwd: repoRoot,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ stage }) },
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('(synth-only)');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
  );
});

describe('stageOfContext', () => {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')).context as Record<
    string,
    unknown
  >;
  // What the cdk CLI adds on its own, and what `cdk acknowledge` and `cdk cli-telemetry` keep in context.
  const cliContext = {
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:bundling-stacks': ['**'],
    'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a'],
    'acknowledged-issue-numbers': [1],
    'cli-telemetry': false,
  };

  it("resolves the stage beside cdk.json's feature flags and the cdk CLI's own keys", () => {
    expect(stageOfContext({ ...cdkJson, ...cliContext, stage: 'dev' })).toEqual(
      resolveDeployableStage('dev'),
    );
  });

  it.each([
    [{ stage: 'dev', gapMinutes: '5' }, "Context key 'gapMinutes' is not read by this app"],
    [
      { stage: 'dev', sessionRules: '{"gapMinutes":5}', maxSession: '60' },
      "Context keys 'sessionRules', 'maxSession' are not read by this app",
    ],
    [{ Stage: 'dev' }, "Context key 'Stage' is not read by this app"],
    // A colon does not make a key CDK's: these are ours, and would be dropped.
    [{ stage: 'dev', 'sessionRules:gapMinutes': '5' }, "Context key 'sessionRules:gapMinutes' is not read"],
    [{ stage: 'dev', 'stage:dev': true }, "Context key 'stage:dev' is not read"],
    [{ stage: 'dev', 'aws:gapMinutes': '5' }, "Context key 'aws:gapMinutes' is not read"],
    [{ stage: 'dev', 'gap-minutes:account=1': '5' }, "Context key 'gap-minutes:account=1' is not read"],
  ])('refuses a -c key it would otherwise ignore, naming it (%j)', (context, message) => {
    expect(() => stageOfContext({ ...cdkJson, ...context })).toThrow(message);
    expect(() => stageOfContext({ ...cdkJson, ...context })).toThrow(
      "cdk takes only -c stage=<name>, beside CDK's own keys (feature flags such as @aws-cdk/core:…, aws:cdk:… settings, cached lookups); the settings of a stage, its sessionRules among them, are in lib/config/stages.ts",
    );
  });

  it.each([
    '@aws-cdk/aws-lambda:recognizeLayerVersion',
    '@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver',
    '@cdklabs/some-library:someFlag',
    'aws:cdk:disable-version-reporting',
    'aws-cdk:enableDiffNoFail',
    'hosted-zone:account=123456789012:domainName=example.com:region=eu-west-1',
    'ssm:account=123456789012:parameterName=/x:region=eu-west-1',
  ])("takes CDK's own key %s", (key) => {
    expect(isCdkContextKey(key)).toBe(true);
    expect(stageOfContext({ [key]: true, stage: 'dev' }).name).toBe('dev');
  });

  it('makes lib/app.ts exit 1 on `cdk synth -c stage=dev -c gapMinutes=5`, before synthesizing', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/app.ts'], {
      cwd: repoRoot,
      // Without bundling, so that the app, if it went on, would synthesize quickly and exit 0.
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({
          ...cdkJson,
          stage: 'dev',
          gapMinutes: 5,
          'aws:cdk:bundling-stacks': [],
        }),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'stage-context-')),
      },
      encoding: 'utf8',
    });
    expect(result.stderr).toContain("Context key 'gapMinutes' is not read by this app");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(1);
  });
});

describe('stage names', () => {
  const longest = `s${'x'.repeat(70)}`;

  it.each([
    ['qa_1', 'Sessionizer-qa_1-Stateful'],
    ['my stage', 'Sessionizer-my stage-Stateful'],
    ['1qa', 'Sessionizer-1qa-Stateful'],
  ])("refuses '%s' before any stack is built, saying why", (name) => {
    expect(() => parseStageConfig(name, stageConfig('dev'))).toThrow(
      `Invalid stage name '${name}': a stage name must start with a letter and hold only letters, digits and -, at most 71 characters`,
    );
  });

  it('refuses a name whose alarm topic SNS would refuse at deploy time, and takes one a character shorter', () => {
    expect(() => parseStageConfig(`${longest}x`, stageConfig('dev'))).toThrow(
      `Invalid stage name '${longest}x'`,
    );
    expect(parseStageConfig(longest, stageConfig('dev'))).toEqual(stageConfig('dev'));
  });

  it('gives the longest name an alarm topic display name SNS takes (at most 100 characters)', () => {
    const { stateless } = synthStage(longest as StageName, stageConfig('dev'));
    const topic = onlyResource(stateless, 'AWS::SNS::Topic');
    expect(String(topic.properties.DisplayName)).toHaveLength(100);
  });
});
