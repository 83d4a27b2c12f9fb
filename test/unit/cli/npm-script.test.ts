import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureCliBuilt, REPO } from '../../helpers/built-cli.js';

const EVENT = JSON.stringify({
  type: 'track',
  event: 'Clicked',
  userId: 'typed-here',
  timestamp: '2024-01-02T08:00:00.000Z',
  messageId: 'm-1',
});

let scratch: string;
let elsewhere: string;

beforeAll(async () => {
  await ensureCliBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'sessionize-npm-script-'));
  writeFileSync(join(scratch, 'export.ndjson'), `${EVENT}\n`);
  elsewhere = join(scratch, 'elsewhere');
  mkdirSync(elsewhere);
}, 120_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const run = (command: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });

describe('the file names sessionize reads', () => {
  it('npm run sessionize reads them from the folder it was typed in, not the repository root npm runs it in', () => {
    const typed = run(
      'npm',
      ['--prefix', REPO, 'run', '--silent', 'sessionize', '--', 'export.ndjson'],
      scratch,
    );

    expect(typed.stderr).not.toContain('no such file');
    expect(typed.status).toBe(0);
    expect(typed.stdout).toContain('typed-here');
  }, 60_000);

  it('npm run sessionize without -s, its output in a pipe after the lines npm writes, says to run it with -s', () => {
    // npm's default, whatever an npm run around this test was given (-s sets it for every npm below).
    const loud = run(
      'npm',
      ['--prefix', REPO, 'run', 'sessionize', '--', '--format', 'json', 'export.ndjson'],
      scratch,
      { npm_config_loglevel: 'notice' },
    );
    expect(loud.status).toBe(0);
    expect(loud.stdout).toMatch(/^\s*> sessionizer@/);
    expect(loud.stderr).toContain('run npm run -s sessionize -- … (or npx sessionize)\n');

    const silent = run(
      'npm',
      ['--prefix', REPO, 'run', '-s', 'sessionize', '--', '--format', 'json', 'export.ndjson'],
      scratch,
    );
    expect(silent.stderr).toBe('');
    expect(JSON.parse(silent.stdout)).toMatchObject({ sessions: [{ userId: 'typed-here' }] });
  }, 60_000);

  it('node bin/sessionize.mjs reads them from its own folder, whatever INIT_CWD an npm run around it set', () => {
    const direct = run(process.execPath, [BIN, 'export.ndjson'], scratch, {
      INIT_CWD: elsewhere,
      npm_lifecycle_event: 'sessionize',
    });

    expect(direct.status).toBe(0);
    expect(direct.stdout).toContain('typed-here');
  }, 60_000);
});
