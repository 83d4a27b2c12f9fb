// A stack started on a data dir whose sessions were cut under other rules records, in its lock, why every
// upload is refused (`rulesRefusal`, local/stack.ts), and `npm run upload`, finding the stack through that
// lock, says so; a stack under the rules they were cut under records none. The stacks run on free ports and
// a scratch data dir, as the other local-stack tests do.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runScript, type StackProcess } from '../helpers/local-servers.js';
import { sessionsOf, sleep, startStackWithGap, waitUntil } from './local-stack-harness.js';

let dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-rules-lock-'));
const dataDirs = [dataDir];
const stacks: StackProcess[] = [];
afterAll(() => {
  for (const stack of stacks) stack.kill();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

const USER = 'cut under 30 minutes';

const startStack = (gapMinutes: number) => startStackWithGap(dataDir, gapMinutes, stacks);

/** The lock as the stack wrote it: what `npm run upload`, `replay` and `erase` read. */
function lockOf(): { pid: number; s3Endpoint?: string; rulesRefusal?: string } {
  return JSON.parse(readFileSync(join(dataDir, 'lock'), 'utf8'));
}

/** An export of one event of USER, `minute` minutes past 09:00 on 2024-03-04. */
function tick(minute: number): string {
  const timestamp = new Date(Date.UTC(2024, 2, 4, 9, minute)).toISOString();
  return `${JSON.stringify({ type: 'track', event: 'Tick', userId: USER, timestamp, messageId: `tick-${minute}` })}\n`;
}

/** `npm run upload` finding the stack through the data dir's lock (no S3_PORT). */
const upload = (file: string) =>
  runScript('upload', [file], dataDir, { SESSIONIZER_DATA_DIR: dataDir, S3_PORT: '' });

it('records in its lock why every upload is refused, and upload says it', async () => {
  const first = await startStack(30);
  expect(lockOf()).toMatchObject({ s3Endpoint: `http://127.0.0.1:${first.ports.s3}` });
  expect(lockOf().rulesRefusal).toBeUndefined();
  writeFileSync(join(dataDir, 'tick.ndjson'), tick(0));
  const taken = await upload('tick.ndjson');
  expect(taken.status, taken.stderr).toBe(0);
  expect(taken.stderr).not.toContain('ingests none');
  await waitUntil('the uploaded user', 30_000, () => sessionsOf(first.apiUrl, USER));
  first.stack.kill();
  await first.stack.exited;

  const second = await startStack(20);
  const lock = lockOf();
  expect(lock.s3Endpoint).toBe(`http://127.0.0.1:${second.ports.s3}`);
  expect(lock.rulesRefusal).toMatch(
    /^the sessions in this data dir were cut under gap 30 min, stitching off, not under this start's gap 20 min, stitching off: every upload is refused/,
  );
  const refused = await upload('tick.ndjson');
  expect(refused.stderr).toContain(
    `upload: note: the local stack (pid ${lock.pid}) ingests none of these files: ${lock.rulesRefusal}`,
  );
}, 240_000);

// A rebuild to other rules begun beside the running stack refuses its ingests from then on (once their last
// look at the rules record, at most a minute old, runs out): the stack records that refusal too, once an
// ingest fails, so that upload says it as it would after a start under those rules.
it('records a refusal that arises after its start, once an ingest is refused', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-rules-lock-later-'));
  dataDirs.push(dataDir);
  const stack = await startStack(30);
  writeFileSync(join(dataDir, 'tick-0.ndjson'), tick(0));
  expect((await upload('tick-0.ndjson')).status).toBe(0);
  await waitUntil('the uploaded user', 30_000, () => sessionsOf(stack.apiUrl, USER));
  const rebuild = await runScript('rebuild', ['--segments', '2'], dataDir, {
    SESSIONIZER_DATA_DIR: dataDir,
    SESSION_GAP_MINUTES: '20',
  });
  expect(rebuild.status, rebuild.stderr).toBe(1);
  expect(lockOf().rulesRefusal).toBeUndefined();

  // Uploads until one is refused: the ingest's last look at the rules may still pass for up to a minute.
  let minute = 1;
  const refusal = await waitUntil('the refusal in the lock', 150_000, async () => {
    const recorded = lockOf().rulesRefusal;
    if (recorded !== undefined) return recorded;
    writeFileSync(join(dataDir, `tick-${minute}.ndjson`), tick(minute));
    await upload(`tick-${minute}.ndjson`);
    minute += 1;
    await sleep(2_000);
    return undefined;
  });
  expect(refusal).toContain(
    "a rebuild of this data dir's sessions to gap 20 min, stitching off did not finish",
  );
  expect(refusal).toContain('every upload is refused');
  writeFileSync(join(dataDir, 'tick-59.ndjson'), tick(59));
  const noted = await upload('tick-59.ndjson');
  expect(noted.stderr).toContain(
    `upload: note: the local stack (pid ${lockOf().pid}) ingests none of these files: ${refusal}`,
  );
}, 300_000);
