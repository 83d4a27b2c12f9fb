// Which stage `cdk -c stage=<name>` deploys, and what it says when the name is not one it can.
import { spawnSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { repoRoot } from '../../lib/config/bundling.js';
import { deployableStageNames, resolveDeployableStage, stageConfig } from '../../lib/config/stages.js';

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
