// Two stacks on two data dirs given one SESSIONIZER_DROP_DIR each uploaded every dropped file to their own
// bucket, and the one that lost the race to move it logged an ENOENT as "not uploaded yet".
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { lockDropFolder } from '../../../local/drop-uploads.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('refuses a drop folder another stack watches, naming it and what to do; free again once released', () => {
  dir = mkdtempSync(join(tmpdir(), 'drop-lock-'));
  const first = lockDropFolder(dir);
  expect(() => lockDropFolder(dir)).toThrow(
    `another local stack (pid ${process.pid}) watches the drop folder ${dir}: each file dropped would go to ` +
      'both; stop it, or give this one a drop folder of its own (SESSIONIZER_DROP_DIR)',
  );
  // A dotfile: the drop folder never uploads it.
  expect(readdirSync(dir).every((name) => name.startsWith('.'))).toBe(true);
  first.release();
  lockDropFolder(dir).release();
  expect(existsSync(dir)).toBe(true);
});
