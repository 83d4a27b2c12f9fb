// npm run rebuild on a data dir that holds no database: nothing to rebuild, and nothing left behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const parent = mkdtempSync(join(tmpdir(), 'sessionizer-rebuild-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

it('says there is nothing to rebuild on a data dir that does not exist, and creates none', () => {
  // A mistyped SESSIONIZER_DATA_DIR: DynamoDB Local started on it would leave a folder and an empty database.
  const dataDir = join(parent, 'mistyped');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/rebuild.ts'], {
    encoding: 'utf8',
    env: { ...process.env, SESSIONIZER_DATA_DIR: dataDir },
    timeout: 60_000,
  });
  expect(result.stderr).toBe(
    `rebuild: no sessions table in ${dataDir}: nothing was ingested there, so there is nothing to rebuild\n`,
  );
  expect(result.status).toBe(1);
  expect(existsSync(dataDir)).toBe(false);
}, 90_000);
