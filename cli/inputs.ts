import { createReadStream, createWriteStream, fstatSync, rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BatchInput } from './batch.js';
import { directoryFiles, readProblem, type SkippedFile, SOCKET } from './directory-files.js';
import { SpoolError } from './line-spool.js';

export interface PreparedInputs {
  readonly inputs: BatchInput[];
  /** Names that cannot be read at all, with the reason. */
  readonly problems: InputProblem[];
  /** Files in a folder named that are not exports by their name, and hidden folders in it: left unread. */
  readonly skipped: SkippedFile[];
  cleanup(): Promise<void>;
}

/** A name that cannot be read at all, with why, and the index of the input it came before (its place). */
export interface InputProblem {
  readonly file: string;
  readonly reason: string;
  readonly before: number;
}

export const STDIN_NAME = '-';

/**
 * A name whose bytes reached the CLI as U+FFFD (npx and npm run decode their arguments before passing them on,
 * so inputPaths finds no bytes to open): what to do instead.
 */
const LOST_BYTES =
  ' (\ufffd stands for bytes of the name that are not UTF-8, lost on the way here, as npx and npm run pass ' +
  'such names on: name the folder it is in, or run bin/sessionize.mjs itself)';

function fileInput(name: string, path: string | Buffer, walked = false): BatchInput {
  return { name, open: () => createReadStream(path, { highWaterMark: 256 * 1024 }), walked };
}

/**
 * Checks every named file before reading any, so a typo is reported with its reason and never as an empty
 * result. A directory stands for every file below it (`directoryFiles`). Standard input, and any input that
 * is not a regular file (a pipe such as `<(zcat …)`, a FIFO; a socket opens for no one), is spooled to a
 * temporary file first: a tie-break may need to read it again, and a pipe reads only once. Each name opens by
 * its entry in `paths` (the bytes of one that is not UTF-8, `inputPaths`). A temporary folder that cannot
 * take it is a {@link SpoolError}.
 */
export async function prepareInputs(
  names: readonly string[],
  stdin: NodeJS.ReadableStream,
  paths: readonly (string | Buffer)[] = names,
): Promise<PreparedInputs> {
  const inputs: BatchInput[] = [];
  // Each in its place among the inputs, so that files are listed in the order they were named and found.
  const problems: InputProblem[] = [];
  const skipped: SkippedFile[] = [];
  let spoolDir: string | undefined;
  // Also on an interrupted run: the process's exit hooks run (cli/main.ts turns signals into exits).
  const removeSpool = () => {
    if (spoolDir !== undefined) rmSync(spoolDir, { recursive: true, force: true });
  };
  const spool = async (source: NodeJS.ReadableStream, file: string): Promise<string> => {
    if (spoolDir === undefined) {
      try {
        spoolDir = await mkdtemp(join(tmpdir(), 'sessionize-'));
      } catch (error) {
        throw new SpoolError(tmpdir(), error);
      }
      process.on('exit', removeSpool);
    }
    const path = join(spoolDir, file);
    const target = createWriteStream(path);
    // The source's own failures (an unreadable pipe) are the input's; the target's are the folder's.
    let targetFailed: unknown;
    target.once('error', (error) => {
      targetFailed = error;
    });
    try {
      await pipeline(source, target);
    } catch (error) {
      throw targetFailed === undefined ? error : new SpoolError(spoolDir, targetFailed);
    }
    return path;
  };
  let stdinPath: string | undefined;
  for (const [at, name] of names.entries()) {
    if (name === STDIN_NAME) {
      // Node reads a directory given as standard input (`- < dir`) as an empty stream.
      if (stdin === process.stdin && fstatSync(0).isDirectory()) {
        problems.push({
          file: STDIN_NAME,
          reason: 'is a directory; give its path instead of redirecting it',
          before: inputs.length,
        });
        continue;
      }
      stdinPath ??= await spool(stdin, 'stdin');
      inputs.push(fileInput(STDIN_NAME, stdinPath));
      continue;
    }
    // A name that is not UTF-8 opens by the bytes it was given as (`inputPaths`).
    const path = paths[at] ?? name;
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        const found = await directoryFiles(name, path);
        for (const problem of found.problems)
          problems.push({ ...problem, before: inputs.length + problem.before });
        for (const file of found.files) inputs.push(fileInput(file.name, file.path, true));
        skipped.push(...found.skipped);
        if (found.files.length === 0 && found.problems.length === 0) {
          const reason =
            found.skipped.length === 0
              ? 'is a directory with no files in it'
              : 'is a directory with no export files in it';
          problems.push({ file: name, reason, before: inputs.length });
        }
      } else if (info.isFile()) {
        inputs.push(fileInput(name, path));
      } else if (info.isSocket()) {
        problems.push({ file: name, reason: `is a socket, ${SOCKET}`, before: inputs.length });
      } else {
        inputs.push(fileInput(name, await spool(createReadStream(path), `input-${inputs.length}`)));
      }
    } catch (error) {
      if (error instanceof SpoolError) throw error;
      const lostBytes = typeof path === 'string' && name.includes('\ufffd');
      const reason = readProblem(error) + (lostBytes ? LOST_BYTES : '');
      problems.push({ file: name, reason, before: inputs.length });
    }
  }
  return {
    inputs,
    problems,
    skipped,
    cleanup: async () => {
      process.off('exit', removeSpool);
      if (spoolDir !== undefined) await rm(spoolDir, { recursive: true, force: true });
    },
  };
}
