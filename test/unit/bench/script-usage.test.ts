// The benchmark and measurement scripts answer --help, and refuse an unknown option with exit status 2: with
// the error and where the help is, as sessionize does (and bench/profile.ts an input it cannot read in one line,
// exit status 1, as sessionize says one).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });

describe.each([
  [
    'bench/run.ts',
    'Usage: npm run bench',
    "bench: Unknown option '--no-such-option'\nTry 'npm run bench -- --help' for the options.\n",
  ],
  [
    'bench/measure-cost.ts',
    'Usage: npx tsx bench/measure-cost.ts',
    "measure-cost: Unknown option '--no-such-option'\nTry 'npx tsx bench/measure-cost.ts --help' for the options.\n",
  ],
  [
    'bench/scan-throughput.ts',
    'Usage: npx tsx bench/scan-throughput.ts',
    "scan-throughput: Unknown option '--no-such-option'\nTry 'npx tsx bench/scan-throughput.ts --help' for the options.\n",
  ],
  [
    'bench/profile.ts',
    'Usage: npx tsx bench/profile.ts',
    "profile: Unknown option '--no-such-option' (a file named --no-such-option goes after a -- of its own: -- --no-such-option)\nTry 'npx tsx bench/profile.ts --help' for the options.\n",
  ],
  [
    'scripts/bundle-size.ts',
    'Usage: npm run bundle-size',
    "bundle-size: takes no options\nTry 'npm run bundle-size -- --help' for the options.\n",
  ],
])('%s', (script, usage, refusal) => {
  it('prints its usage for --help and measures nothing', () => {
    const result = run(script, '--help');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
  });

  it('refuses an unknown option with exit status 2, without a stack trace', () => {
    const result = run(script, '--no-such-option');
    expect(result.status).toBe(2);
    // The error alone, then where the help is: the whole help after it would scroll it out of view.
    expect(result.stderr).toBe(refusal);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});

describe('bench/profile.ts', () => {
  // One line, not readFileSync's stack; status 1, as sessionize and npm run upload give a file they cannot
  // read: the command line was read, the file is at fault (2 would say the options were).
  it('refuses a profile file that is not there with exit status 1, in one line', () => {
    const result = run('bench/profile.ts', 'bench/out/prof/no-such.cpuprofile');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'profile: cannot read bench/out/prof/no-such.cpuprofile: no such file (usage: npx tsx bench/profile.ts <file.cpuprofile> [--top N] [--callees NAME])\n',
    );
    expect(result.stdout).toBe('');
  });

  it.each([
    ['not JSON', 'node --cpu-prof'],
    ['JSON that is no CPU profile', '{"nodes": 3}'],
  ])('refuses a file that is %s with exit status 1, in one line', (_what, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-'));
    try {
      const file = join(dir, 'x.cpuprofile');
      writeFileSync(file, text);
      const result = run('bench/profile.ts', file);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `profile: ${file} is not a V8 CPU profile (as node --cpu-prof writes one)\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
