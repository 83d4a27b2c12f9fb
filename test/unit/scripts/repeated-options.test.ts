// Every command refuses an option given twice, as sessionize and npm run erase do: parseArgs would keep the
// last and drop the first without a word (`npm run upload -- --prefix a/ --prefix b/` uploading to b/ only).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-repeated-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it.each([
  ['local/upload.ts', ['--prefix', 'a/', '--prefix', 'b/', 'f.ndjson'], 2, 'upload: --prefix'],
  ['local/rebuild.ts', ['--segments', '2', '--segments', '3'], 2, 'rebuild: --segments'],
  ['scripts/viewer.ts', ['--api-url', 'http://127.0.0.1:1/', '--port=0', '--port', '0'], 2, 'viewer: --port'],
  ['viewer/build.ts', ['--out', join(dataDir, 'a'), '--out', join(dataDir, 'b')], 2, 'viewer:build: --out'],
  ['bench/write-export.ts', ['--events', '5', '--events', '6'], 2, '--events'],
])(
  '%s refuses %j',
  (script, args, status, said) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
      encoding: 'utf8',
      env: { ...process.env, SESSIONIZER_DATA_DIR: dataDir },
      // Taking the last --port, the viewer would serve until killed.
      timeout: 20_000,
    });
    expect(result.stderr).toContain(`${said} is given twice; give it once`);
    expect(result.status).toBe(status);
  },
  30_000,
);
