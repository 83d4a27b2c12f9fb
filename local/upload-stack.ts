// Which stack `npm run upload` sends to, as the data dir's lock names it: its S3 endpoint, its sources, and
// whether it refuses every file (it started under other rules than the data dir's sessions).
import type { SourceDefinition } from '../contract/index.js';
import type { LockHolder } from './data-dir-lock.js';
import { readyStackOf } from './running-stack.js';

/** The data dir's lock as the command read it, once: the live stack holding it, if any. */
export interface StackLock {
  readonly dataDir: string;
  readonly holder: LockHolder | undefined;
}

/**
 * S3_PORT's endpoint; without it, the one the stack running on the data dir names in its lock. With no stack
 * there, whatever answers on the default port is another data dir's stack (or nothing): never guessed.
 */
export function s3Endpoint(port: number | undefined, stackLock: StackLock): string {
  if (port !== undefined) return `http://127.0.0.1:${port}`;
  const stack = readyStackOf(stackLock.holder, stackLock.dataDir);
  if (stack.s3Endpoint === undefined)
    throw new Error(`the local stack (pid ${stack.pid}) is still starting; try again once it is ready.`);
  return stack.s3Endpoint;
}

/**
 * The sources the stack on the data dir recorded in its lock, unless S3_PORT names another stack: a stack
 * started with SESSIONIZER_SOURCES ingests under its own prefixes, which the default `incoming/` may not be.
 */
export function stackSources(
  s3Port: number | undefined,
  holder: LockHolder | undefined,
): SourceDefinition[] | undefined {
  if (holder?.sources === undefined || holder.s3Endpoint === undefined) return undefined;
  if (s3Port !== undefined && Number(new URL(holder.s3Endpoint).port) !== s3Port) return undefined;
  return holder.sources;
}

/**
 * Why the stack at `endpoint` ingests none of the files, when it started under other rules than the data dir's
 * sessions were cut under (it said so at start, and recorded it in its lock); undefined when it takes them.
 */
export function rulesRefusal(endpoint: string, holder: LockHolder | undefined): string | undefined {
  if (holder?.rulesRefusal === undefined || holder.s3Endpoint !== endpoint) return undefined;
  return `the local stack (pid ${holder.pid}) ingests none of these files: ${holder.rulesRefusal}`;
}
