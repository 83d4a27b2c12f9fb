// How the commands beside `npm start` (upload, replay, erase) find the running local stack: through the lock in
// its data dir, which names its API once it is ready.

import { dataDirEnv, shortPath } from './command-words.js';
import { type LockHolder, liveLockHolder } from './data-dir-lock.js';
import { describeError, isConnectionRefused } from './errors.js';
import { dataDirFrom } from './stack-config.js';

export interface RunningStack {
  readonly pid: number;
  readonly apiUrl: string;
}

/**
 * What the stack on the data dir of SESSIONIZER_DATA_DIR wrote in its lock once ready (its endpoints);
 * throws saying what to do when no stack is ready there.
 */
export function readyStack(env: NodeJS.ProcessEnv = process.env): LockHolder & { apiUrl: string } {
  const dataDir = dataDirFrom(env);
  return readyStackOf(liveLockHolder(dataDir), dataDir);
}

/** {@link readyStack} of a lock already read: `holder` is the live one of `dataDir`, if any. */
export function readyStackOf(
  holder: LockHolder | undefined,
  dataDir: string,
): LockHolder & { apiUrl: string } {
  if (holder === undefined) {
    throw new Error(
      `the local stack is not running on the data dir ${shortPath(dataDir)}.\n` +
        `Start it with \`${dataDirEnv(dataDir)}npm start\` in another terminal, or set SESSIONIZER_DATA_DIR to the data dir it uses.`,
    );
  }
  if (holder.command !== undefined) {
    throw new Error(
      `\`${holder.command}\` (pid ${holder.pid}) is using the data dir ${shortPath(dataDir)}, and no stack runs there; ` +
        `wait for it to finish, then start the stack with \`${dataDirEnv(dataDir)}npm start\`.`,
    );
  }
  const { apiUrl } = holder;
  if (apiUrl === undefined) {
    throw new Error(`the local stack (pid ${holder.pid}) is still starting; try again once it is ready.`);
  }
  return { ...holder, apiUrl };
}

/** The stack on the data dir of SESSIONIZER_DATA_DIR; throws saying how to start it when there is none. */
export function runningStack(env: NodeJS.ProcessEnv = process.env): RunningStack {
  const { pid, apiUrl } = readyStack(env);
  return { pid, apiUrl };
}

/** A request to the running stack's API; a stack that does not answer is named in the error. */
export async function requestStack(stack: RunningStack, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${stack.apiUrl}${path}`, init);
  } catch (error) {
    throw new Error(
      isConnectionRefused(error)
        ? `the local stack (pid ${stack.pid}) does not answer at ${stack.apiUrl}`
        : describeError(error),
    );
  }
}
