import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureCliBuilt } from '../../helpers/built-cli.js';

describe('sessionize | head', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-pipe-'));
    // Megabytes of rows, far more than a pipe holds: the CLI is still writing when the reader leaves.
    const start = Date.UTC(2024, 0, 1);
    const lines = Array.from({ length: 60_000 }, (_, i) =>
      JSON.stringify({
        type: 'track',
        event: 'Viewed',
        userId: `user-${i}`,
        timestamp: new Date(start + i).toISOString(),
      }),
    );
    writeFileSync(join(dir, 'many-users.ndjson'), lines.join('\n'));
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['csv', 'json', 'table'])(
    'stops quietly by SIGPIPE, its temporary files removed, when its reader closes the pipe early (%s)',
    async (format) => {
      // Its own TMPDIR: the table's rows and standard input wait in files there.
      const tmp = mkdtempSync(join(tmpdir(), 'sessionize-pipe-tmp-'));
      const child = spawn(process.execPath, [BIN, '--format', format, 'many-users.ndjson'], {
        cwd: dir,
        env: { ...process.env, NODE_OPTIONS: '', TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      // What `head -c` does: read a little, then close its end.
      child.stdout.once('data', () => child.stdout.destroy());
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.once('close', (...ended) => resolve(ended)),
      );

      expect(stderr).toBe('');
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGPIPE' });
      expect(readdirSync(tmp)).toEqual([]);
      rmSync(tmp, { recursive: true, force: true });
    },
  );

  it('gives `| head -1` under pipefail the status a shell gives a Unix tool cut short: 141', () => {
    const run = spawnSync(
      'bash',
      ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" --format csv - < many-users.ndjson | head -1`],
      { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8' },
    );
    expect(run.stdout.split('\n')).toHaveLength(2);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(141);
  });

  it.each(['csv', 'json', 'table'])(
    'still names a file it could not read, and exits 1, when its reader closes the pipe early (%s)',
    async (format) => {
      const child = spawn(
        process.execPath,
        [BIN, '--format', format, 'missing.ndjson', 'many-users.ndjson'],
        { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));

      expect(stderr).toContain('sessionize: missing.ndjson: no such file\n');
      expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
      expect(code).toBe(1);
    },
  );
});
