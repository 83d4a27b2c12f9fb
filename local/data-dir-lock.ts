// One `npm start` per data dir: two stacks on the same files would each run a DynamoDB Local on the same
// database and each deliver the same queue. The lock is a file naming its holder (pid, and the process's
// start time where /proc tells it, so a recycled pid is not mistaken for the holder); a lock whose holder
// is gone (killed with SIGKILL, say) is stale and taken over. The running stack also records its
// endpoints, sources and rules in it, which is how `npm run upload`, `replay` and `rebuild` find the stack of a
// data dir.
import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { INPUT_FORMATS } from '../contract/index.js';
import { procStat } from './process-utils.js';

const holderSchema = z.object({
  pid: z.number().int().positive(),
  /** Clock ticks after boot at which the process started (Linux); tells a recycled pid apart. */
  processStart: z.string().optional(),
  since: z.string(),
  apiUrl: z.string().optional(),
  s3Endpoint: z.string().optional(),
  dynamoDbEndpoint: z.string().optional(),
  /** The stack's sources, so that `npm run upload` puts files where this stack ingests them. */
  sources: z
    .array(z.object({ name: z.string(), prefix: z.string(), format: z.enum(INPUT_FORMATS) }))
    .optional(),
  /**
   * The fingerprint of the session rules the stack's ingest runs: `npm run rebuild` finishes only once no
   * ingest of the old rules can still write.
   */
  rulesFingerprint: z.string().optional(),
  /**
   * Why the stack's ingest refuses every upload, as it said at start (its rules are not those the data dir's
   * sessions were cut under, rules-mismatch.ts): `npm run upload` says it too.
   */
  rulesRefusal: z.string().optional(),
  /** The command holding the lock when it is no stack (`npm run rebuild`); absent for `npm start`. */
  command: z.string().optional(),
});

export type LockHolder = z.infer<typeof holderSchema>;

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      holder.command === undefined
        ? `another local stack (pid ${holder.pid}, running since ${holder.since}) is using the data dir ${dataDir}; ` +
            `stop it first (kill ${holder.pid}), or give this one its own data dir: SESSIONIZER_DATA_DIR=<dir> npm start`
        : `\`${holder.command}\` (pid ${holder.pid}, running since ${holder.since}) is using the data dir ${dataDir}; ` +
            'wait for it to finish, then try again',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  /** Records the running stack's endpoints and sources for the other commands. */
  update(
    endpoints: Pick<
      LockHolder,
      'apiUrl' | 's3Endpoint' | 'dynamoDbEndpoint' | 'sources' | 'rulesFingerprint' | 'rulesRefusal'
    >,
  ): void;
  release(): void;
}

const LOCK_FILE = 'lock';
/** A takeover that has not finished in this long was cut short by a crash. */
const STALE_TAKEOVER_MS = 10_000;

/**
 * Alive, and the same process: a container's pid is often reused by the next container's stack, and a
 * stack killed with SIGKILL can linger as a zombie where the container's init is slow to reap it.
 */
function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(holder.pid);
  if (stat === undefined) return true;
  return !stat.zombie && (holder.processStart === undefined || stat.start === holder.processStart);
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The live stack holding the data dir's lock, if any. */
export function liveLockHolder(dataDir: string): LockHolder | undefined {
  const holder = readHolder(join(dataDir, LOCK_FILE));
  return holder !== undefined && isAlive(holder) ? holder : undefined;
}

/** Writes the holder to a file of its own first: readers never see a lock half-written. */
function withHolderFile<T>(path: string, holder: LockHolder, place: (temporary: string) => T): T {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(holder));
  try {
    return place(temporary);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Creates the lock unless it exists (link fails on an existing name, atomically). */
function createLock(path: string, holder: LockHolder): boolean {
  return withHolderFile(path, holder, (temporary) => {
    try {
      linkSync(temporary, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  });
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Removes the stale lock `stale`, unless another starter is doing that right now. */
function takeOver(path: string, stale: LockHolder | undefined): void {
  const mutex = `${path}.takeover`;
  try {
    mkdirSync(mutex);
  } catch {
    try {
      if (Date.now() - statSync(mutex).mtimeMs > STALE_TAKEOVER_MS) rmdirSync(mutex);
    } catch {
      // Finished meanwhile.
    }
    return;
  }
  try {
    // Re-read under the mutex: only the lock found stale may be removed, not one just taken by another.
    if (JSON.stringify(readHolder(path)) === JSON.stringify(stale)) rmSync(path, { force: true });
  } finally {
    rmdirSync(mutex);
  }
}

/**
 * Takes the data dir's lock, or throws DataDirLockedError naming the live holder. `command` names a holder
 * that is no stack (`npm run rebuild`), so that the other commands do not take it for one. `file` names
 * another lock file (the drop folder's).
 */
export function acquireDataDirLock(
  dataDir: string,
  options: { command?: string; file?: string } = {},
): DataDirLock {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    // Node says only `EEXIST: file already exists, mkdir` for a file there (or ENOTDIR for one above it).
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    throw new Error(
      `the data dir ${dataDir} is not a folder (a file is in its place): set SESSIONIZER_DATA_DIR to a folder`,
      { cause: error },
    );
  }
  const path = join(dataDir, options.file ?? LOCK_FILE);
  const processStart = procStat(process.pid)?.start;
  let holder: LockHolder = {
    pid: process.pid,
    since: new Date().toISOString(),
    ...(processStart !== undefined && { processStart }),
    ...(options.command !== undefined && { command: options.command }),
  };
  const deadline = Date.now() + STALE_TAKEOVER_MS + 2_000;
  while (!createLock(path, holder)) {
    const current = readHolder(path);
    if (current !== undefined && isAlive(current)) throw new DataDirLockedError(dataDir, current);
    if (Date.now() > deadline) {
      throw new Error(`could not take the lock ${path}; delete it if no local stack uses ${dataDir}`);
    }
    takeOver(path, current);
    sleepSync(10);
  }
  const isOurs = () => readHolder(path)?.pid === process.pid;
  const release = (): void => {
    if (isOurs()) rmSync(path, { force: true });
    process.off('exit', release);
  };
  // Also on process.exit() without stop(); a SIGKILL leaves the lock, and the next start takes it over.
  process.on('exit', release);
  return {
    update: (endpoints) => {
      holder = { ...holder, ...endpoints };
      if (isOurs()) withHolderFile(path, holder, (temporary) => renameSync(temporary, path));
    },
    release,
  };
}
