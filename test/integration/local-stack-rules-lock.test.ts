// A stack started on a data dir whose sessions were cut under other rules records, in its lock, why every
// upload is refused (`rulesRefusal`, local/stack.ts), and `npm run upload`, finding the stack through that
// lock, says so; a stack under the rules they were cut under records none. The stacks run on free ports and
// a scratch data dir, as the other local-stack tests do.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runScript, StackProcess, startOnFreePorts } from '../helpers/local-servers.js';
import { sessionsOf, waitUntil } from './local-stack-harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-rules-lock-'));
const stacks: StackProcess[] = [];
afterAll(() => {
  for (const stack of stacks) stack.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

const USER = 'cut under 30 minutes';

async function startStack(gapMinutes: number) {
  const started = await startOnFreePorts((ports) =>
    StackProcess.start([process.execPath, '--import', 'tsx', 'local/main.ts'], ports, {
      SESSIONIZER_DATA_DIR: dataDir,
      SESSION_GAP_MINUTES: String(gapMinutes),
    }),
  );
  stacks.push(started.stack);
  return { ...started, apiUrl: `http://127.0.0.1:${started.ports.api}` };
}

/** The lock as the stack wrote it: what `npm run upload`, `replay` and `erase` read. */
function lockOf(): { pid: number; s3Endpoint?: string; rulesRefusal?: string } {
  return JSON.parse(readFileSync(join(dataDir, 'lock'), 'utf8'));
}

/** `npm run upload` finding the stack through the data dir's lock (no S3_PORT). */
const upload = (file: string) =>
  runScript('upload', [file], dataDir, { SESSIONIZER_DATA_DIR: dataDir, S3_PORT: '' });

it('records in its lock why every upload is refused, and upload says it', async () => {
  const first = await startStack(30);
  expect(lockOf()).toMatchObject({ s3Endpoint: `http://127.0.0.1:${first.ports.s3}` });
  expect(lockOf().rulesRefusal).toBeUndefined();
  const event = {
    type: 'track',
    event: 'Tick',
    userId: USER,
    timestamp: '2024-03-04T09:00:00.000Z',
    messageId: 'tick-0',
  };
  writeFileSync(join(dataDir, 'tick.ndjson'), `${JSON.stringify(event)}\n`);
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
