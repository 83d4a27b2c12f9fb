import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureCliBuilt, runCli } from '../../helpers/built-cli.js';

/** util-linux `script` gives the CLI a pseudo-terminal, the only place it shows progress. */
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

describe('sessionize progress', () => {
  let dir: string;
  const file = () => join(dir, 'big-cut.ndjson.gz');

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-progress-'));
    // Progress shows every 100,000 records: a gzip of 130,000, cut short after more than 100,000 of them.
    const start = Date.UTC(2024, 0, 1);
    const lines = Array.from({ length: 130_000 }, (_, i) =>
      JSON.stringify({
        type: 'track',
        userId: `u-${i % 3}`,
        timestamp: new Date(start + i * 1000).toISOString(),
      }),
    );
    const gzip = gzipSync(lines.join('\n'));
    writeFileSync(file(), gzip.subarray(0, Math.floor(gzip.length * 0.9)));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasScript)('ends the progress line on a terminal before the error is written', () => {
    const run = spawnSync(
      'script',
      ['-qec', `${shellQuote(process.execPath)} ${shellQuote(BIN)} big-cut.ndjson.gz`, '/dev/null'],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    const screen = run.stdout;
    expect(screen).toContain('\rsessionize: 100,000 records read\r\n');
    const error = screen.indexOf('sessionize: big-cut.ndjson.gz: gzip data ends early (truncated file)');
    expect(error).toBeGreaterThan(screen.indexOf('records read'));
    expect(screen.slice(error - 2, error)).toBe('\r\n');
    expect(screen).toMatch(/\(the 1\d\d,\d{3} events read before it were kept\)\r\n$/);
    expect(run.status).toBe(1);
  });

  it('shows no progress when standard error is not a terminal', async () => {
    const run = await runCli([file()]);
    expect(run.stderr).not.toContain('records read');
    expect(run.stderr).toMatch(/^sessionize: .*big-cut\.ndjson\.gz: gzip data ends early/);
  });
});
