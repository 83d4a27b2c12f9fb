// `npm start` end to end, as a user runs it: the stack is started as a child process with its own ports
// and data dir, conformance files are uploaded through the S3 API with a default-configured SDK client
// (shuffled, one twice), every expected session is read back over HTTP, `npm run upload` and the drop
// folder are used once each, Ctrl-C must stop every process, and a restart must serve the same data.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIMIT } from '../../functions/api/query-params.js';
import { findFreePort } from '../../local/process-utils.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/s3-client.js';
import { seededShuffle } from '../helpers/conformance-cases.js';
import {
  groupMembers,
  isAlive,
  type Ports,
  ROOT,
  runScript,
  StackProcess,
  startOnFreePorts,
} from '../helpers/local-servers.js';

const CASE_DIR = join(ROOT, 'test/fixtures/conformance/random-split');
const BUCKET = 'sessionizer-local';

interface ExpectedSession {
  userId: string;
  sessionNumber: number;
  startedAt: string;
  endedAt: string;
  eventCount: number;
}

interface SessionsPage {
  sessions: ExpectedSession[];
  nextCursor: string | null;
}

const caseSpec = JSON.parse(readFileSync(join(CASE_DIR, 'case.json'), 'utf8')) as {
  files: string[];
  gapMinutes: number;
};
const expected = JSON.parse(readFileSync(join(CASE_DIR, 'expected.json'), 'utf8')) as {
  sessions: ExpectedSession[];
};
const expectedByUser = new Map<string, ExpectedSession[]>();
for (const session of expected.sessions) {
  const list = expectedByUser.get(session.userId) ?? [];
  list.push(session);
  expectedByUser.set(session.userId, list);
}

