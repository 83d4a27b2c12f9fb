import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/config/bundling.js';
import {
  parseStageConfig,
  resolveDeployableStage,
  resolveStage,
  type StageConfig,
  stageNames,
  stages,
} from '../../lib/config/stages.js';

function withChanges(base: StageConfig, changes: (copy: StageConfig) => void): unknown {
  const copy = structuredClone(base);
  changes(copy);
  return copy;
}

describe('stage selection', () => {
  it('resolves every configured stage to its validated config', () => {
    expect(stageNames).toEqual(expect.arrayContaining(['dev', 'prod']));
    for (const name of stageNames) {
      expect(resolveStage(name)).toEqual({ name, config: stages[name] });
    }
  });

  it('rejects an unknown stage with a message that lists the valid ones', () => {
    expect(() => resolveStage('staging')).toThrow(
      /Unknown stage 'staging'\. Valid stages: dev, prod, test \(synth-only\)/,
    );
  });

  it('rejects a missing stage with the same list', () => {
    expect(() => resolveStage(undefined)).toThrow(/No stage selected\. Valid stages: dev, prod/);
  });

  it('does not resolve inherited object keys as stages', () => {
    expect(() => resolveStage('toString')).toThrow(/Unknown stage 'toString'/);
  });

  it('makes lib/app.ts (what `cdk synth -c stage=...` runs) exit 1 with that message and no stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/app.ts'], {
      cwd: repoRoot,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ stage: 'staging' }) },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Unknown stage 'staging'. Valid stages: dev, prod, test (synth-only)");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses synth-only stages for cdk commands, naming the deployable ones', () => {
    expect(() => resolveDeployableStage('test')).toThrow(
      /Stage 'test' is synth-only .* Deployable stages: dev, prod\./,
    );
    expect(resolveDeployableStage('prod').name).toBe('prod');
  });
});

describe('stage config validation', () => {
  it('keeps API auth on in every deployed stage, IAM by default', () => {
    for (const name of stageNames.filter((stage) => stages[stage].deployed)) {
      expect(stages[name].api.auth.mode).not.toBe('none');
    }
    expect(stages.dev.api.auth.mode).toBe('iam');
    expect(stages.prod.api.auth.mode).toBe('iam');
  });

  it("refuses auth mode 'none' on a deployed stage", () => {
    const input = withChanges(stages.dev, (config) => {
      config.api.auth = { mode: 'none' };
    });
    expect(() => parseStageConfig('dev', input)).toThrow(/only allowed for stages with deployed: false/);
  });

  it('requires an https issuer and an audience for JWT auth', () => {
    const missingAudience = withChanges(stages.dev, (config) => {
      (config.api as { auth: unknown }).auth = { mode: 'jwt', issuer: 'https://issuer.example.com' };
    });
    expect(() => parseStageConfig('dev', missingAudience)).toThrow(/api\.auth\.audience/);

    const plainHttpIssuer = withChanges(stages.dev, (config) => {
      config.api.auth = { mode: 'jwt', issuer: 'http://issuer.example.com', audience: ['sessionizer'] };
    });
    expect(() => parseStageConfig('dev', plainHttpIssuer)).toThrow(/api\.auth\.issuer/);

    const valid = withChanges(stages.dev, (config) => {
      config.api.auth = { mode: 'jwt', issuer: 'https://issuer.example.com', audience: ['sessionizer'] };
    });
    expect(parseStageConfig('dev', valid).api.auth).toEqual({
      mode: 'jwt',
      issuer: 'https://issuer.example.com',
      audience: ['sessionizer'],
    });
  });

  it('accepts only log retention periods CloudWatch supports', () => {
    const input = withChanges(stages.dev, (config) => {
      config.logRetentionDays = 10;
    });
    expect(() => parseStageConfig('dev', input)).toThrow(/logRetentionDays/);
  });

  it('requires termination protection on stages that retain data', () => {
    const input = withChanges(stages.prod, (config) => {
      config.terminationProtection = false;
    });
    expect(() => parseStageConfig('prod', input)).toThrow(/termination protection/);
  });

  it('rejects unknown keys so typos do not silently fall back to defaults', () => {
    const input = withChanges(stages.dev, (config) => {
      (config as unknown as Record<string, unknown>).sessionGapMinute = 45;
    });
    expect(() => parseStageConfig('dev', input)).toThrow(/Unrecognized key/);
  });

  it('names the stage in validation errors', () => {
    expect(() => parseStageConfig('qa', {})).toThrow(/Invalid config for stage 'qa'/);
  });
});
