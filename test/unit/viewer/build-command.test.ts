// `npm run viewer:build` says a usage error as sessionize does: its message, where the help is, status 2; and
// it replaces only a folder that holds nothing but an earlier build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

it('refuses an unknown option in two lines, the error and where the help is, and status 2', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'viewer/build.ts', '--outdir', 'x'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.stderr).toMatch(
    /^viewer:build: Unknown option '--outdir'[^\n]*\nTry 'npm run viewer:build -- --help' for the options\.\n$/,
  );
  expect(result.status).toBe(2);
}, 30_000);

it.each(['notaurl', 'ftp://api.example.com/'])(
  'refuses --api-url %j as a usage error naming the option, writing nothing',
  (apiUrl) => {
    const out = join(mkdtempSync(join(tmpdir(), 'sessionizer-viewer-build-')), 'site');
    try {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'viewer/build.ts', '--api-url', apiUrl, '--out', out],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(result.stderr).toBe(
        `viewer:build: --api-url must be an absolute http(s) URL such as https://api.example.com, not "${apiUrl}"\nTry 'npm run viewer:build -- --help' for the options.\n`,
      );
      expect(result.status).toBe(2);
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dirname(out), { recursive: true, force: true });
    }
  },
  90_000,
);

it('shows a control character typed into --api-url escaped once, as every usage error does', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'viewer/build.ts', '--api-url', 'a\tb'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stderr).toBe(
    `viewer:build: --api-url must be an absolute http(s) URL such as https://api.example.com, not "a\\tb"\nTry 'npm run viewer:build -- --help' for the options.\n`,
  );
  expect(result.status).toBe(2);
}, 30_000);

describe('--out', () => {
  const build = (out: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'viewer/build.ts', '--out', out], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'sessionizer-viewer-build-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('refuses a folder holding files of its own, deleting none of them', () => {
    // `--out .` in the repository, or a site's folder: the build emptied the folder first.
    writeFileSync(join(scratch, 'README.md'), 'mine\n');
    writeFileSync(join(scratch, 'a, b'), 'mine\n');
    const result = build(scratch);
    expect(result.stderr).toBe(
      `viewer:build: --out "${scratch}" holds files the viewer does not write ("README.md", "a, b"); give a new or empty folder, or the folder of an earlier build, whose files are replaced\nTry 'npm run viewer:build -- --help' for the options.\n`,
    );
    expect(result.status).toBe(2);
    expect(readFileSync(join(scratch, 'README.md'), 'utf8')).toBe('mine\n');
  }, 90_000);

  it('refuses a file, quoting its path and showing a control character in it escaped once, leaving it as it was', () => {
    // A space and a tab: unquoted, where the name ends could not be told, and the tab was written raw.
    const file = join(scratch, 'my\tsite is');
    writeFileSync(file, 'mine\n');
    const result = build(file);
    expect(result.stderr).toBe(
      `viewer:build: --out "${scratch}/my\\tsite is" is a file; give a folder\nTry 'npm run viewer:build -- --help' for the options.\n`,
    );
    expect(result.status).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  }, 90_000);

  it('writes a relative --out in the folder npm run was typed in (INIT_CWD), as npm run upload and generate read paths', () => {
    const name = `viewer-build-init-cwd-${process.pid}`;
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'viewer/build.ts', '--out', name], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, INIT_CWD: scratch },
      });
      expect(result.status).toBe(0);
      expect(readdirSync(join(scratch, name))).toContain('index.html');
    } finally {
      // Where the build wrote it before: the repository root, npm run's folder.
      rmSync(name, { recursive: true, force: true });
    }
  }, 90_000);

  it('replaces the files of an earlier build', () => {
    const out = join(scratch, 'site');
    expect(build(out).status).toBe(0);
    const again = build(out);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      ['app.css', 'app.css.map', 'app.js', 'app.js.map', 'favicon.svg', 'index.html'].sort(),
    );
  }, 90_000);
});
