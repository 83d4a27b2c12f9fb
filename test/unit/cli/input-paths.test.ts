import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputPaths } from '../../../cli/input-paths.js';
import { BIN, ensureCliBuilt } from '../../helpers/built-cli.js';

const bytes = (...parts: (string | number)[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from([part]))));
/** /proc/self/cmdline of `node --flag bin/sessionize.mjs ARGS`. */
const cmdline =
  (...args: Buffer[]) =>
  () =>
    Buffer.concat([bytes('node\0--flag\0bin/sessionize.mjs\0'), ...args.flatMap((arg) => [arg, bytes(0)])]);
// How Node decodes an argument: each byte that is not UTF-8 becomes U+FFFD.
const decoded = (arg: Buffer) => arg.toString('utf8');

describe('inputPaths', () => {
  const cafeE9 = bytes('caf', 0xe9, '.ndjson');
  const cafeE8 = bytes('caf', 0xe8, '.ndjson');

  it('gives the bytes of a name that is not UTF-8, and every other name as it is', () => {
    const args = [bytes('--gap'), bytes('5'), cafeE9, bytes('ok.ndjson'), bytes('-')];
    const paths = inputPaths(args.map(decoded), ['caf\ufffd.ndjson', 'ok.ndjson', '-'], cmdline(...args));
    expect(paths).toEqual([cafeE9, 'ok.ndjson', '-']);
  });

  it('tells two names that decode alike apart by their order', () => {
    const args = [cafeE9, cafeE8];
    const names = args.map(decoded);
    expect(inputPaths(names, names, cmdline(...args))).toEqual([cafeE9, cafeE8]);
    expect(inputPaths(names.toReversed(), names, cmdline(...args.toReversed()))).toEqual([cafeE8, cafeE9]);
  });

  it('keeps the names when an option value decodes like one of them in other bytes', () => {
    const args = [bytes('--report-users'), cafeE8, cafeE9];
    const paths = inputPaths(args.map(decoded), ['caf\ufffd.ndjson'], cmdline(...args));
    expect(paths).toEqual(['caf\ufffd.ndjson']);
  });

  it('keeps the names without the system file, or when it holds other arguments', () => {
    const names = ['caf\ufffd.ndjson'];
    const missing = () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(inputPaths(names, names, missing)).toEqual(names);
    expect(inputPaths(names, names, cmdline(bytes('other')))).toEqual(names);
    expect(inputPaths(names, names, () => Buffer.alloc(0))).toEqual(names);
  });
});

describe('sessionize FILE, a name that is not UTF-8', () => {
  let dir: string;
  const event = (userId: string) =>
    `${JSON.stringify({ type: 'track', userId, timestamp: '2024-01-01T09:00:00Z' })}\n`;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-latin1-'));
    // `café.ndjson` and `cafè.ndjson` in Latin-1, as an old archive extracts them, and a folder `dé`.
    writeFileSync(bytes(dir, '/caf', 0xe9, '.ndjson'), event('e9') + event('e9b'));
    writeFileSync(bytes(dir, '/caf', 0xe8, '.ndjson'), event('e8'));
    mkdirSync(bytes(dir, '/d', 0xe9));
    writeFileSync(bytes(dir, '/d', 0xe9, '/x.ndjson'), event('x'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The shell passes a glob's names, and printf's, as their bytes; Node's own arguments cannot hold them. */
  const run = (words: string) =>
    spawnSync('/bin/sh', ['-c', `exec "${process.execPath}" "${BIN}" --format json ${words}`], {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: '' },
      encoding: 'utf8',
    });

  it.runIf(process.platform === 'linux')('reads the files and folders a glob or printf names', () => {
    const run1 = run(`caf* "$(printf 'd\\351')"`);
    expect(run1.stderr).toBe('');
    expect(run1.status).toBe(0);
    const output = JSON.parse(run1.stdout) as {
      sessions: { userId: string }[];
      files: { file: string; accepted: number }[];
    };
    // The glob names caf\xe8 (one event) before caf\xe9 (two): each name reads its own file.
    expect(output.files.map(({ file, accepted }) => [file, accepted])).toEqual([
      ['caf\ufffd.ndjson', 1],
      ['caf\ufffd.ndjson (2)', 2],
      ['d\ufffd/x.ndjson', 1],
    ]);
    expect(output.sessions.map((session) => session.userId)).toEqual(['e8', 'e9', 'e9b', 'x']);
  });
});
