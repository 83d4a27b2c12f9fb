// `npm run upload` of a file still being written: the object holds whatever part was read, so upload says
// so and exits non-zero, as the drop folder re-checks a file after its upload. A stand-in S3 appends to the
// file while the upload is in flight (after the SDK read the body, before it answers).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'sessionizer-upload-changing-'));
/** Object keys whose PUT appends to the file of that name in `scratch`. */
const growWhilePut = new Set<string>();
const puts: string[] = [];
let server: Server;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const name = decodeURIComponent((request.url ?? '').split('?')[0]?.split('/').pop() ?? '');
      if (request.method === 'PUT') {
        puts.push(name);
        if (growWhilePut.has(name)) appendFileSync(join(scratch, name), '{"more":true}\n');
      }
      response.writeHead(200, { ETag: '"0"' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

function upload(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/upload.ts', ...args], {
    env: {
      ...process.env,
      INIT_CWD: scratch,
      SESSIONIZER_DATA_DIR: scratch,
      S3_PORT: String((server.address() as AddressInfo).port),
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

it('names a file that changed while it was uploaded, says the object holds part of it, and exits 1', async () => {
  writeFileSync(join(scratch, 'growing.ndjson'), '{"a":1}\n');
  writeFileSync(join(scratch, 'done.ndjson'), '{"b":1}\n');
  growWhilePut.add('growing.ndjson');
  const result = await upload(['growing.ndjson', 'done.ndjson']);
  // The other file is still uploaded.
  expect(puts).toEqual(['growing.ndjson', 'done.ndjson']);
  expect(result.stderr).toContain(
    `upload: ${join(scratch, 'growing.ndjson')} changed while it was uploaded: it is still being written, ` +
      'and s3://sessionizer-local/incoming/growing.ndjson holds only the part that was read',
  );
  expect(result.stderr).toContain('run the command again for it once the file is complete');
  expect(result.stderr).not.toContain('done.ndjson changed');
  expect(result.stdout).toContain('s3://sessionizer-local/incoming/done.ndjson');
  expect(result.status).toBe(1);
}, 30_000);

it('exits 0 for files that held still', async () => {
  puts.length = 0;
  writeFileSync(join(scratch, 'still.ndjson'), '{"c":1}\n');
  const result = await upload(['still.ndjson']);
  expect(puts).toEqual(['still.ndjson']);
  expect(result.stderr).not.toContain('changed while it was uploaded');
  expect(result.stderr).toContain('1 file uploaded');
  expect(result.status).toBe(0);
}, 30_000);
