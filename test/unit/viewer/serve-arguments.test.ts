// `npm run viewer` without an API to call: the error names both ways to give one, the local stack's API among
// them, so a newcomer running the stack on this machine need not look it up.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { DEFAULT_PORTS } from '../../../local/stack-config.js';

it("without --stage or --api-url, names the local stack's API URL and exits 2", () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'viewer/serve.ts'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const firstLine = result.stderr.split('\n')[0];
  expect(firstLine).toContain('viewer: give --stage (to look up the API URL) or --api-url');
  expect(firstLine).toContain(`--api-url http://127.0.0.1:${DEFAULT_PORTS.PORT}/`);
  expect(result.status).toBe(2);
}, 30_000);
