// `npm start` when one of its servers dies under it (DynamoDB Local's JVM killed or out of memory, s3rver
// crashed): the stack must say so and exit non-zero, not keep serving 500s while every upload fails its
// receives and ends in the dead-letter queue.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, StackProcess, startOnFreePorts } from '../helpers/local-servers.js';
import { stackEnv, waitUntil } from './local-stack-harness.js';

describe('npm start when a server exits under it', () => {
  let dataDir: string | undefined;
  let stack: StackProcess | undefined;

  afterEach(() => {
    stack?.kill();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['DynamoDB Local', 'DynamoDBLocal.jar'],
    ['the local S3 (s3rver)', 's3rver-process'],
  ])(
    'stops and exits 1 saying that %s exited, leaving no process behind',
    async (what, marker) => {
      dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-server-exit-'));
      const env = stackEnv(dataDir);
      ({ stack } = await startOnFreePorts((ports) =>
        StackProcess.start([process.execPath, '--import', 'tsx', 'local/main.ts'], ports, env),
      ));
      const running = stack;
      const server = running.members().find(({ args }) => args.includes(marker));
      expect(
        server,
        running
          .members()
          .map(({ args }) => args)
          .join('\n'),
      ).toBeDefined();

      process.kill((server as { pid: number }).pid, 'SIGKILL');

      const exit = await Promise.race([
        running.exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000)),
      ]);
      expect(exit, running.output).toEqual({ code: 1, signal: null });
      expect(running.output).toContain(`${what} exited unexpectedly (signal SIGKILL)`);
      await waitUntil('every process of the stack to be gone', 15_000, () =>
        running.gone() ? true : undefined,
      );
      expect(running.members().filter(({ pid }) => isAlive(pid))).toEqual([]);
    },
    150_000,
  );
});
