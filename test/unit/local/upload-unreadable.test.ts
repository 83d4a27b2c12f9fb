// `npm run upload` of a file it cannot read (missing, a name before a / that is a file): not a usage error.
// It names the file and why, as sessionize does, and exits 1; a refused command line keeps status 2.
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

  it('keeps status 2 for a folder given as a file, a usage error', async () => {
    mkdirSync(join(scratch, 'day'), { recursive: true });
    const result = await upload(['day']);
    expect(result.stderr).toContain('day: not a file (pass the files themselves, e.g. dir/*)');
    expect(result.status).toBe(2);
  }, 30_000);
});
