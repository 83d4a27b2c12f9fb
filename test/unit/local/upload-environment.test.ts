// `npm run upload` with a variable it refuses: a usage error as its others are, the value made visible once.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'sessionizer-upload-environment-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function upload(env: NodeJS.ProcessEnv) {
  writeFileSync(join(scratch, 'a.ndjson'), '');
  return spawnSync(process.execPath, ['--import', 'tsx', 'local/upload.ts', 'a.ndjson'], {
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: scratch, SESSIONIZER_DATA_DIR: scratch, ...env },
    timeout: 20_000,
  });
}

const HELP = "Try 'npm run upload -- --help' for the options.\n";

it('refuses a bad S3_PORT with where the help is, a bidirectional control in it escaped', () => {
  const result = upload({ S3_PORT: '80\u202e\t' });
  expect(result.stderr).toBe(
    `upload: S3_PORT must be a port number from 1 to 65535 (got "80\\u202e\\t")\n${HELP}`,
  );
  expect(result.status).toBe(2);
}, 30_000);

it("names every variable refused, SESSIONIZER_SOURCES's JSON escapes shown once", () => {
  const source = '{"name":"a","prefix":"a/","format":"auto","pre\\tfix":1,"pre\\tfix":2}';
  const result = upload({ S3_PORT: 'x', SESSIONIZER_SOURCES: `[${source}]` });
  expect(result.stderr).toBe(
    'upload: S3_PORT must be a port number from 1 to 65535 (got "x"); ' +
      `SESSIONIZER_SOURCES names "pre\\tfix" twice (JSON would keep only the last one): give each field of a source once\n${HELP}`,
  );
  expect(result.status).toBe(2);
}, 30_000);