/** What every stack of this file runs with, besides its ports. */
const stackEnv = (dataDir: string) => ({
  SESSION_GAP_MINUTES: String(caseSpec.gapMinutes),
  SESSIONIZER_DATA_DIR: dataDir,
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

/** Every session of `userId`, oldest first, following nextCursor. */
async function sessionsOf(
  apiUrl: string,
  userId: string,
  limit = MAX_LIMIT,
): Promise<ExpectedSession[] | undefined> {
  const sessions: ExpectedSession[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ order: 'asc', limit: String(limit) });
    if (cursor !== null) query.set('cursor', cursor);
    const { status, body } = await getJson(`${apiUrl}/users/${encodeURIComponent(userId)}/sessions?${query}`);
    if (status === 404) return undefined;
    expect(status, JSON.stringify(body)).toBe(200);
    const page = body as SessionsPage;
    sessions.push(...page.sessions);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return sessions;
}

const project = ({ userId, sessionNumber, startedAt, endedAt, eventCount }: ExpectedSession) => ({
  userId,
  sessionNumber,
  startedAt,
  endedAt,
  eventCount,
});

/** Users whose served sessions differ from expected.json (all of them match: empty). */
async function mismatchedUsers(apiUrl: string): Promise<string[]> {
  const users = [...expectedByUser.keys()];
  const results = await Promise.all(
    users.map(async (userId) => {
      const served = await sessionsOf(apiUrl, userId);
      const same =
        served !== undefined &&
        JSON.stringify(served.map(project)) ===
          JSON.stringify((expectedByUser.get(userId) ?? []).map(project));
      return same ? undefined : userId;
    }),
  );
  return results.filter((userId): userId is string => userId !== undefined);
}

/** Two events ten minutes apart: one session. */
function smallExport(userId: string, day: string): string {
  return [
    { type: 'track', event: 'Opened', userId, timestamp: `${day}T09:00:00.000Z`, messageId: `${userId}-1` },
    { type: 'track', event: 'Closed', userId, timestamp: `${day}T09:10:00.000Z`, messageId: `${userId}-2` },
  ]
    .map((event) => JSON.stringify(event))
    .join('\n');
}

const runUpload = (args: string[], cwd: string, s3Port: number) =>
  runScript('upload', args, cwd, { S3_PORT: String(s3Port) });

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
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${ports.s3}`,
      region: LOCAL_REGION,
      forcePathStyle: true,
      credentials: { ...LOCAL_CREDENTIALS },
    });
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
    // Generous: ingesting this case takes ~20 s of CPU, and the machine may be shared.
    // Every upload logged, each file at least once: a slow ingest may be redelivered and logged twice.
    const logged = () => {
      const lines = running.ingestLines();
      const allNamed = names.every((name) => lines.some((line) => line.includes(` incoming/${name}:`)));
      return allNamed && lines.length >= order.length ? true : undefined;
    };
    await waitUntil(`an ingest log line for each of the ${names.length} files`, 150_000, logged).catch(
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
  }, 270_000);

  it('npm run upload puts files under incoming/ (paths with spaces, --keep-path from another directory)', async () => {
    const userId = 'upload cli user+1';
    mkdirSync(join(scratch, 'sub dir'), { recursive: true });
    writeFileSync(join(scratch, 'sub dir', 'cli export.ndjson'), smallExport(userId, '2024-03-01'));

    const result = await runUpload(['--keep-path', 'sub dir/cli export.ndjson'], scratch, ports.s3);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('s3://sessionizer-local/incoming/sub dir/cli export.ndjson');

    const sessions = await waitUntil('the uploaded user', 20_000, () => sessionsOf(apiUrl, userId));
    expect(sessions.map(project)).toEqual([
      {
        userId,
        sessionNumber: 1,
        startedAt: '2024-03-01T09:00:00.000Z',
        endedAt: '2024-03-01T09:10:00.000Z',
        eventCount: 2,
      },
    ]);
  }, 30_000);

  it('npm run upload fails clearly when no stack is running', async () => {
    const free = await findFreePort();
    writeFileSync(join(scratch, 'any.ndjson'), smallExport('nobody', '2024-03-02'));
    const result = await runUpload(['any.ndjson'], scratch, free);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the local stack is not running');
    expect(result.stderr).toContain(`S3_PORT=${free}`);
  }, 30_000);

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

  it('ingests uploads under every source prefix, and stores but never ingests those under rejected/', async () => {
    const userId = 'segment destination user';
    writeFileSync(join(scratch, '1704157200456.a.ndjson'), smallExport(userId, '2024-03-04'));

    // A prefix is a folder, its final slash added when left out.
    const segment = await runUpload(
      ['--prefix', 'segment-logs/q1Zx8pQ2mV/1704153600000', '1704157200456.a.ndjson'],
      scratch,
      ports.s3,
    );
    const rejected = await runUpload(['--prefix', 'rejected/', '1704157200456.a.ndjson'], scratch, ports.s3);

    expect(segment.status, segment.stderr).toBe(0);
    expect(segment.stderr).not.toContain('not ingested');
    expect(segment.stdout).toContain(
      's3://sessionizer-local/segment-logs/q1Zx8pQ2mV/1704153600000/1704157200456.a.ndjson',
    );
    const sessions = await waitUntil('the Segment destination user', 20_000, () =>
      sessionsOf(apiUrl, userId),
    );
    expect(sessions.map((session) => session.eventCount)).toEqual([2]);
    expect(rejected.status, rejected.stderr).toBe(0);
    expect(rejected.stderr).toContain('rejected/1704157200456.a.ndjson is stored but not ingested');
    await sleep(500);
    expect((stack as StackProcess).output).not.toMatch(/(ingested|NOT entirely read:) rejected\//);
  }, 30_000);

  it('npm run replay lists on --dry-run, enqueues again otherwise; npm run dlq lists the dead letters', async () => {
    const env = { SESSIONIZER_DATA_DIR: dataDir };
    const running = stack as StackProcess;
    const key = 'incoming/sub dir/cli export.ndjson';

    const dryRun = await runScript('replay', ['--prefix', 'incoming/sub dir/', '--dry-run'], scratch, env);
    const linesBefore = running.ingestLines().length;
    const replay = await runScript('replay', ['--prefix', 'incoming/sub dir/'], scratch, env);
    const dlq = await runScript('dlq', [], scratch, env);
    const badDay = await runScript('replay', ['--since', '2024-02-30'], scratch, env);
    // The rejection report an earlier test stored is listed, and named as what the ingest never reads.
    const reports = await runScript('replay', ['--prefix', 'rejected/', '--dry-run'], scratch, env);

    expect(dryRun.status, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain(
      `would enqueue 1 object (dry run: nothing enqueued):\n  s3://${BUCKET}/${key}`,
    );
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stdout).toContain(`enqueued 1 object:\n  s3://${BUCKET}/${key}`);
    await waitUntil('the replayed object to be ingested again', 20_000, () =>
      running.ingestLines().length > linesBefore ? true : undefined,
    );
    expect(running.ingestLines().slice(linesBefore)).toEqual([
      expect.stringContaining(`ingested ${key}: 2 events`),
    ]);
    expect(dlq.status, dlq.stderr).toBe(0);
    expect(dlq.stdout.trim()).toBe('0 dead letters');
    expect(badDay.status).toBe(2);
    expect(badDay.stderr).toContain('--since must be a day as YYYY-MM-DD, not "2024-02-30"');
    expect(reports.status, reports.stderr).toBe(0);
    expect(reports.stdout).toMatch(
      /^would enqueue 0 objects .*\nskipped \d+ objects? the ingest does not read:\n/,
    );
    expect(reports.stdout).toContain(
      `  s3://${BUCKET}/rejected/1704157200456.a.ndjson  (a rejection report under rejected/)\n`,
    );
  }, 60_000);

  it('npm run erase erases a user; replaying their export then reports the events as erased, storing none', async () => {
    const env = { SESSIONIZER_DATA_DIR: dataDir };
    const running = stack as StackProcess;
    const userId = 'upload cli user+1';
    const key = 'incoming/sub dir/cli export.ndjson';
    expect(await sessionsOf(apiUrl, userId)).toHaveLength(1);

    const erase = await runScript('erase', ['--user', userId], scratch, env);
    const afterErase = await getJson(`${apiUrl}/users/${encodeURIComponent(userId)}/sessions`);
    const linesBefore = running.ingestLines().length;
    const replay = await runScript('replay', ['--prefix', 'incoming/sub dir/'], scratch, env);
    await waitUntil('the replayed object to be ingested again', 20_000, () =>
      running.ingestLines().length > linesBefore ? true : undefined,
    );

    expect(erase.status, erase.stderr).toBe(0);
    expect(erase.stdout).toContain(`erased user "${userId}": `);
    expect(Number(/(\d+) items? deleted/.exec(erase.stdout)?.[1])).toBeGreaterThan(0);
    expect(afterErase.status).toBe(404);
    expect(replay.status, replay.stderr).toBe(0);
    expect(running.ingestLines().slice(linesBefore)).toEqual([
      expect.stringContaining(`ingested ${key}: 2 events, 0 rejected, 1 user, 0 sessions written`),
    ]);
    expect(running.ingestLines().at(-1)).toContain('2 of erased users');
    expect(await sessionsOf(apiUrl, userId)).toBeUndefined();
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${ports.s3}`,
      region: LOCAL_REGION,
      forcePathStyle: true,
      credentials: { ...LOCAL_CREDENTIALS },
    });
    try {
      const report = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `rejected/${key}.ndjson` }));
      const lines = (await report.Body?.transformToString())?.trim().split('\n') ?? [];
      expect(lines.map((line) => (JSON.parse(line) as { reason: string }).reason)).toEqual([
        'erased',
        'erased',
      ]);
    } finally {
      s3.destroy();
    }
  }, 60_000);

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
    expect(groupMembers((stack as StackProcess).pid).length).toBeGreaterThan(0);
  }, 30_000);

  it('stops every process on Ctrl-C', async () => {
    const running = stack as StackProcess;
    const members = groupMembers(running.pid);
    const jvm = members.find(({ args }) => args.includes('DynamoDBLocal.jar'));
    const s3rver = members.find(({ args }) => args.includes('s3rver-process'));
    expect(jvm, members.map(({ args }) => args).join('\n')).toBeDefined();
    expect(s3rver).toBeDefined();

    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-running.pid, 'SIGINT');
    const exit = await running.exited;
    // npm's own status after Ctrl-C depends on its shell (the stack itself exited 0 after "stopped.").
    expect([0, 130, 'SIGINT'], running.output).toContain(exit.code ?? exit.signal);
    expect(running.output).toMatch(/SIGINT: stopping\.\.\.\n.*stopped\./);
    await waitUntil('every process of the stack to be gone', 10_000, () =>
      groupMembers(running.pid).length === 0 ? true : undefined,
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
    expect(await mismatchedUsers(apiUrl)).toEqual([]);

    // Only the object missing from the ledger is ingested again.
    await waitUntil('the unfinished object to be ingested', 30_000, () =>
      restarted.ingestLines().length > 0 ? true : undefined,
    );
    await sleep(500);
    expect(restarted.ingestLines()).toEqual([
      expect.stringMatching(
        / ingested incoming\/dropped file\.ndjson: 2 events, 0 rejected, 1 user, 0 sessions written/,
      ),
    ]);

    const probe = cursorProbe as NonNullable<typeof cursorProbe>;
    const page = await getJson(
      `${apiUrl}/users/${encodeURIComponent(probe.userId)}/sessions?order=asc&limit=2&cursor=${encodeURIComponent(probe.cursor)}`,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect((page.body as SessionsPage).sessions).toEqual(probe.nextPage);

    const members = groupMembers(restarted.pid);
    expect(members.some(({ args }) => args.includes('DynamoDBLocal.jar'))).toBe(true);
    // As `kill <pid>` or a process manager stops it: only the top process gets the signal.
    process.kill(restarted.pid, 'SIGTERM');
    const exit = await restarted.exited;
    expect(exit, restarted.output).toEqual({ code: 0, signal: null });
    expect(restarted.output).toContain('stopped.');
    await waitUntil('every process of the stack to be gone', 15_000, () =>
      members.every(({ pid }) => !isAlive(pid)) ? true : undefined,
    );
  }, 120_000);

  it('converges after a SIGKILL right after an upload: the next start takes over the lock and ingests it', async () => {
    const userId = 'killed mid-ingest user';
    writeFileSync(join(scratch, 'killed.ndjson'), smallExport(userId, '2024-03-05'));
    const killed = await StackProcess.start(['npm', 'start'], ports, stackEnv(dataDir));
    const upload = await runUpload(['killed.ndjson'], scratch, ports.s3);
    expect(upload.status, upload.stderr).toBe(0);

    killed.kill();
    await killed.exited;
    expect(existsSync(join(dataDir, 'lock'))).toBe(true);
    await waitUntil('the killed stack to be gone', 15_000, () =>
      groupMembers(killed.pid).length === 0 ? true : undefined,
    );

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
