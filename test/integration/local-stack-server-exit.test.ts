// `npm start` when one of its servers dies under it (DynamoDB Local's JVM killed or out of memory, s3rver
// crashed): the stack must say so and exit non-zero, not keep serving 500s while every upload fails its
// receives and ends in the dead-letter queue.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, type Ports, StackProcess, startOnFreePorts } from '../helpers/local-servers.js';
import { busyExport, runUpload, sleep, stackEnv, waitUntil } from './local-stack-harness.js';

describe('npm start when a server exits under it', () => {
  let dataDir: string | undefined;
  let stack: StackProcess | undefined;

  afterEach(() => {
    stack?.kill();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  /** `npm start` on free ports in a fresh data dir. */
  async function startStack(): Promise<{ running: StackProcess; ports: Ports }> {
    const dir = mkdtempSync(join(tmpdir(), 'sessionizer-server-exit-'));
    dataDir = dir;
    const started = await startOnFreePorts((ports) =>
      StackProcess.start([process.execPath, '--import', 'tsx', 'local/main.ts'], ports, stackEnv(dir)),
    );
    stack = started.stack;
    return { running: started.stack, ports: started.ports };
  }

  /** `npm start` with an upload of `users` users' events (60 each) being ingested. */
  async function startStackIngesting(userPrefix: string, users: number): Promise<StackProcess> {
    const { running, ports } = await startStack();
    const dir = dataDir as string;
    writeFileSync(join(dir, 'busy.ndjson'), busyExport(userPrefix, users, 60, '2024-03-04'));
    const upload = await runUpload(['busy.ndjson'], dir, ports.s3);
    expect(upload.status, upload.stderr).toBe(0);
    return running;
  }

  it.each([
    ['DynamoDB Local', 'DynamoDBLocal.jar'],
    ['the local S3 (s3rver)', 's3rver-process'],
  ])(
    'stops and exits 1 saying that %s exited, leaving no process behind',
    async (what, marker) => {
      const { running, ports } = await startStack();
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
      // The start to copy is this one (its data dir, ports and rules), not a bare `npm start` on the default
      // data dir, whose other rules would refuse it or whose other sessions would be served.
      expect(running.output).toMatch(
        new RegExp(
          `Start the stack again with \`SESSIONIZER_DATA_DIR=${dataDir} PORT=${ports.api} ` +
            `S3_PORT=${ports.s3} DYNAMODB_PORT=${ports.dynamoDb} (SESSION_GAP_MINUTES=[^\`]* )?npm start\``,
        ),
      );
      await waitUntil('every process of the stack to be gone', 15_000, () =>
        running.gone() ? true : undefined,
      );
      expect(running.members().filter(({ pid }) => isAlive(pid))).toEqual([]);
    },
    150_000,
  );

  it('stops in order on a hang-up of its terminal (SIGHUP to the group): s3rver waits for its stop', async () => {
    // An ingest running when the terminal goes away: the stop gives it a few seconds, s3rver included.
    const running = await startStackIngesting('hang-up user', 400);
    await sleep(300);

    // What a terminal that goes away sends to its foreground process group.
    process.kill(-running.pid, 'SIGHUP');

    expect(await running.exited, running.output).toEqual({ code: 0, signal: null });
    expect(running.output).toContain('SIGHUP: stopping...');
    expect(running.output).not.toMatch(/exited unexpectedly/);
    await waitUntil('every process of the stack to be gone', 15_000, () =>
      running.gone() ? true : undefined,
    );
  }, 150_000);

  it('stops at once on a second Ctrl-C, saying so, and leaves no process behind', async () => {
    // A big ingest keeps the first stop waiting out its grace (5 s), so the second Ctrl-C comes while it waits.
    const running = await startStackIngesting('impatient user', 2_000);
    await sleep(500);

    process.kill(-running.pid, 'SIGINT');
    // A Ctrl-C relayed twice within 2 s counts once.
    await sleep(2_500);
    process.kill(-running.pid, 'SIGINT');

    expect(await running.exited, running.output).toEqual({ code: 1, signal: null });
    expect(running.output).toContain('SIGINT again: stopped at once');
    await waitUntil('every process of the stack to be gone', 15_000, () =>
      running.gone() ? true : undefined,
    );
  }, 150_000);
});
