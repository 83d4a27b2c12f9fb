import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents, type SegmentEvent } from '../../../bench/generator/generate.js';
import { writeExport } from '../../../bench/write-export.js';
import { segmentProblems } from './segment-checks.js';

describe('writeExport', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sessionizer-generator-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function readLines(path: string): Promise<string[]> {
    const text = gunzipSync(await readFile(path)).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    return text.slice(0, -1).split('\n');
  }

  it('writes events that parse as JSON with the Segment fields and valid timestamps', async () => {
    const path = join(directory, 'fields.ndjson.gz');
    const result = await writeExport(path, { events: 2_000, seed: 5, format: 'ndjson', gzip: true });
    expect(result.events).toBe(2_000);
    const lines = await readLines(path);
    expect(lines).toHaveLength(2_000);
    const problems = lines.flatMap((line, index) =>
      segmentProblems(JSON.parse(line) as SegmentEvent).map((problem) => `line ${index + 1}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('holds the same events in JSON-array and NDJSON form, byte-identical across runs', async () => {
    const options = { events: 3_000, seed: 9 };
    const ndjsonPath = join(directory, 'same.ndjson.gz');
    const arrayPath = join(directory, 'same.json.gz');
    const again = join(directory, 'again.ndjson.gz');
    const ndjson = await writeExport(ndjsonPath, { ...options, format: 'ndjson', gzip: true });
    const array = await writeExport(arrayPath, { ...options, format: 'json-array', gzip: true });
    await writeExport(again, { ...options, format: 'ndjson', gzip: true });
    expect(ndjson.events).toBe(3_000);
    expect(array.events).toBe(3_000);
    expect(ndjson.bytes).toBe((await readFile(ndjsonPath)).length);

    const fromLines = (await readLines(ndjsonPath)).map((line) => JSON.parse(line) as unknown);
    const fromArray = JSON.parse(gunzipSync(await readFile(arrayPath)).toString('utf8')) as unknown[];
    expect(fromArray).toEqual(fromLines);
    expect(fromLines).toEqual(
      Array.from(generateEvents(options), (event) => JSON.parse(JSON.stringify(event))),
    );
    expect((await readFile(again)).equals(await readFile(ndjsonPath))).toBe(true);
  });

  it('writes through a symbolic link, as a plain write would, leaving the link in place', async () => {
    const real = join(directory, 'linked-target.ndjson');
    const link = join(directory, 'linked.ndjson');
    writeFileSync(real, 'old\n');
    symlinkSync(real, link);
    const written = await writeExport(link, { events: 5, format: 'ndjson', gzip: false });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8').trimEnd().split('\n')).toHaveLength(5);
    expect(written.bytes).toBe(readFileSync(real).length);
    expect(readdirSync(directory).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('writes plain files and an empty JSON array', async () => {
    const emptyPath = join(directory, 'empty.json');
    const empty = await writeExport(emptyPath, { events: 0, format: 'json-array', gzip: false });
    expect(JSON.parse(await readFile(emptyPath, 'utf8'))).toEqual([]);
    expect(empty).toEqual({ path: emptyPath, bytes: 3, events: 0 });

    const plainPath = join(directory, 'plain.ndjson');
    const plain = await writeExport(plainPath, { events: 50, format: 'ndjson', gzip: false });
    const text = await readFile(plainPath, 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(50);
    expect(plain.bytes).toBe(Buffer.byteLength(text));
  });

  it('writes --out relative to the folder npm run was typed in (INIT_CWD), not the repository root', async () => {
    const script = join(import.meta.dirname, '../../../bench/write-export.ts');
    execFileSync(process.execPath, ['--import', 'tsx', script, '--events', '5', '--out', 'here.ndjson'], {
      cwd: join(import.meta.dirname, '../../..'),
      env: { ...process.env, INIT_CWD: directory },
    });
    expect((await readFile(join(directory, 'here.ndjson'), 'utf8')).trimEnd().split('\n')).toHaveLength(5);
  });
});

describe('npm run generate', () => {
  const script = join(import.meta.dirname, '../../../bench/write-export.ts');
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });

  // One test per case: each starts its own generator process, and under load fourteen of them in one test
  // outran its timeout.
  it.each([
    [['--events', 'many'], '--events must be a whole number (got "many")'],
    // Number() read these as 16, 1000 and 0 events.
    [['--events', '0x10'], '--events must be a whole number (got "0x10")'],
    [['--events', '1e3'], '--events must be a whole number (got "1e3")'],
    [['--events', '5', '--seed', ' '], '--seed must be a whole number (got " ")'],
    [['--events', '5', '--users', '2.5'], '--users must be a whole number (got "2.5")'],
    [
      ['--events', '5', '--late-share', '0x1'],
      '--late-share must be a decimal number such as 1 or 0.5 (got "0x1")',
    ],
    [
      ['--events', '5', '--days', 'Infinity'],
      '--days must be a decimal number such as 1 or 0.5 (got "Infinity")',
    ],
    // Named by their flags, not by the generator's own option names (lateShare, days, users).
    // An empty file, exit 0, would look like a generated export to whoever uploads it next.
    [['--events', '0'], '--events must be 1 or more (got "0")'],
    [['--events', '5', '--users', '0'], '--users must be 1 or more (got "0")'],
    [['--events', '5', '--days', '0'], '--days must be more than 0 (got "0")'],
    [['--events', '5', '--late-share', '1.5'], '--late-share must be from 0 to 1 (got "1.5")'],
    [['--events', '5', '--anonymous-share=-0.5'], '--anonymous-share must be from 0 to 1 (got "-0.5")'],
    [['--events', '5', '--colour'], "Unknown option '--colour'"],
    // Quoted as the other values are, so a blank or a control character shows (escaped once).
    [['--events', '5', '--format', 'csv'], '--format must be ndjson or json-array (got "csv")'],
    [['--events', '5', '--format', ''], '--format must be ndjson or json-array (got "")'],
    [['--events', '5', '--format', 'nd\tjson'], '--format must be ndjson or json-array (got "nd\\tjson")'],
    [['--events', '5', '--start', ' '], '--start must be an ISO date (got " ")'],
  ] as const)('exits 2 for a usage error (%j), saying what is wrong', (args, said) => {
    const result = run([...args]);
    expect(result.status, args.join(' ')).toBe(2);
    // The error alone, then where the help is: the whole help after it would scroll it out of view.
    expect(result.stderr).toBe(`generate: ${said}\nTry 'npm run generate -- --help' for the options.\n`);
    expect(result.stdout).toBe('');
  });

  it('says that an --out naming a folder is one, and which file to name, writing nothing', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'write-export-folder-'));
    try {
      // Quoted as typed and escaped once, as the other refused values are: a tab or U+202E does not reach the
      // terminal raw.
      const folder = join(scratch, 'day\t\u202eout');
      mkdirSync(folder);
      const shown = join(scratch, 'day\\t\\u202eout');
      const result = run(['--events', '5', '--out', folder]);
      expect(result.stderr).toBe(
        `generate: --out "${shown}" is a folder; name the file to write in it, e.g. --out "${join(shown, 'events-5.ndjson')}"\n` +
          "Try 'npm run generate -- --help' for the options.\n",
      );
      expect(result.status).toBe(2);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('refuses an --out in a folder that does not exist, creating none, as cp and shells do', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'write-export-missing-'));
    try {
      const missing = join(scratch, 'typo', 'sub');
      const result = run(['--events', '5', '--out', join(missing, 'x.ndjson')]);
      expect(result.stderr).toContain(
        `generate: --out "${join(missing, 'x.ndjson')}": no such folder "${missing}"; create it first (mkdir -p), ` +
          'or name a file in a folder that exists\n',
      );
      expect(result.status).toBe(2);
      expect(existsSync(join(scratch, 'typo'))).toBe(false);

      const underFile = join(scratch, 'plain');
      writeFileSync(underFile, '');
      const notFolder = run(['--events', '5', '--out', join(underFile, 'x.ndjson')]);
      expect(notFolder.stderr).toContain(
        `generate: --out "${join(underFile, 'x.ndjson')}": "${underFile}" is not a folder`,
      );
      expect(notFolder.status).toBe(2);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  // Folders that exist and take no new file, even from root: the system's own error named neither the option
  // nor what to do (`ENOENT: no such file or directory, open '/proc/x.ndjson'`).
  it.each([
    ['/proc/x.ndjson', 'no file can be created in "/proc"; name a file in a folder that takes new files'],
    ['/sys/x.ndjson', 'permission denied in "/sys"; name a file in a folder you may write to'],
  ])('says why --out %s could not be written, in words, exit 1', (out, said) => {
    if (!existsSync(dirname(out))) return;
    const result = run(['--events', '5', '--out', out]);
    expect(result.stderr).toBe(`generate: cannot write --out "${out}": ${said}; nothing was written there\n`);
    expect(result.status).toBe(1);
  });

  // A write failing partway (here the file-size limit, as a full disk would) left the export cut short under
  // its name, where it passed for a whole one; an existing file there is now kept, and nothing else is left.
  it('leaves no partial file when writing fails partway, and says so, exit 1', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'write-export-partway-'));
    try {
      const out = join(scratch, 'cut.ndjson');
      writeFileSync(out, 'already here\n');
      // 1 MiB in sh's 512-byte blocks; Node ignores SIGXFSZ, so the write fails with EFBIG.
      const result = spawnSync(
        'sh',
        [
          '-c',
          'ulimit -f 2048 && exec "$0" --import tsx "$1" --events 20000 --out "$2"',
          process.execPath,
          script,
          out,
        ],
        { encoding: 'utf8' },
      );
      expect(result.stderr).toMatch(
        /^generate: cannot write --out "[^"]+": the file outgrew the size this process may write \(ulimit -f\)[^\n]*; nothing was written there\n$/,
      );
      expect(result.status).toBe(1);
      expect(readFileSync(out, 'utf8')).toBe('already here\n');
      expect(readdirSync(scratch)).toEqual(['cut.ndjson']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  // Interrupted (Ctrl-C, a kill) mid-write, it left its `.partial` file beside the export's name.
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'removes its partial file when stopped by %s mid-write, and ends by that signal (128 + its number in a shell)',
    async (signal) => {
      const scratch = mkdtempSync(join(tmpdir(), 'write-export-stopped-'));
      try {
        const out = join(scratch, 'big.ndjson');
        writeFileSync(out, 'already here\n');
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', script, '--events', '50000000', '--out', out],
          {
            stdio: 'ignore',
          },
        );
        const ended = new Promise<NodeJS.Signals | null>((done) =>
          child.once('exit', (_code, by) => done(by)),
        );
        while (!readdirSync(scratch).some((name) => name.endsWith('.partial'))) {
          await new Promise((tick) => setTimeout(tick, 20));
        }
        child.kill(signal);
        expect(await ended).toBe(signal);
        expect(readdirSync(scratch)).toEqual(['big.ndjson']);
        expect(readFileSync(out, 'utf8')).toBe('already here\n');
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('says in --help that only its default folder is created', () => {
    const help = run(['--help']).stdout;
    expect(help).toContain('--out is relative to the folder you run it from, and its folder must exist');
    expect(help).toContain('bench/out/ is created when missing');
  });

  it('lists its defaults in --help', () => {
    expect(run(['--help']).stdout).toContain(
      '--seed 1, --users the events / 40, --days 1, --start 2024-01-01',
    );
  });

  it('shows the same help for -h, as every other command does', () => {
    const short = run(['-h']);
    expect(short.stderr).toBe('');
    expect(short.status).toBe(0);
    expect(short.stdout).toBe(run(['--help']).stdout);
  });
});

describe('writeExport with options the generator refuses', () => {
  it('throws before opening the output, so an existing file stays as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'write-export-refused-'));
    try {
      const path = join(dir, 'kept.ndjson');
      writeFileSync(path, 'already here\n');
      await expect(
        writeExport(path, { events: 10, users: 0, format: 'ndjson', gzip: false }),
      ).rejects.toThrow('users must be a positive integer');
      expect(readFileSync(path, 'utf8')).toBe('already here\n');
      await expect(
        writeExport(join(dir, 'new.ndjson'), { events: 2.5, format: 'ndjson', gzip: false }),
      ).rejects.toThrow('events must be a non-negative integer');
      expect(existsSync(join(dir, 'new.ndjson'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
