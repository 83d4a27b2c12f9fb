// Preloaded (`--import`) into a command under test: writes `lock read` to stderr each time the process reads a
// file named `lock` (a data dir's lock, local/data-dir-lock.ts), so a test can count them.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const readFileSync = fs.readFileSync;
fs.readFileSync = function countedReadFileSync(path, ...rest) {
  if (typeof path === 'string' && basename(path) === 'lock') process.stderr.write('lock read\n');
  return readFileSync.call(this, path, ...rest);
};
syncBuiltinESMExports();
