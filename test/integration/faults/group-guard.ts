// The stack under test runs in its own process group, so neither a test runner that kills its worker nor
// a Ctrl-C of `npm run soak` reaches it. A tiny watchdog, tied to this process by an IPC channel, kills the
// whole group when that channel closes: when this process is gone, however it went.
import { spawn } from 'node:child_process';

// Ignores the terminal's signals (it shares this process's group): only the channel closing decides.
const GUARD_SOURCE = `
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);
process.on('disconnect', () => {
  try { process.kill(-Number(process.argv[1]), 'SIGKILL'); } catch {}
  process.exit(0);
});
`;

export interface GroupGuard {
  /** The group is gone (or handed over): stop watching, so a reused id is never signalled. */
  release(): void;
}

export function guardProcessGroup(pgid: number): GroupGuard {
  const guard = spawn(process.execPath, ['-e', GUARD_SOURCE, String(pgid)], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  guard.on('error', () => undefined);
  // Neither the guard nor its channel may keep this process alive.
  guard.unref();
  guard.channel?.unref();
  return {
    release: () => {
      if (guard.exitCode === null && guard.signalCode === null) guard.kill('SIGKILL');
    },
  };
}
