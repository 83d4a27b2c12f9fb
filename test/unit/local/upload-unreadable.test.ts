// `npm run upload` of a file it cannot read (missing, a name before a / that is a file): not a usage error.
// It names the file and why, as sessionize does, and exits 1; a refused command line keeps status 2, and wins
// when there are both. Every problem is named before anything is sent.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runUpload } from '../../helpers/upload-command.js';

const scratch = mkdtempSync(join(tmpdir(), 'sessionizer-upload-unreadable-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const upload = (args: string[]) => runUpload(scratch, args);

describe('upload of a file it cannot read', () => {
  it('names a missing file and why in one line, exit status 1', async () => {
    writeFileSync(join(scratch, 'here.ndjson'), '');
    const result = await upload(['here.ndjson', 'nope.ndjson']);
    expect(result.stderr).toBe('upload: nope.ndjson: no such file\n');
    expect(result.status).toBe(1);
  }, 30_000);

  it('says a name before a / is a file, not a folder, in words', async () => {
    writeFileSync(join(scratch, 'a.ndjson'), '');
    const result = await upload(['a.ndjson/x']);
    expect(result.stderr).toBe(
      'upload: a.ndjson/x: no such file (a name before a / in it is a file, not a folder)\n',
    );
    expect(result.status).toBe(1);
  }, 30_000);

  it('escapes control characters in the name it was given', async () => {
    const result = await upload(['no\tpe\u001b[31m.ndjson']);
    expect(result.stderr).toBe('upload: no\\tpe\\x1b[31m.ndjson: no such file\n');
    expect(result.status).toBe(1);
  }, 30_000);

  it('keeps status 2 for a folder given as a file, a usage error, said with where the help is', async () => {
    mkdirSync(join(scratch, 'day'), { recursive: true });
    const result = await upload(['day']);
    expect(result.stderr).toBe(`upload: day: not a file (pass the files themselves, e.g. dir/*)\n${HELP}`);
    expect(result.status).toBe(2);
  }, 30_000);
});

const HELP = "Try 'npm run upload -- --help' for the options.\n";

describe('upload with several problems', () => {
  // Every named file is checked before anything is sent: a user fixes them all in one go.
  it('names every file it cannot read, exit status 1, no help line', async () => {
    const result = await upload(['gone-1.ndjson', 'gone-2.ndjson']);
    expect(result.stderr).toBe('upload: gone-1.ndjson: no such file\nupload: gone-2.ndjson: no such file\n');
    expect(result.status).toBe(1);
  }, 30_000);

  // The order of the arguments decided it: the first bad one alone was said, with its own status.
  it.each([
    [
      ['gone.ndjson', 'dir'],
      ['gone.ndjson: no such file', 'dir: not a file (pass the files themselves, e.g. dir/*)'],
    ],
    [
      ['dir', 'gone.ndjson'],
      ['dir: not a file (pass the files themselves, e.g. dir/*)', 'gone.ndjson: no such file'],
    ],
  ])(
    'names a missing file and a folder in either order (%j), the usage error deciding the status, 2',
    async (args, said) => {
      mkdirSync(join(scratch, 'dir'), { recursive: true });
      const result = await upload(args);
      expect(result.stderr).toBe(`${said.map((line) => `upload: ${line}\n`).join('')}${HELP}`);
      expect(result.status).toBe(2);
    },
    30_000,
  );

  it('says a --prefix problem as a usage error, with the files found missing too', async () => {
    const result = await upload(['--prefix', '/abs/', 'gone.ndjson']);
    expect(result.stderr).toBe(
      `upload: --prefix is a folder inside the bucket, such as incoming/: no leading /\nupload: gone.ndjson: no such file\n${HELP}`,
    );
    expect(result.status).toBe(2);
  }, 30_000);

  it('says two files for one key, and a file outside the folder for --keep-path, as usage errors', async () => {
    for (const folder of ['day-1', 'day-2']) {
      mkdirSync(join(scratch, folder), { recursive: true });
      writeFileSync(join(scratch, folder, 'e\tvents.ndjson'), '');
    }
    const shared = await upload(['day-1/e\tvents.ndjson', 'day-2/e\tvents.ndjson']);
    expect(shared.stderr).toBe(
      `upload: ${join(scratch, 'day-1', 'e\\tvents.ndjson')} and ${join(scratch, 'day-2', 'e\\tvents.ndjson')} ` +
        'would both be stored as incoming/e\\tvents.ndjson, the second replacing the first; upload them with ' +
        `--keep-path, or one at a time with different --prefix values\n${HELP}`,
    );
    expect(shared.status).toBe(2);

    const elsewhere = mkdtempSync(join(tmpdir(), 'sessionizer-upload-elsewhere-'));
    try {
      writeFileSync(join(elsewhere, 'outside.ndjson'), '');
      const outside = await upload(['--keep-path', join(elsewhere, 'outside.ndjson')]);
      expect(outside.stderr).toBe(
        `upload: ${join(elsewhere, 'outside.ndjson')}: --keep-path needs files under the current directory (${scratch})\n${HELP}`,
      );
      expect(outside.status).toBe(2);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);
});
