import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BatchInput } from './batch.js';

export interface PreparedInputs {
  readonly inputs: BatchInput[];
  /** Names that cannot be read at all, with the reason. */
  readonly problems: { file: string; reason: string }[];
  cleanup(): Promise<void>;
}

export const STDIN_NAME = '-';

function fileInput(name: string, path: string): BatchInput {
  return { name, open: () => createReadStream(path, { highWaterMark: 256 * 1024 }) };
}

/**
 * Checks every named file before reading any, so a typo is reported with its reason and never as an empty
 * result. Standard input is spooled to a temporary file first: a tie-break may need to read it again.
 */
export async function prepareInputs(
  names: readonly string[],
  stdin: NodeJS.ReadableStream,
): Promise<PreparedInputs> {
  const inputs: BatchInput[] = [];
  const problems: { file: string; reason: string }[] = [];
  let spoolDir: string | undefined;
  // Also on an interrupted run: the process's exit hooks run (cli/main.ts turns signals into exits).
  const removeSpool = () => {
    if (spoolDir !== undefined) rmSync(spoolDir, { recursive: true, force: true });
  };
  for (const name of names) {
    if (name === STDIN_NAME) {
      if (spoolDir === undefined) {
        spoolDir = await mkdtemp(join(tmpdir(), 'sessionize-'));
        process.on('exit', removeSpool);
        await pipeline(stdin, createWriteStream(join(spoolDir, 'stdin')));
      }
      inputs.push(fileInput(STDIN_NAME, join(spoolDir, 'stdin')));
      continue;
    }
    try {
      const info = await stat(name);
      if (info.isDirectory()) {
        problems.push({
          file: name,
          reason: `is a directory; pass the files in it instead (e.g. ${join(name, '*')})`,
        });
      } else {
        inputs.push(fileInput(name, name));
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({
        file: name,
        reason:
          code === 'ENOENT'
            ? 'no such file'
            : code === 'EACCES'
              ? 'permission denied'
              : (error as Error).message,
      });
    }
  }
  return {
    inputs,
    problems,
    cleanup: async () => {
      process.off('exit', removeSpool);
      if (spoolDir !== undefined) await rm(spoolDir, { recursive: true, force: true });
    },
  };
}
