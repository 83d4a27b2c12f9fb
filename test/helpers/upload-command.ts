import { spawnSync } from 'node:child_process';
import { findFreePort } from '../../local/process-utils.js';

/**
 * Runs `npm run upload` as npm does (in the package root, INIT_CWD the directory the command was typed in),
 * with `scratch` as that directory and as the data dir, and a free S3 port no stack listens on.
 */
export async function runUpload(scratch: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'local/upload.ts', ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      INIT_CWD: scratch,
      SESSIONIZER_DATA_DIR: scratch,
      S3_PORT: String(await findFreePort()),
    },
    timeout: 20_000,
  });
}
