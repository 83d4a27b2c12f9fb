// What a run says when its output cannot be written: the error first, then only what is news of the inputs.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureCliBuilt } from '../../helpers/built-cli.js';

describe('sessionize writing to a full disk', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-write-errors-'));
    const event = JSON.stringify({
      type: 'track',
      event: 'Clicked',
      userId: 'u-1',
      messageId: 'm-1',
      timestamp: '2024-01-01T09:00:00.000Z',
    });
    writeFileSync(path('one-rejected.ndjson'), `${event}\n{not json\n`);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The notes after the output (events rejected: see the output) would speak of an output that is not there.
  it.each(['json', 'csv', 'html', 'table'])(
    'says first that a %s output cannot be written, then only the files it could not read',
    (format) => {
      const full = openSync('/dev/full', 'w');
      try {
        const run = spawnSync(
          process.execPath,
          [BIN, '--format', format, path('one-rejected.ndjson'), path('missing.ndjson')],
          { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
        );
        expect(run.stderr).toBe(
          'sessionize: cannot write the output: ENOSPC: no space left on device, write\n' +
            `sessionize: ${path('missing.ndjson')}: no such file\n`,
        );
        expect(run.status).toBe(1);
      } finally {
        closeSync(full);
      }
    },
  );
});
