// Every command's usage error shows a control character it was given (a tab, an escape, a bidirectional
// override) as its escape, once: escaped by usageErrorText as sessionize's always were, and a value the
// message quotes is quoted as it is, so its escape is not escaped again (a tab as \t, never \\t).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-escapes-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (script: string, args: readonly string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SESSIONIZER_DATA_DIR: dataDir, ...env },
    timeout: 20_000,
  });

it.each([
  [
    'scripts/viewer.ts',
    ['--api-url', 'http://127.0.0.1:1/', '--port', '1\t0'],
    'viewer: --port',
    '(got "1\\t0")',
  ],
  ['scripts/viewer.ts', ['--x\u202e'], 'viewer: Unknown option', "'--x\\u202e'"],
  ['viewer/build.ts', ['--x\t'], 'viewer:build: Unknown option', "'--x\\t'"],
  ['bench/measure-cost.ts', ['--events', '1\t0'], 'measure-cost: --events', '(got "1\\t0")'],
  ['bench/measure-cost.ts', ['--x\x1b[31m'], 'measure-cost: Unknown option', "'--x\\x1b[31m'"],
  ['local/rebuild.ts', ['--segments', '1\t0'], 'rebuild: --segments', 'not "1\\t0"'],
  ['local/rebuild.ts', ['--gap', '2\t0'], 'rebuild: --gap is no option', 'SESSION_GAP_MINUTES=2\\t0'],
  ['bench/run.ts', ['--seed', '1\t0'], 'bench: --seed', 'got 1\\t0'],
  ['bench/write-export.ts', ['--events', '1\t0'], 'generate: --events', '(got "1\\t0")'],
  ['local/upload.ts', ['--x\t'], 'upload: Unknown option', "'--x\\t'"],
  ['local/upload.ts', [], 'upload: no files given', ''],
  ['bench/scan-throughput.ts', ['--x\t'], 'scan-throughput: Unknown option', "'--x\\t'"],
  ['bench/scan-throughput.ts', ['--rounds', '1\t0'], 'scan-throughput: --rounds', '(got "1\\t0")'],
  ['bench/scan-throughput.ts', ['--format', 'x\x1b[31m'], 'scan-throughput: --format', '(got "x\\x1b[31m")'],
  ['bench/profile.ts', ['--x\u202e'], 'profile: Unknown option', "'--x\\u202e'"],
  ['bench/profile.ts', ['p.cpuprofile', '--top', '1\t0'], 'profile: --top', '(got "1\\t0")'],
  ['bench/profile.ts', [], 'profile: no profile file given', ''],
])(
  '%s %j',
  (script, args, starts, shown) => {
    const result = run(script, args);
    const [first, help] = result.stderr.split('\n');
    expect(first).toMatch(new RegExp(`^${starts.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(first).toContain(shown);
    expect(help).toMatch(/^Try '.* --help' for the options\.$/);
    expect(result.status).toBe(2);
  },
  30_000,
);

it("shows a rules variable's value in rebuild's usage error escaped once, as npm start does", () => {
  const result = run('local/rebuild.ts', [], { SESSION_GAP_MINUTES: '2\t0\u202e' });
  expect(result.stderr.split('\n')[0]).toContain('SESSION_GAP_MINUTES: must be a decimal number');
  expect(result.stderr.split('\n')[0]).toContain('(got "2\\t0\\u202e")');
  expect(result.status).toBe(2);
}, 30_000);
