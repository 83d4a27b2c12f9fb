import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureCliBuilt, REPO, runCli } from '../../helpers/built-cli.js';

/** One event, then enough rejected ones (their raw text kept) to pass what the spool holds in memory. */
function manyRejections(): string {
  const good = {
    type: 'track',
    event: 'Open',
    userId: 'u',
    messageId: 'm-0',
    timestamp: '2024-01-01T09:00:00Z',
  };
  const lines = [JSON.stringify(good)];
  for (let i = 1; i <= 12_000; i++) {
    lines.push(
      JSON.stringify({
        type: 'track',
        userId: 'u',
        messageId: `m-${i}`,
        timestamp: 'nope',
        pad: 'x'.repeat(400),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

function endOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
}

describe('the CLI and its temporary folder', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-tmp-test-'));
    file = join(dir, 'bad.ndjson');
    writeFileSync(file, manyRejections());
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps rejected events past the in-memory bound on disk, and removes the file when done', async () => {
    const spoolRoot = mkdtempSync(join(dir, 'spool-'));
    const run = await runCli(['--format', 'json', file], { env: { TMPDIR: spoolRoot } });

    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { rejected: { position: number }[] };
    expect(output.rejected).toHaveLength(12_000);
    expect(output.rejected.at(-1)?.position).toBe(12_001);
    expect(readdirSync(spoolRoot)).toEqual([]);
  });

  it('holds them in memory when the temporary folder cannot be used, says so, and writes the same output', async () => {
    const usable = await runCli(['--format', 'json', file], {
      env: { TMPDIR: mkdtempSync(join(dir, 'spool-')) },
    });
    const refused = await runCli(['--format', 'json', file], {
      env: { TMPDIR: join(dir, 'no-such-folder') },
    });

    expect(refused.code).toBe(0);
    expect(refused.stderr).toContain('cannot use the temporary folder');
    expect(refused.stdout).toBe(usable.stdout);
    expect(usable.stderr).not.toContain('temporary folder');
  });

  it('removes its temporary files when interrupted, and ends by the signal, as a shell expects', async () => {
    const spoolRoot = mkdtempSync(join(dir, 'spool-'));
    const child = spawn(process.execPath, [BIN, '--format', 'json', '-'], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '', TMPDIR: spoolRoot },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exited = endOf(child);
    // Standard input still open: the CLI is spooling it to a temporary folder.
    child.stdin.write(manyRejections().slice(0, 100_000));
    for (let waited = 0; readdirSync(spoolRoot).length === 0 && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readdirSync(spoolRoot)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(readdirSync(spoolRoot)).toEqual([]);
  });

  it('ends when interrupted while it waits for a FIFO that no writer has opened', async () => {
    const fifo = join(dir, 'never-written.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [BIN, fifo], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = endOf(child);
    // Time to start and block in the FIFO's open().
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    child.kill('SIGTERM');
    const ended = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5_000)),
    ]);
    if (ended === 'still running') child.kill('SIGKILL');
    expect(ended).toEqual({ code: null, signal: 'SIGTERM' });
  });
});
