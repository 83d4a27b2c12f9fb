// The benchmark and measurement scripts answer --help, and refuse an unknown option with their usage.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });

describe.each([
  ['bench/run.ts', 'Usage: npm run bench'],
  ['scripts/measure-cost.ts', 'Usage: npx tsx scripts/measure-cost.ts'],
  ['scripts/bundle-size.ts', 'Usage: npm run bundle-size'],
])('%s', (script, usage) => {
  it('prints its usage for --help and measures nothing', () => {
    const result = run(script, '--help');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
  });

  it('refuses an unknown option with exit status 2 and its usage, without a stack trace', () => {
    const result = run(script, '--no-such-option');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(usage);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
