// Shared plumbing for the local servers: reaping child processes when the host process goes away,
// picking free ports, and keeping the tail of a child's output for error messages.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Readable } from 'node:stream';

const liveChildren = new Set<ChildProcess>();
let reaperInstalled = false;
/** Set by a host that stops its children in order on a signal ({@link stopChildrenOnSignalsMyself}). */
let signalsHandledByHost = false;

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killAllSync(): void {
  for (const child of liveChildren) {
    if (isRunning(child)) {
      try {
        // SIGKILL: on the way out there is no time to wait for a graceful JVM shutdown.
        child.kill('SIGKILL');
      } catch {
        // Already gone; nothing to reap.
      }
    }
  }
  liveChildren.clear();
}

function installReaper(): void {
  if (reaperInstalled) {
    return;
  }
  reaperInstalled = true;
  // `exit` covers normal exits, process.exit() and uncaught exceptions.
  process.on('exit', killAllSync);
  // A signal without a listener kills Node without running `exit` handlers, which is exactly how test
  // runners stop workers (vitest sends SIGTERM to forks). Reap, then re-raise so the default action
  // (terminate) still happens unless someone else has taken responsibility for the signal.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (signalsHandledByHost) return;
      killAllSync();
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) {
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/**
 * For a host whose own signal handlers stop its children in order (`npm start`): a signal then no longer
 * kills them at once, so what still talks to them gets its grace; they are still killed if the host exits
 * with any left running.
 */
export function stopChildrenOnSignalsMyself(): void {
  signalsHandledByHost = true;
}

/**
 * Kills `child` if this process exits or is terminated by SIGINT/SIGTERM/SIGHUP before it was stopped.
 * SIGKILL (or the OOM killer) cannot be intercepted; see watchForParentDeath for that case.
 */
export function reapOnExit(child: ChildProcess): void {
  installReaper();
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

// Runs in a tiny separate Node process: its IPC channel closes when this process dies for any reason,
// including SIGKILL, and then it kills the guarded pid.
const WATCHDOG_SOURCE = `
process.on('disconnect', () => {
  try { process.kill(Number(process.argv[1]), 'SIGKILL'); } catch {}
  process.exit(0);
});
`;

/**
 * For children that cannot notice our death themselves (a JVM has no idea who started it): a watchdog
 * process kills `child` if this process is SIGKILLed, so a crashed or force-killed test worker does not
 * leave a JVM behind holding memory and a port. The watchdog goes away with the child.
 */
export function watchForParentDeath(child: ChildProcess): void {
  if (child.pid === undefined) {
    return;
  }
  // detached: a SIGKILL of this process's whole group (what kills a stuck `npm start`) must not take the
  // watchdog with it, as the child it guards may be in a group of its own.
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(child.pid)], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    detached: true,
  });
  watchdog.on('error', () => {
    // Best effort: without a watchdog we are back to reapOnExit's guarantees.
  });
  // Neither the process nor its channel may keep this process alive.
  watchdog.unref();
  watchdog.channel?.unref();
  reapOnExit(watchdog);
  // Once the child is gone its pid may be reused; the watchdog must not outlive it.
  child.once('exit', () => {
    if (isRunning(watchdog)) {
      watchdog.kill('SIGKILL');
    }
  });
}

/** Resolves when `child` has exited; SIGTERM first, SIGKILL after `graceMs`. */
export async function terminate(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (!isRunning(child)) {
    liveChildren.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (isRunning(child)) {
      child.kill('SIGKILL');
    }
  }, graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
    liveChildren.delete(child);
  }
}

/** Binds `port` (0 = any) on `host` and releases it again; resolves the port, or undefined if taken. */
function probePort(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(undefined) : reject(error),
    );
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A port that was free a moment ago. Only for servers we cannot ask to bind port 0 and report back
 * (DynamoDB Local); callers must be ready to retry if another process grabs it in between.
 * `host` should be what the server will bind: DynamoDB Local binds 0.0.0.0.
 */
export async function findFreePort(host = '0.0.0.0'): Promise<number> {
  const port = await probePort(0, host);
  if (port === undefined) {
    throw new Error('could not find a free port');
  }
  return port;
}

/** Whether `port` can be bound on `host` right now. */
export async function isPortFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return (await probePort(port, host)) !== undefined;
}

/** Keeps the last `limit` characters written to the given streams, for diagnosable startup errors. */
export class OutputTail {
  private text = '';

  constructor(private readonly limit = 8_000) {}

  attach(...streams: (Readable | null | undefined)[]): this {
    for (const stream of streams) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.text = (this.text + chunk).slice(-this.limit);
      });
    }
    return this;
  }

  toString(): string {
    return this.text.trim();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * From /proc (Linux): when the process started, whether it is a zombie (dead, not yet reaped), and its
 * parent's pid; undefined where there is no /proc or the process is gone.
 */
export function procStat(
  pid: number,
): { start: string | undefined; zombie: boolean; parentPid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): state is field 3, ppid 4, start 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { start: fields[19], zombie: fields[0] === 'Z', parentPid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}
