import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureCliBuilt, hasRawControl, runCli } from '../../helpers/built-cli.js';
import { tarOf } from '../reading/archives.js';

const event = (userId: string, minute: number, messageId = `${userId}-${minute}`) =>
  JSON.stringify({
    type: 'track',
    event: 'Clicked',
    userId,
    messageId,
    timestamp: new Date(Date.UTC(2024, 0, 1, 9, minute)).toISOString(),
  });

describe('sessionize inputs', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-inputs-'));
    writeFileSync(path('good.ndjson'), `${event('u-1', 0)}\n${event('u-1', 5)}\n`);
    mkdirSync(path('exports'));
    const lines = Array.from({ length: 3000 }, (_, i) => event(`u-${i % 7}`, i % 600, `m-${i}`));
    const gzip = gzipSync(lines.join('\n'));
    writeFileSync(path('cut.ndjson.gz'), gzip.subarray(0, Math.floor(gzip.length / 2)));
    const body = `${event('u-1', 0)}\n`;
    writeFileSync(
      path('utf16le.ndjson'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]),
    );
    writeFileSync(
      path('utf16be.ndjson'),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(body, 'utf16le').swap16()]),
    );
    writeFileSync(path('utf16-no-bom.ndjson'), Buffer.from(body, 'utf16le'));
    const utf32 = Buffer.from(Uint32Array.from([...body].map((char) => char.codePointAt(0) ?? 0)).buffer);
    writeFileSync(path('utf32le.ndjson'), Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32]));
    writeFileSync(
      path('utf32be.ndjson'),
      Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), Buffer.from(utf32).swap32()]),
    );
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads standard input for -', async () => {
    const run = await runCli(['--format', 'json', '-'], {
      input: `${event('u-1', 0)}\n${event('u-2', 0)}\n`,
    });
    const output = JSON.parse(run.stdout) as { sessions: { userId: string }[]; files: { file: string }[] };
    expect(output.sessions.map((session) => session.userId)).toEqual(['u-1', 'u-2']);
    expect(output.files.map((file) => file.file)).toEqual(['-']);
    expect(run.code).toBe(0);
  });

  it('reads gzip from standard input, and - next to files', async () => {
    const run = await runCli(['--format', 'json', '-', 'good.ndjson'], {
      cwd: dir,
      input: gzipSync(`${event('u-2', 0)}\n`),
    });
    const output = JSON.parse(run.stdout) as { sessions: { userId: string }[] };
    expect(output.sessions.map((session) => session.userId)).toEqual(['u-1', 'u-2']);
    expect(run.code).toBe(0);
  });

  it('reads a pipe once, spooled, so that a tie-break reads the same records again, in any order', async () => {
    // Two links of one anonymousId at one instant (rule 8): the canonical JSON that sorts first wins, which
    // takes reading both again; a pipe gives its bytes only once (and a FIFO blocks a second open).
    const link = (userId: string) =>
      `${JSON.stringify({ type: 'identify', userId, anonymousId: 'dev1', timestamp: '2024-01-01T09:00:00Z', messageId: 'L' })}\n`;
    const visit = `${JSON.stringify({ type: 'track', event: 'Anon', anonymousId: 'dev1', timestamp: '2024-01-01T09:05:00Z' })}\n`;
    for (const order of [
      ['zoe', 'amy'],
      ['amy', 'zoe'],
    ]) {
      const fifos = order.map((userId) => path(`link-${userId}-${order.join('')}`));
      for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
      writeFileSync(path('visit.ndjson'), visit);
      const writers = fifos.map((fifo, index) => writeFile(fifo, link(order[index] as string)));
      const run = await runCli(['--stitch', '--format', 'json', ...fifos, 'visit.ndjson'], { cwd: dir });
      await Promise.all(writers);
      const output = JSON.parse(run.stdout) as { sessions: { userId: string; eventCount: number }[] };
      expect(output.sessions.find((session) => session.userId === 'amy')?.eventCount, order.join()).toBe(2);
      expect(run.code).toBe(0);
    }
  });

  it('says so, without a stack trace, when the temporary folder for standard input cannot be used', async () => {
    const run = await runCli(['-'], {
      input: `${event('u-1', 0)}\n`,
      env: { TMPDIR: path('no-such-folder') },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^sessionize: cannot write to the temporary folder .*no-such-folder.*ENOENT/);
    expect(run.stderr).not.toContain('    at ');
  });

  it('says so, without a stack trace, when the output cannot be written (a full disk)', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, [BIN, path('good.ndjson')], {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(
        'sessionize: cannot write the output: ENOSPC: no space left on device, write\n',
      );
    } finally {
      closeSync(full);
    }
  });

  it('says standard input is a directory when one is redirected to it, and reads the other files', () => {
    const folder = openSync(path('exports'), 'r');
    try {
      const run = spawnSync(process.execPath, [BIN, '-', path('good.ndjson')], {
        stdio: [folder, 'pipe', 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(run.stderr).toContain(
        'sessionize: -: is a directory; give its path instead of redirecting it\n',
      );
      expect(run.stdout).toContain('1 session of 1 user');
      expect(run.status).toBe(1);
    } finally {
      closeSync(folder);
    }
  });

  it('says an empty directory holds no files, not EISDIR, and reads the other files', async () => {
    const run = await runCli(['exports', 'good.ndjson'], { cwd: dir });
    expect(run.stderr).toContain('sessionize: exports: is a directory with no files in it');
    expect(run.stderr + run.stdout).not.toContain('EISDIR');
    expect(run.stdout).toContain('1 session of 1 user');
    expect(run.code).toBe(1);
  });

  it('reads every file below a directory, as Segment lays out its logs', async () => {
    const logs = path('segment-logs');
    mkdirSync(join(logs, 'source-a', '1704067200000'), { recursive: true });
    mkdirSync(join(logs, 'source-a', '1704153600000'), { recursive: true });
    writeFileSync(join(logs, 'source-a', '1704067200000', 'part-1.gz'), gzipSync(`${event('u-1', 0)}\n`));
    writeFileSync(join(logs, 'source-a', '1704153600000', 'part-1.gz'), gzipSync(`${event('u-1', 5)}\n`));
    writeFileSync(join(logs, '.DS_Store'), 'not an export');

    const run = await runCli(['segment-logs', '--format', 'json'], { cwd: dir });

    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { files: { file: string; accepted: number }[] };
    expect(result.files.map(({ file, accepted }) => [file, accepted])).toEqual([
      [join('segment-logs', 'source-a', '1704067200000', 'part-1.gz'), 1],
      [join('segment-logs', 'source-a', '1704153600000', 'part-1.gz'), 1],
    ]);
    expect(run.stdout).toContain('"eventCount":2');
  });

  it('reads the hidden files below a directory, as the ingest reads such keys, and names what it skips', async () => {
    const logs = path('hidden-logs');
    mkdirSync(join(logs, '.git'), { recursive: true });
    writeFileSync(join(logs, '.late.ndjson'), `${event('u-1', 0)}\n`);
    writeFileSync(join(logs, 'day.ndjson'), `${event('u-1', 5)}\n`);
    writeFileSync(join(logs, '.DS_Store'), 'Bud1');
    writeFileSync(join(logs, '._day.ndjson'), Buffer.from([0x00, 0x05, 0x16, 0x07, 0x00, 0x02]));
    writeFileSync(join(logs, '.git', 'HEAD'), 'ref: refs/heads/main\n');

    const run = await runCli(['hidden-logs', '--format', 'json'], { cwd: dir });

    const result = JSON.parse(run.stdout) as { files: { file: string; accepted: number }[] };
    expect(result.files.map(({ file, accepted }) => [file, accepted])).toEqual([
      [join('hidden-logs', '.late.ndjson'), 1],
      [join('hidden-logs', 'day.ndjson'), 1],
    ]);
    expect(run.stderr).toBe(
      `sessionize: ${join('hidden-logs', '.DS_Store')}: skipped, a Finder file, not an export (name the file itself to read it)\n` +
        `sessionize: ${join('hidden-logs', '._day.ndjson')}: skipped, a macOS resource fork (AppleDouble), not an export (name the file itself to read it)\n` +
        `sessionize: ${join('hidden-logs', '.git')}: skipped, a hidden folder, not walked (name the folder itself to read the files in it)\n`,
    );
    expect(run.code).toBe(0);
  });

  it('prints no empty table for a missing file: the reason on stderr, exit code 1', async () => {
    const run = await runCli(['missing.ndjson'], { cwd: dir });
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('sessionize: missing.ndjson: no such file\n');
    expect(run.code).toBe(1);
  });

  it('says what an export looks like when a file is one JSON object spread over lines', async () => {
    writeFileSync(join(dir, 'pretty.json'), JSON.stringify(JSON.parse(event('ann', 0)), null, 2));
    const run = await runCli(['pretty.json'], { cwd: dir });
    expect(run.stderr).toBe(
      'sessionize: pretty.json: no line is JSON (an export is NDJSON, one event per line, or a JSON array of ' +
        'events; one object over several lines, or an object wrapping the events, is neither)\n',
    );
    expect(run.code).toBe(1);
  });

  it('lists a missing file next to the files it could read, without saying it was read', async () => {
    const run = await runCli(['good.ndjson', 'missing.ndjson'], { cwd: dir });
    expect(run.stdout).toContain('  missing.ndjson: 0 accepted, 0 rejected; no such file\n');
    expect(run.code).toBe(1);
  });

  it('lists the files it could not read in the order they were named, among the others', async () => {
    writeFileSync(path('b.ndjson'), `${event('u-2', 0)}\n`);
    const run = await runCli(
      ['--format', 'json', 'missing.ndjson', 'good.ndjson', 'gone.ndjson', 'b.ndjson'],
      {
        cwd: dir,
      },
    );
    const output = JSON.parse(run.stdout) as { files: { file: string }[] };
    expect(output.files.map(({ file }) => file)).toEqual([
      'missing.ndjson',
      'good.ndjson',
      'gone.ndjson',
      'b.ndjson',
    ]);
    expect(run.stderr).toBe(
      'sessionize: missing.ndjson: no such file\nsessionize: gone.ndjson: no such file\n',
    );
    expect(run.code).toBe(1);
  });

  it('says a skipped member of a ZIP archive is damaged when its CRC-32 does not match', async () => {
    const archive = zipSync(
      { 'README.txt': strToU8('read me first\n'), 'a.ndjson': strToU8(event('u-1', 0)) },
      {
        level: 0,
      },
    );
    const at = Buffer.from(archive).indexOf('read me');
    archive[at] = (archive[at] ?? 0) ^ 0x01;
    writeFileSync(path('damaged.zip'), archive);
    const run = await runCli(['damaged.zip'], { cwd: dir });
    expect(run.stdout).toMatch(
      / {2}damaged\.zip!README\.txt: skipped, holds no events of any export format; corrupt member data \(CRC-32 mismatch/,
    );
    expect(run.code).toBe(1);
  });

  it('rejects a gzipped line of 128 MiB by its line and length, within a small heap, and reads on', async () => {
    // Gzip members one after another are one file: a long line without holding it to compress it.
    const piece = gzipSync(Buffer.alloc(1024 * 1024, '1,'), { level: 9 });
    const head = '{"type":"track","userId":"u-2","timestamp":"2024-01-01T09:00:00Z","properties":{"n":[';
    const first = gzipSync(`${event('u-1', 0)}\n${head}`);
    const last = gzipSync(`1]}}\n${event('u-1', 5)}\n`);
    writeFileSync(path('long-line.ndjson.gz'), Buffer.concat([first, ...Array(128).fill(piece), last]));

    const run = await runCli(['--format', 'json', 'long-line.ndjson.gz'], {
      cwd: dir,
      env: { NODE_OPTIONS: '--max-old-space-size=64' },
    });

    const output = JSON.parse(run.stdout) as { sessions: { eventCount: number }[]; rejected: object[] };
    expect(output.rejected).toEqual([
      {
        file: 'long-line.ndjson.gz',
        position: 2,
        reason: `record too long (${head.length + 128 * 1024 * 1024 + 4} bytes; at most 4194304)`,
        raw: expect.stringMatching(/^\{"type":"track","userId":"u-2".*1,1…$/),
      },
    ]);
    expect(output.sessions.map((session) => session.eventCount)).toEqual([2]);
    expect(run.code).toBe(0);
  });

  it('counts what a truncated gzip held before it broke, and says where reading stopped', async () => {
    const run = await runCli(['cut.ndjson.gz'], { cwd: dir });
    const line =
      /cut\.ndjson\.gz: read as segment, ndjson, gzip; ([\d,]+) accepted, 0 rejected; gzip data ends early \(truncated file\); reading stopped after line (\d+)\n/.exec(
        run.stdout,
      );
    expect(line).not.toBeNull();
    const accepted = Number(line?.[2]);
    // Grouped as the run's summary line groups it.
    expect(line?.[1]).toBe(accepted.toLocaleString('en'));
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(3000);
    expect(run.stdout).toContain(
      `distinct events (${accepted.toLocaleString('en')} accepted, 0 duplicates) in 1 file`,
    );
    expect(run.stderr).toContain(
      `sessionize: cut.ndjson.gz: gzip data ends early (truncated file); reading stopped after line ${accepted} (the ${accepted.toLocaleString('en')} events read before it were kept)\n`,
    );
    expect(run.code).toBe(1);
  });

  it.each([
    ['utf16le.ndjson', 'UTF-16LE', 'byte-order mark FF FE'],
    ['utf16be.ndjson', 'UTF-16BE', 'byte-order mark FE FF'],
    ['utf32le.ndjson', 'UTF-32LE', 'byte-order mark FF FE 00 00'],
    ['utf32be.ndjson', 'UTF-32BE', 'byte-order mark 00 00 FE FF'],
    ['utf16-no-bom.ndjson', 'UTF-16LE', 'no byte-order mark'],
  ])('names the encoding of %s (%s) and never prints its NUL bytes', async (file, encoding, evidence) => {
    for (const format of ['table', 'json', 'csv']) {
      const run = await runCli(['--format', format, file], { cwd: dir });
      expect(run.stderr).toContain(`sessionize: ${file}: file is ${encoding} encoded (${evidence}`);
      expect(run.stderr).toContain('exports must be UTF-8\n');
      expect(hasRawControl(run.rawStdout) || hasRawControl(run.rawStderr)).toBe(false);
      expect(run.code).toBe(1);
    }
  });

  it('names a zstd file by its magic bytes, with no word of events kept', async () => {
    writeFileSync(path('export.jsonl.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x0a, 0x91]));
    const run = await runCli(['export.jsonl.zst'], { cwd: dir });
    expect(run.stderr).toContain(
      'sessionize: export.jsonl.zst: file is zstd-compressed (magic bytes 28 B5 2F FD); exports are read as JSON text, plain, gzipped or in a ZIP archive\n',
    );
    expect(run.code).toBe(1);
  });

  it.each([
    ['gnu', 'magic "ustar" at byte 257', 'magic "ustar" at byte 257 of the gzip data'],
    [
      'v7',
      'a pre-POSIX V7 header, without "ustar" magic',
      'a pre-POSIX V7 header, without "ustar" magic, in the gzip data',
    ],
  ] as const)(
    'names a %s tar archive, plain or gzipped, as a file error with what to do, reading none of its lines',
    async (kind, plain, gzipped) => {
      const tar = tarOf(
        { 'a.ndjson': `${event('u-1', 0)}\n${event('u-1', 1)}\n`, 'b.ndjson': `${event('u-2', 0)}\n` },
        kind,
      );
      writeFileSync(path('export.tar'), tar);
      writeFileSync(path('export.tgz'), gzipSync(tar));
      const run = await runCli(['--format', 'json', 'export.tar', 'export.tgz', 'good.ndjson'], { cwd: dir });
      const hint =
        'exports are read as JSON text, plain, gzipped or in a ZIP archive: extract the tar and read or upload its files (or a ZIP of them) instead';
      expect(run.stderr).toBe(
        `sessionize: export.tar: file is a tar archive (${plain}); ${hint}\n` +
          `sessionize: export.tgz: file is a gzipped tar archive (${gzipped}); ${hint}\n`,
      );
      const output = JSON.parse(run.stdout);
      expect(output.rejected).toEqual([]);
      expect(output.summary).toMatchObject({ files: 3, accepted: 2, rejected: 0, users: 1 });
      expect(run.code).toBe(1);
    },
  );

  it("asks whether --input-format is right when it fits none of a file's records", async () => {
    const run = await runCli(['--input-format', 'mixpanel', 'good.ndjson'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'sessionize: good.ndjson: every record was rejected as mixpanel (they look like segment); is --input-format right?',
    );
    expect((await runCli(['--input-format', 'segment', 'good.ndjson'], { cwd: dir })).stderr).toBe('');
  });

  it('names the --report-users no session showed, on stderr', async () => {
    const run = await runCli(['--format', 'html', '--report-users', 'u-1,nobody', 'good.ndjson'], {
      cwd: dir,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'sessionize: --report-users: no sessions for "nobody"; the report shows them empty\n',
    );
  });

  it('escapes a --report-users id it names once (a tab as \\t)', async () => {
    const run = await runCli(['--format', 'html', '--report-users', 'u-1,no\tbody\\', 'good.ndjson'], {
      cwd: dir,
    });
    expect(run.stderr).toBe(
      'sessionize: --report-users: no sessions for "no\\tbody\\\\"; the report shows them empty\n',
    );
  });

  it('exits 0 when every file was read, with rejected events or not', async () => {
    writeFileSync(path('with-bad-line.ndjson'), `${event('u-1', 0)}\nnot json\n`);
    expect((await runCli(['good.ndjson'], { cwd: dir })).code).toBe(0);
    const rejected = await runCli(['--format', 'json', 'with-bad-line.ndjson'], { cwd: dir });
    expect(rejected.code).toBe(0);
    expect(rejected.stderr).toBe('sessionize: 1 event rejected (see "rejected" in the output)\n');
    // CSV and the report hold no rejections: the message says where they are instead.
    const csv = await runCli(['--format', 'csv', 'with-bad-line.ndjson', 'with-bad-line.ndjson'], {
      cwd: dir,
    });
    expect(csv.stderr).toBe(
      'sessionize: 2 events rejected (the json and table formats list each, with its reason)\n',
    );
  });
});
