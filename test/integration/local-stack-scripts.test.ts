// The npm scripts a user runs beside `npm start`, against a stack of their own (own ports, own data dir):
// `npm run upload` (from another directory, under every source prefix, with no stack running),
// `npm run replay` and `npm run dlq`, and `npm run erase` (the erase route only: API Gateway's routes).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../local/process-utils.js';
import { type Ports, runScript, StackProcess, startOnFreePorts } from '../helpers/local-servers.js';
import { defaultSdkClient } from './local-s3-harness.js';
import {
  BUCKET,
  getJson,
  project,
  runUpload,
  sessionsOf,
  sleep,
  smallExport,
  stackEnv,
  waitUntil,
} from './local-stack-harness.js';

describe('npm start (local stack)', () => {
  let dataDir: string;
  let scratch: string;
  let ports: Ports;
  let apiUrl: string;
  let stack: StackProcess | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-stack-'));
    scratch = mkdtempSync(join(tmpdir(), 'sessionizer-stack-files-'));
    ({ stack, ports } = await startOnFreePorts((candidate) =>
      StackProcess.start(['npm', 'start'], candidate, stackEnv(dataDir)),
    ));
    apiUrl = `http://127.0.0.1:${ports.api}`;
  });

  afterAll(() => {
    stack?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  // First, while the bucket is empty: a replay of nothing says why, not 'would enqueue 0 objects' alone.
  it('npm run replay on an empty bucket says it is empty and how files get there', async () => {
    const empty = await runScript('replay', ['--dry-run'], scratch, { SESSIONIZER_DATA_DIR: dataDir });
    expect(empty.status, empty.stderr).toBe(0);
    expect(empty.stdout).toBe(
      'would enqueue 0 objects (dry run: nothing enqueued)\n' +
        'no object is under the source prefixes (incoming/, segment-logs/, rudder-logs/): the bucket is empty. ' +
        `\`SESSIONIZER_DATA_DIR=${dataDir} npm run upload -- FILE...\` puts export files under incoming/, as does ` +
        `copying them into the drop folder (${dataDir}/drop/ unless npm start was given SESSIONIZER_DROP_DIR)\n`,
    );
  }, 30_000);

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

  it('npm run upload --keep-path takes a name that starts with two dots, and refuses a way up', async () => {
    writeFileSync(join(scratch, '..dots.ndjson'), smallExport('upload dots user', '2024-03-02'));

    const taken = await runUpload(['--keep-path', '..dots.ndjson'], scratch, ports.s3);
    expect(taken.status, taken.stderr).toBe(0);
    expect(taken.stdout).toContain('s3://sessionizer-local/incoming/..dots.ndjson');

    mkdirSync(join(scratch, 'sub dir'), { recursive: true });
    const refused = await runUpload(['--keep-path', '../..dots.ndjson'], join(scratch, 'sub dir'), ports.s3);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('--keep-path needs files under the current directory');
  }, 30_000);

  it('npm run upload without S3_PORT finds the port of the stack running on the data dir', async () => {
    const userId = 'upload found by data dir';
    writeFileSync(join(scratch, 'found.ndjson'), smallExport(userId, '2024-03-03'));
    const result = await runScript('upload', ['found.ndjson'], scratch, {
      SESSIONIZER_DATA_DIR: dataDir,
      S3_PORT: '',
    });
    expect(result.status, result.stderr).toBe(0);
    const sessions = await waitUntil('the uploaded user', 20_000, () => sessionsOf(apiUrl, userId));
    expect(sessions.map((session) => session.eventCount)).toEqual([2]);
  }, 30_000);

  it('npm run upload fails clearly when no stack is running', async () => {
    const free = await findFreePort();
    writeFileSync(join(scratch, 'any.ndjson'), smallExport('nobody', '2024-03-02'));
    const result = await runUpload(['any.ndjson'], scratch, free);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the local stack is not running');
    expect(result.stderr).toContain(`S3_PORT=${free}`);
  }, 30_000);

  it('npm run upload without S3_PORT refuses when no stack runs on the data dir, rather than guess a port', async () => {
    const idle = mkdtempSync(join(tmpdir(), 'sessionizer-idle-'));
    try {
      writeFileSync(join(scratch, 'any.ndjson'), smallExport('nobody', '2024-03-02'));
      const result = await runScript('upload', ['any.ndjson'], scratch, {
        SESSIONIZER_DATA_DIR: idle,
        S3_PORT: '',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`the local stack is not running on the data dir ${idle}`);
      expect(result.stdout).not.toContain('s3://');
    } finally {
      rmSync(idle, { recursive: true, force: true });
    }
  }, 30_000);

  it('npm run upload refuses two files that would be stored under one key, before reaching any stack', async () => {
    mkdirSync(join(scratch, 'day-1'), { recursive: true });
    mkdirSync(join(scratch, 'day-2'), { recursive: true });
    writeFileSync(join(scratch, 'day-1', 'events.ndjson'), smallExport('first', '2024-03-02'));
    writeFileSync(join(scratch, 'day-2', 'events.ndjson'), smallExport('second', '2024-03-02'));
    const result = await runUpload(
      ['day-1/events.ndjson', 'day-2/events.ndjson'],
      scratch,
      await findFreePort(),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('would both be stored as incoming/events.ndjson');
  }, 30_000);

  it('npm run upload refuses a --prefix with a leading /, before reaching any stack', async () => {
    writeFileSync(join(scratch, 'any.ndjson'), smallExport('nobody', '2024-03-02'));
    const result = await runUpload(['--prefix', '/abs/', 'any.ndjson'], scratch, await findFreePort());
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      '--prefix is a folder inside the bucket, such as incoming/: no leading /',
    );
  }, 30_000);

  it('npm run upload refuses a --prefix with a "." or ".." segment, before reaching any stack', async () => {
    writeFileSync(join(scratch, 'any.ndjson'), smallExport('nobody', '2024-03-02'));
    for (const prefix of ['../../', 'incoming/../x/', './incoming/']) {
      const result = await runUpload(['--prefix', prefix, 'any.ndjson'], scratch, await findFreePort());
      expect(result.status, prefix).toBe(2);
      expect(result.stderr).toContain('no "." or ".." in it');
    }
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
    // A prefix of no object (a typo) is named as such, beside the folders the bucket does hold.
    const typo = await runScript('replay', ['--prefix', 'incomng/', '--dry-run'], scratch, env);

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
    expect(reports.stdout).not.toContain('no object is under');
    expect(typo.status, typo.stderr).toBe(0);
    expect(typo.stdout).toBe(
      'would enqueue 0 objects (dry run: nothing enqueued)\n' +
        `no object is under --prefix "incomng/": the bucket's objects are under incoming/, rejected/, segment-logs/\n`,
    );
  }, 90_000);

  it("answers as a stage's API Gateway a method no route takes: its 404, from no function", async () => {
    const answers = await Promise.all(
      [
        ['DELETE', '/users/upload%20cli%20user%2B1'],
        ['POST', '/users/upload%20cli%20user%2B1/sessions'],
        ['PUT', '/admin/users/upload%20cli%20user%2B1'],
      ].map(([method, path]) => fetch(`${apiUrl}${path}`, { method })),
    );
    for (const answer of answers) {
      expect(answer.status, answer.url).toBe(404);
      expect(await answer.json()).toEqual({ message: 'Not Found' });
    }
  }, 30_000);

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
    const s3 = defaultSdkClient(`http://127.0.0.1:${ports.s3}`);
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
});
