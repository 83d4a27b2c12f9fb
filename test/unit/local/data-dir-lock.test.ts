// One stack per data dir: a live holder is named, a dead one's lock is taken over.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, liveLockHolder } from '../../../local/data-dir-lock.js';

let dataDir: string;

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'lock-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('acquireDataDirLock', () => {
  it('says a data dir that is a file is no folder, naming it and the variable, instead of EEXIST', () => {
    const file = join(dataDir, 'not-a-dir');
    writeFileSync(file, 'x');
    expect(() => acquireDataDirLock(file)).toThrow(
      `the data dir ${file} is not a folder (a file is in its place): set SESSIONIZER_DATA_DIR to a folder`,
    );
    expect(() => acquireDataDirLock(join(file, 'below'))).toThrow('is not a folder');
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('refuses a second holder while the first lives, naming its pid', () => {
    const lock = acquireDataDirLock(dataDir);
    try {
      const second = () => acquireDataDirLock(dataDir);
      expect(second).toThrow(DataDirLockedError);
      expect(second).toThrow(`pid ${process.pid}`);
      expect(second).toThrow('SESSIONIZER_DATA_DIR');
    } finally {
      lock.release();
    }
  });

  it('names a holder that is no stack by its command, for npm start and the commands beside it', async () => {
    const { runningStack } = await import('../../../local/running-stack.js');
    const lock = acquireDataDirLock(dataDir, { command: 'npm run rebuild' });
    try {
      expect(liveLockHolder(dataDir)?.command).toBe('npm run rebuild');
      const start = () => acquireDataDirLock(dataDir);
      expect(start).toThrow(DataDirLockedError);
      expect(start).toThrow(`\`npm run rebuild\` (pid ${process.pid}`);
      expect(start).not.toThrow('another local stack');
      const replay = () => runningStack({ SESSIONIZER_DATA_DIR: dataDir });
      expect(replay).toThrow(`\`npm run rebuild\` (pid ${process.pid}) is using the data dir`);
      expect(replay).not.toThrow('still starting');
    } finally {
      lock.release();
    }
  });

  it('says how to start a stack on the data dir asked for when none runs there, naming it unless default', async () => {
    const { runningStack } = await import('../../../local/running-stack.js');
    const upload = () => runningStack({ SESSIONIZER_DATA_DIR: dataDir });

    // Copied as printed, a bare `npm start` would start a stack on the default data dir, not this one.
    expect(upload).toThrow(`Start it with \`SESSIONIZER_DATA_DIR=${dataDir} npm start\` in another terminal`);
    const lock = acquireDataDirLock(dataDir, { command: 'npm run rebuild' });
    try {
      expect(upload).toThrow(`then start the stack with \`SESSIONIZER_DATA_DIR=${dataDir} npm start\``);
    } finally {
      lock.release();
    }
  });

  it('takes over the lock of a process that is gone', () => {
    const pid = deadPid();
    writeFileSync(join(dataDir, 'lock'), JSON.stringify({ pid, since: '2024-01-01T00:00:00.000Z' }));

    const lock = acquireDataDirLock(dataDir);

    expect(JSON.parse(readFileSync(join(dataDir, 'lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  // Process start times come from /proc; elsewhere a live pid is taken for the holder.
  it.runIf(existsSync('/proc/self/stat'))(
    'takes over a lock whose live pid is a later process (recycled)',
    () => {
      writeFileSync(
        join(dataDir, 'lock'),
        JSON.stringify({
          pid: process.pid,
          processStart: 'not-this-process',
          since: '2024-01-01T00:00:00.000Z',
        }),
      );

      const lock = acquireDataDirLock(dataDir);

      expect(liveLockHolder(dataDir)?.processStart).not.toBe('not-this-process');
      lock.release();
    },
  );

  it.runIf(existsSync('/proc/self/stat'))(
    'takes over the lock of a zombie (killed, not yet reaped)',
    async () => {
      // `sleep` never reaps the background child its shell forked: that child is a zombie until sleep ends
      // (long enough for a loaded machine; killed at the end). The child outlives the shell's `exec` by a
      // second: ending at once, the shell could reap it first, and no zombie would be left.
      const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 120'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const zombie = Number((await once(parent.stdout, 'data'))[0]);
      await vi.waitFor(() => expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /), {
        timeout: 10_000,
      });
      writeFileSync(
        join(dataDir, 'lock'),
        JSON.stringify({ pid: zombie, since: '2024-01-01T00:00:00.000Z' }),
      );

      try {
        const lock = acquireDataDirLock(dataDir);
        expect(liveLockHolder(dataDir)?.pid).toBe(process.pid);
        lock.release();
      } finally {
        parent.kill();
      }
    },
  );

  it('takes over a lock file that is not a lock', () => {
    writeFileSync(join(dataDir, 'lock'), 'garbage');

    const lock = acquireDataDirLock(dataDir);

    expect(liveLockHolder(dataDir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('publishes the endpoints to other commands and removes the lock on release', () => {
    const lock = acquireDataDirLock(dataDir);
    lock.update({ apiUrl: 'http://127.0.0.1:3000', s3Endpoint: 'http://127.0.0.1:4569' });

    const holder = liveLockHolder(dataDir);
    lock.release();

    expect(holder).toMatchObject({ pid: process.pid, apiUrl: 'http://127.0.0.1:3000' });
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
    expect(liveLockHolder(dataDir)).toBeUndefined();
  });
});
