// `npm start` end to end, as a user runs it: the stack is started as a child process with its own ports
// and data dir, conformance files are uploaded through the S3 API with a default-configured SDK client
// (shuffled, one twice), every expected session is read back over HTTP, the drop folder is used once, a
// second start on the same data dir is refused, Ctrl-C must stop every process, and a restart (after
// SIGTERM, or after a SIGKILL) must serve the same data. The npm scripts beside it: local-stack-scripts.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedSession } from '../helpers/conformance-cases.js';
import { seededShuffle } from '../helpers/conformance-cases.js';
import { isAlive, type Ports, ROOT, StackProcess, startOnFreePorts } from '../helpers/local-servers.js';
import { defaultSdkClient } from './local-s3-harness.js';
import {
  BUCKET,
  busyExport,
  CASE_DIR,
  caseSpec,
  expectedByUser,
  getJson,
  mismatchedUsers,
  runUpload,
  type SessionsPage,
  sessionsOf,
  sleep,
  smallExport,
  stackEnv,
  waitUntil,
} from './local-stack-harness.js';

/** Users of the upload the Ctrl-C test stops in the middle of. */
const INTERRUPTED_PREFIX = 'interrupted user';
const INTERRUPTED_USERS = 400;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('npm start (local stack)', () => {
  let dataDir: string;
  let scratch: string;
  let ports: Ports;
  let apiUrl: string;
  let stack: StackProcess | undefined;
  /** A cursor handed out before the restart, and the page it led to. */
  let cursorProbe: { userId: string; cursor: string; nextPage: ExpectedSession[] } | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-stack-'));
    scratch = mkdtempSync(join(tmpdir(), 'sessionizer-stack-files-'));
  });

  afterAll(() => {
    stack?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves exactly the expected sessions of files uploaded with a default S3 client, shuffled and one twice', async () => {
    ({ stack, ports } = await startOnFreePorts((candidate) =>
      StackProcess.start(['npm', 'start'], candidate, stackEnv(dataDir)),
    ));
    apiUrl = `http://127.0.0.1:${ports.api}`;
    expect(stack.output).toContain(`http://127.0.0.1:${ports.api}`);
    expect(stack.output).toContain(`http://127.0.0.1:${ports.s3}`);
    expect(stack.output).toContain('npm run upload -- events/sample-export.ndjson');
    expect(stack.output).toMatch(/curl -s '.*\/users\/[^/]+\/sessions\?order=asc'/);
    expect(stack.output).toMatch(/ {2}Data +\S+ +\(delete it while stopped to start empty\)/);
    expect(stack.output).toContain(`Session rules   gap ${caseSpec.gapMinutes} min, stitching off`);

    // The acceptance upload is the whole case directory (`random-split/*`), so case.json and expected.json
    // go too: they must be reported as bad input without adding sessions.
    const names = readdirSync(CASE_DIR).sort();
    expect(names).toEqual(expect.arrayContaining(caseSpec.files));
    const order = seededShuffle(names, 'local-stack');
    // The smallest export goes twice: redelivery is what is tested, not throughput.
    const twice = [...caseSpec.files].sort(
      (a, b) => statSync(join(CASE_DIR, a)).size - statSync(join(CASE_DIR, b)).size,
    )[0] as string;
    order.splice(Math.floor(order.length / 2), 0, twice);

    // Only what every S3 client needs: checksums stay at the SDK defaults (streamed bodies go aws-chunked).
    const s3 = defaultSdkClient(`http://127.0.0.1:${ports.s3}`);
    try {
      for (const [index, name] of order.entries()) {
        const path = join(CASE_DIR, name);
        const key = `incoming/${name}`;
        if (index % 3 === 0) {
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: readFileSync(path) }));
        } else if (index % 3 === 1) {
          await s3.send(
            new PutObjectCommand({
              Bucket: BUCKET,
              Key: key,
              Body: createReadStream(path),
              ContentLength: statSync(path).size,
            }),
          );
        } else {
          await new Upload({
            client: s3,
            params: { Bucket: BUCKET, Key: key, Body: createReadStream(path) },
          }).done();
        }
      }
      for (const name of names) {
        const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `incoming/${name}` }));
        const stored = await object.Body?.transformToByteArray();
        expect(stored && sha256(stored), `incoming/${name} stored byte-identical`).toBe(
          sha256(readFileSync(join(CASE_DIR, name))),
        );
      }
    } finally {
      s3.destroy();
    }

    const running = stack;
    // Generous: ingesting this case takes ~20 s of CPU, and the machine may be shared (with the other test
    // worker too: 60 s of wall time was seen beside local-stack-scripts.test.ts, 140 s under heavier load).
    // Every upload logged, each file at least once: a slow ingest may be redelivered and logged twice.
    const logged = () => {
      const lines = running.ingestLines();
      const allNamed = names.every((name) => lines.some((line) => line.includes(` incoming/${name}:`)));
      return allNamed && lines.length >= order.length ? true : undefined;
    };
    await waitUntil(`an ingest log line for each of the ${names.length} files`, 240_000, logged).catch(
      (error: unknown) => {
        throw new Error(`${(error as Error).message}; output of npm start:\n${running.output}`);
      },
    );
    expect(running.ingestLines().filter((line) => / FAILED /.test(line))).toEqual([]);
    for (const name of caseSpec.files) {
      expect(running.output).toContain(`ingested incoming/${name}:`);
    }

    const mismatched = await waitUntil('every user to match expected.json', 20_000, async () => {
      const users = await mismatchedUsers(apiUrl);
      return users.length === 0 ? users : undefined;
    }).catch(async (error: unknown) => {
      throw new Error(
        `${(error as Error).message}; still different: ${(await mismatchedUsers(apiUrl)).join(', ')}`,
      );
    });
    expect(mismatched).toEqual([]);

    // A cursor handed out now must still work after the restart below (the signing key is persisted).
    const userId = [...expectedByUser.entries()].find(([, sessions]) => sessions.length > 3)?.[0] as string;
    const first = (await getJson(`${apiUrl}/users/${encodeURIComponent(userId)}/sessions?order=asc&limit=2`))
      .body as SessionsPage;
    expect(first.nextCursor).not.toBeNull();
    const cursor = first.nextCursor as string;
    const next = (
      await getJson(
        `${apiUrl}/users/${encodeURIComponent(userId)}/sessions?order=asc&limit=2&cursor=${encodeURIComponent(cursor)}`,
      )
    ).body as SessionsPage;
    cursorProbe = { userId, cursor, nextPage: next.sessions };
  }, 360_000);

  it('uploads a file dropped into the drop folder and moves it to done/', async () => {
    const userId = 'drop folder user';
    writeFileSync(join(dataDir, 'drop', 'dropped file.ndjson'), smallExport(userId, '2024-03-03'));
    await waitUntil('the dropped file in done/', 20_000, () =>
      existsSync(join(dataDir, 'drop', 'done', 'dropped file.ndjson')) ? true : undefined,
    );
    expect(existsSync(join(dataDir, 'drop', 'dropped file.ndjson'))).toBe(false);
    const sessions = await waitUntil('the dropped user', 20_000, () => sessionsOf(apiUrl, userId));
    expect(sessions.map((session) => session.eventCount)).toEqual([2]);
  }, 30_000);

  it('refuses a second npm start on the same data dir, naming the pid that holds it', async () => {
    const holder = JSON.parse(readFileSync(join(dataDir, 'lock'), 'utf8')) as { pid: number };
    const second = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', S3_PORT: '0', DYNAMODB_PORT: '0', SESSIONIZER_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    second.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    second.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const status = await new Promise<number | null>((resolve) => second.once('close', resolve));

    expect(status, output).toBe(1);
    expect(output).toContain(`another local stack (pid ${holder.pid}`);
    expect((stack as StackProcess).members().length).toBeGreaterThan(0);
  }, 30_000);

  it('stops every process on Ctrl-C', async () => {
    const running = stack as StackProcess;
    const members = running.members();
    const jvm = members.find(({ args }) => args.includes('DynamoDBLocal.jar'));
    const s3rver = members.find(({ args }) => args.includes('s3rver-process'));
    expect(jvm, members.map(({ args }) => args).join('\n')).toBeDefined();
    expect(s3rver).toBeDefined();

    // An upload that takes a while to merge, so that the stop most likely cuts its ingest short.
    writeFileSync(
      join(scratch, 'interrupted.ndjson'),
      busyExport(INTERRUPTED_PREFIX, INTERRUPTED_USERS, 60, '2024-03-04'),
    );
    const upload = await runUpload(['interrupted.ndjson'], scratch, ports.s3);
    expect(upload.status, upload.stderr).toBe(0);
    await sleep(300);

    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-running.pid, 'SIGINT');
    const exit = await running.exited;
    // npm's own status after Ctrl-C depends on its shell (the stack itself exited 0 after "stopped.").
    expect([0, 130, 'SIGINT'], running.output).toContain(exit.code ?? exit.signal);
    // Between the two, an ingest the stop cut short says it is given back for the next start, and only
    // that: not the error its next call met once the servers were gone.
    expect(running.output).toMatch(/SIGINT: stopping\.\.\.\n(?:.*\n)*?.*stopped\./);
    const afterStop = running.output.slice(running.output.indexOf('SIGINT: stopping...'));
    expect(afterStop).not.toMatch(/ingest (error|warning)|ECONNREFUSED/);
    expect(running.output).not.toMatch(/DEAD-LETTERED|goes to the dead-letter queue/);
    // The servers ignore the terminal's Ctrl-C (DynamoDB Local runs in a group of its own): the stack
    // stops them once the running ingest had its grace.
    expect(running.output).not.toMatch(/exited unexpectedly/);
    await waitUntil('every process of the stack to be gone', 10_000, () =>
      running.gone() ? true : undefined,
    );
    expect(isAlive((jvm as { pid: number }).pid)).toBe(false);
    expect(isAlive((s3rver as { pid: number }).pid)).toBe(false);
  }, 30_000);

  it('serves the same sessions after a restart on the same data dir; SIGTERM makes it exit 0', async () => {
    // As if the stack had been stopped while ingesting the dropped file: the next start must ingest it.
    const ledgerPath = join(dataDir, 'ingest-ledger.ndjson');
    const ledger = readFileSync(ledgerPath, 'utf8').split('\n');
    const kept = ledger.filter((line) => !line.includes('"incoming/dropped file.ndjson"'));
    expect(kept.length).toBe(ledger.length - 1);
    writeFileSync(ledgerPath, kept.join('\n'));

    // The start script's own command, without npm around it, so its exit status is the stack's.
    stack = await StackProcess.start(
      [process.execPath, '--import', 'tsx', 'local/main.ts'],
      ports,
      stackEnv(dataDir),
    );
    const restarted = stack;
    expect(restarted.output).toContain(
      "(an earlier run's sessions, kept; delete it while stopped to start empty)",
    );
    expect(await mismatchedUsers(apiUrl)).toEqual([]);

    // The object missing from the ledger is ingested again; so is any the Ctrl-C above cut short, to no
    // change (a busy machine may still be redelivering the case's files then).
    const isDropped = (line: string) => line.includes(' incoming/dropped file.ndjson:');
    await waitUntil('the unfinished object to be ingested', 30_000, () =>
      restarted.ingestLines().some(isDropped) ? true : undefined,
    );
    await sleep(500);
    const lines = restarted.ingestLines();
    expect(lines.filter(isDropped)).toEqual([
      expect.stringMatching(
        / ingested incoming\/dropped file\.ndjson: 2 events, 0 rejected, 1 user, 0 sessions written/,
      ),
    ]);
    // The upload the Ctrl-C most likely cut short is whole, whatever part of it was merged before.
    for (const user of [0, INTERRUPTED_USERS - 1]) {
      const sessions = await waitUntil('the interrupted upload to be ingested', 60_000, async () => {
        const served = await sessionsOf(apiUrl, `${INTERRUPTED_PREFIX} ${user}`);
        return served?.length === 1 && served[0]?.eventCount === 60 ? served : undefined;
      });
      expect(sessions.map((session) => session.eventCount)).toEqual([60]);
    }
    const isInterrupted = (line: string) => line.includes(' incoming/interrupted.ndjson:');
    for (const line of lines.filter((line) => !isDropped(line) && !isInterrupted(line))) {
      expect(line).toMatch(/ (ingested|NOT entirely read:) incoming\/[^:]+: .*, 0 sessions written/);
    }

    const probe = cursorProbe as NonNullable<typeof cursorProbe>;
    const page = await getJson(
      `${apiUrl}/users/${encodeURIComponent(probe.userId)}/sessions?order=asc&limit=2&cursor=${encodeURIComponent(probe.cursor)}`,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect((page.body as SessionsPage).sessions).toEqual(probe.nextPage);

    const members = restarted.members();
    expect(members.some(({ args }) => args.includes('DynamoDBLocal.jar'))).toBe(true);
    // As `kill <pid>` or a process manager stops it: only the top process gets the signal.
    process.kill(restarted.pid, 'SIGTERM');
    const exit = await restarted.exited;
    expect(exit, restarted.output).toEqual({ code: 0, signal: null });
    expect(restarted.output).toContain('stopped.');
    // Stopped in order, not killed with the signal.
    expect(restarted.output).not.toMatch(/exited unexpectedly/);
    await waitUntil('every process of the stack to be gone', 15_000, () =>
      members.every(({ pid }) => !isAlive(pid)) ? true : undefined,
    );
  }, 180_000);

  it('converges after a SIGKILL right after an upload: the next start takes over the lock and ingests it', async () => {
    const userId = 'killed mid-ingest user';
    writeFileSync(join(scratch, 'killed.ndjson'), smallExport(userId, '2024-03-05'));
    const killed = await StackProcess.start(['npm', 'start'], ports, stackEnv(dataDir));
    const upload = await runUpload(['killed.ndjson'], scratch, ports.s3);
    expect(upload.status, upload.stderr).toBe(0);

    expect(killed.members().some(({ args }) => args.includes('DynamoDBLocal.jar'))).toBe(true);
    killed.kill();
    await killed.exited;
    expect(existsSync(join(dataDir, 'lock'))).toBe(true);
    // DynamoDB Local, in a group of its own, is ended by its watchdog.
    await waitUntil('the killed stack to be gone', 15_000, () => (killed.gone() ? true : undefined));

    stack = await StackProcess.start(
      [process.execPath, '--import', 'tsx', 'local/main.ts'],
      ports,
      stackEnv(dataDir),
    );
    const sessions = await waitUntil('the user uploaded before the SIGKILL', 30_000, () =>
      sessionsOf(apiUrl, userId),
    );
    expect(sessions.map((session) => session.eventCount)).toEqual([2]);
    expect(await mismatchedUsers(apiUrl)).toEqual([]);

    const restarted = stack;
    process.kill(restarted.pid, 'SIGTERM');
    expect(await restarted.exited, restarted.output).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
  }, 150_000);
});
