// A port or a count on the command line is decimal digits: Number() would read "" as 0 (any free port) and
// "0x10" as 16, as the local stack's variables no longer do either.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-numbers-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it.each([
  [
    'scripts/viewer.ts',
    ['--api-url', 'http://127.0.0.1:1/', '--port', ''],
    'viewer: --port must be a port number from 0 to 65535 (got "")',
  ],
  ['scripts/viewer.ts', ['--api-url', 'http://127.0.0.1:1/', '--port', '0x10'], '(got "0x10")'],
  [
    'local/rebuild.ts',
    ['--segments', '0x10'],
    'rebuild: --segments must be a whole number from 1 to 40, not "0x10"',
  ],
  ['local/upload.ts', ['f.ndjson'], 'upload: S3_PORT must be a port number from 1 to 65535 (got "0x1F90")'],
])(
  '%s refuses %j',
  (script, args, said) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
      encoding: 'utf8',
      env: { ...process.env, SESSIONIZER_DATA_DIR: dataDir, S3_PORT: '0x1F90' },
      // Reading "" as port 0, the viewer would serve until killed.
      timeout: 20_000,
    });
    expect(result.stderr).toContain(said);
    expect(result.status).toBe(2);
  },
  30_000,
);
