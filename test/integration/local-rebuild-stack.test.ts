// `npm run rebuild` against a running stack: it finishes only when that stack runs the new rules, since a
// local ingest call of the old rules has no time limit, and one already under way could write after the count.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runScript, type StackProcess } from '../helpers/local-servers.js';
import { runUpload, sessionsOf, startStackWithGap, waitUntil } from './local-stack-harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-rebuild-stack-'));
const stacks: StackProcess[] = [];
afterAll(() => {
  for (const stack of stacks) stack.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

const USER = 'rebuilt under a running stack';

const startStack = (gapMinutes: number) => startStackWithGap(dataDir, gapMinutes, stacks);

const rebuildTo20 = () =>
  runScript('rebuild', ['--segments', '2'], dataDir, {
    SESSIONIZER_DATA_DIR: dataDir,
    SESSION_GAP_MINUTES: '20',
  });

it('refuses to finish while the stack runs the old rules, and finishes once it runs the new ones', async () => {
  const old = await startStack(30);
  // Two events 25 minutes apart: one session under a 30-minute gap, two under 20.
  const events = [0, 25].map((minute, index) =>
    JSON.stringify({
      type: 'track',
      event: 'Tick',
      userId: USER,
      timestamp: new Date(Date.UTC(2024, 2, 4, 9, minute)).toISOString(),
      messageId: `${USER}-${index}`,
    }),
  );
  writeFileSync(join(dataDir, 'ticks.ndjson'), events.join('\n'));
  const upload = await runUpload(['ticks.ndjson'], dataDir, old.ports.s3);
  expect(upload.status, upload.stderr).toBe(0);
  const before = await waitUntil('the uploaded user', 30_000, () => sessionsOf(old.apiUrl, USER));
  expect(before).toHaveLength(1);

  const refused = await rebuildTo20();

  expect(refused.stderr).toMatch(
    /^rebuild: the running stack \(pid \d+\) was not started with gap 20 min.*restart it with these rules \(.*PORT=\d+ S3_PORT=\d+ DYNAMODB_PORT=\d+ SESSION_GAP_MINUTES=20 .*npm start\), or stop it, then run the rebuild again; it resumes\n$/,
  );
  expect(refused.status).toBe(1);

  old.stack.kill();
  await old.stack.exited;
  // Accepted on a table being rebuilt to its rules: its ingests are no longer refused.
  const current = await startStack(20);
  const finished = await rebuildTo20();

  expect(finished.stderr).toBe('');
  expect(finished.stdout).toContain('done: the stored sessions are cut under gap 20 min');
  expect(finished.stdout).toContain(
    `The running stack (pid ${current.stack.pid}) ingests under these rules.`,
  );
  expect(finished.status).toBe(0);
  expect((await sessionsOf(current.apiUrl, USER))?.map((session) => session.eventCount)).toEqual([1, 1]);
}, 240_000);
