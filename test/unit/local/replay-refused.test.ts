// `npm run replay` against a local stack that refuses the request: the stack is its lock in a scratch data dir,
// naming a stand-in API that answers as told.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireDataDirLock, type DataDirLock } from '../../../local/data-dir-lock.js';
import { runReplay } from '../../../scripts/replay/command.js';
import { closeServer } from '../../helpers/close-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'sessionizer-replay-refused-'));
let answer = { status: 200, message: '' };
const api = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'bad_request', message: answer.message } }));
  });
});
let lock: DataDirLock;

beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  lock = acquireDataDirLock(scratch);
  lock.update({ apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}` });
});
afterAll(async () => {
  lock.release();
  await closeServer(api);
  rmSync(scratch, { recursive: true, force: true });
});

async function replay(argv: string[]) {
  const err: string[] = [];
  const status = await runReplay(argv, {
    out: () => {},
    err: (line) => err.push(line),
    env: { SESSIONIZER_DATA_DIR: scratch },
  });
  return { status, err: err.join('\n') };
}

it('says a 400 from the stack is a failure of the run, not of the options it checked, with no help line', async () => {
  // What a stack of another checkout, which knows no dead-letter queue, would say.
  const said =
    '"fromDeadLetterQueue" is not an option of POST /_local/replay; they are prefix, since, dryRun';
  answer = { status: 400, message: said };
  const result = await replay(['--from-dlq', '--dry-run']);
  expect(result.err).toBe(
    `replay: the local stack (pid ${process.pid}) refused the request as malformed (400: ${said}); ` +
      'it may run the code of another checkout: restart `npm start` from this one',
  );
  expect(result.status).toBe(1);
});

it("shows the stack's words with their control characters escaped", async () => {
  answer = { status: 500, message: 'replay failed: incoming/\u202eevil.ndjson: gone' };
  const result = await replay(['--dry-run']);
  expect(result.err).toBe('replay: replay failed: incoming/\\u202eevil.ndjson: gone');
  expect(result.status).toBe(1);
});
