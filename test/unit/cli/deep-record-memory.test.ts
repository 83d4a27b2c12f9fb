// The costliest record the 4 MiB limit lets through: arrays nested two million deep, whose content id
// (rule 3: no messageId) is written from its parsed value without the call stack.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, runCli } from '../../helpers/built-cli.js';

const DEPTH = 2_000_000;

describe('a record nested two million deep', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-deep-'));
    const head = '{"type":"track","userId":"u-1","timestamp":"2024-01-01T09:00:00Z","p":';
    writeFileSync(join(dir, 'deep.ndjson'), `${head}${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}\n`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets its content id within a 300 MiB heap (its parsed value takes 114)', async () => {
    const run = await runCli(['--format', 'json', 'deep.ndjson'], {
      cwd: dir,
      env: { NODE_OPTIONS: '--max-old-space-size=300' },
    });

    expect(run.stderr).toBe('');
    const output = JSON.parse(run.stdout) as { summary: { accepted: number; sessions: number } };
    expect(output.summary).toMatchObject({ accepted: 1, sessions: 1 });
  }, 120_000);
});
