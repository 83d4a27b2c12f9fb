// `npm run viewer:build` says a usage error as the other commands do: its message, the usage, status 2.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('refuses an unknown option with the usage and status 2', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'viewer/build.ts', '--outdir', 'x'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.stderr).toMatch(/^viewer:build: Unknown option '--outdir'.*\n\nUsage: npm run viewer:build/s);
  expect(result.status).toBe(2);
}, 30_000);
