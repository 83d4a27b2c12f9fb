// `npm run upload` to a stack that refuses every upload (its rules are not those the data dir's sessions were cut
// under) says so, as the stack said at start, rather than report the files uploaded and leave the refusals to
// the stack's log. The stack is its lock in a scratch data dir, naming a stand-in S3 that stores anything.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireDataDirLock, type DataDirLock } from '../../../local/data-dir-lock.js';
import { closeServer } from '../../helpers/close-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'sessionizer-upload-rules-'));
const s3 = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { etag: '"stored"' });
    res.end();
  });
});
let lock: DataDirLock;
let endpoint: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
  lock = acquireDataDirLock(scratch);
  writeFileSync(join(scratch, 'a.ndjson'), '{}\n');
});
afterAll(async () => {
  lock.release();
  await closeServer(s3);
  rmSync(scratch, { recursive: true, force: true });
});

/** `npm run upload` as `npm run` runs it; asynchronous, so that the stand-in S3 in this process answers. */
function upload(args: string[], preload: string[] = []): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...preload, '--import', 'tsx', 'local/upload.ts', ...args], {
    env: { ...process.env, INIT_CWD: scratch, SESSIONIZER_DATA_DIR: scratch, S3_PORT: '' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
}

const PROBLEM =
  "the sessions in this data dir were cut under gap 30 min, stitching off, not under this start's gap 5 min, stitching off: every upload is refused until `npm run rebuild` (with the same variables) cuts them again";

// First: the lock's fields are merged, so the refusal, once recorded, stays.
it('says nothing of rules when the stack takes uploads', async () => {
  lock.update({ apiUrl: 'http://127.0.0.1:1', s3Endpoint: endpoint });
  const result = await upload(['a.ndjson']);
  expect(result.stderr).not.toContain('ingests none');
  expect(result.stderr).toContain('1 file uploaded');
  expect(result.status).toBe(0);
}, 30_000);

it('says the stack refuses every upload when it started under other rules than its sessions were cut under', async () => {
  lock.update({ apiUrl: 'http://127.0.0.1:1', s3Endpoint: endpoint, rulesRefusal: PROBLEM });
  const result = await upload(['a.ndjson']);
  expect(result.stderr).toContain(
    `upload: note: the local stack (pid ${process.pid}) ingests none of these files: ${PROBLEM}`,
  );
  expect(result.stderr).toContain('1 file uploaded');
}, 30_000);

// The endpoint, the sources and the refusal come from one reading of the lock: three readings could each see
// another stack (one stopped and another started between them) and cost a read each.
it('reads the lock once per command', async () => {
  lock.update({ apiUrl: 'http://127.0.0.1:1', s3Endpoint: endpoint, rulesRefusal: PROBLEM });
  const result = await upload(['a.ndjson'], ['--import', './test/helpers/count-lock-reads.mjs']);
  expect(result.stderr).toContain('ingests none of these files');
  expect(result.stderr.match(/^lock read$/gm)).toEqual(['lock read']);
}, 30_000);
