import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PreparedInputs, prepareInputs } from '../../../cli/inputs.js';

/** The text input `index` reads, opened afresh. */
async function textOf(prepared: PreparedInputs, index: number): Promise<string> {
  const input = prepared.inputs[index];
  if (input === undefined) throw new Error(`no input ${index}`);
  const parts: Buffer[] = [];
  for await (const chunk of input.open()) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

describe('prepareInputs', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sessionize-prepare-'));
    writeFileSync(join(dir, 'a.ndjson'), 'A');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens files, and standard input (once, however often - is named) from a spool that can be read again', async () => {
    const prepared = await prepareInputs(
      ['-', join(dir, 'a.ndjson'), '-'],
      Readable.from(['from ', 'stdin']),
    );
    expect(prepared.inputs.map((input) => input.name)).toEqual(['-', join(dir, 'a.ndjson'), '-']);
    expect(await textOf(prepared, 0)).toBe('from stdin');
    expect(await textOf(prepared, 0)).toBe('from stdin');
    expect(await textOf(prepared, 2)).toBe('from stdin');
    expect(await textOf(prepared, 1)).toBe(readFileSync(join(dir, 'a.ndjson'), 'utf8'));
    await prepared.cleanup();
  });

  it('describes a missing file and an empty directory instead of opening them', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const prepared = await prepareInputs(
      [empty, join(dir, 'a.ndjson'), join(dir, 'missing.ndjson')],
      Readable.from([]),
    );
    expect(prepared.inputs.map((input) => input.name)).toEqual([join(dir, 'a.ndjson')]);
    // Each in its place among the inputs: before the input at `before`.
    expect(prepared.problems).toEqual([
      { file: empty, reason: 'is a directory with no files in it', before: 0 },
      { file: join(dir, 'missing.ndjson'), reason: 'no such file', before: 1 },
    ]);
  });

  it('says in words why a name is no file, without the system call and the path again', async () => {
    symlinkSync('loop', join(dir, 'loop'));
    const names = [join(dir, 'a.ndjson', 'x.ndjson'), join(dir, 'loop'), join(dir, 'n'.repeat(300))];
    const prepared = await prepareInputs(names, Readable.from([]));
    expect(prepared.problems.map((problem) => problem.reason)).toEqual([
      'no such file (a name before a / in it is a file, not a folder)',
      'a loop of symbolic links (or too many in a row)',
      'a name too long for the file system',
    ]);
  });

  it('opens every file below a directory in a fixed order, hidden ones too, each folder once', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'b', 'deeper'), { recursive: true });
    mkdirSync(join(tree, '.git'));
    writeFileSync(join(tree, 'b', 'deeper', 'x.ndjson'), 'X');
    writeFileSync(join(tree, 'b', 'a.ndjson'), 'BA');
    writeFileSync(join(tree, 'B.ndjson'), 'UPPER');
    writeFileSync(join(tree, '.hidden.ndjson'), 'hidden');
    writeFileSync(join(tree, '.git', 'HEAD'), 'ref');
    symlinkSync(join(dir, 'a.ndjson'), join(tree, 'link.ndjson'));
    symlinkSync(tree, join(tree, 'loop'));
    // A day's folder linked in from elsewhere, as a copy of segment-logs/ made with links may hold.
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'day.ndjson'), 'DAY');
    symlinkSync(join(dir, 'elsewhere'), join(tree, 'linked-day'));
    symlinkSync(join(tree, 'b', 'deeper'), join(tree, 'c-same-as-deeper'));
    symlinkSync(join(dir, 'gone.ndjson'), join(tree, 'dangling.ndjson'));

    const prepared = await prepareInputs([tree], Readable.from([]));

    expect(prepared.inputs.map((input) => input.name)).toEqual([
      join(tree, '.hidden.ndjson'),
      join(tree, 'B.ndjson'),
      join(tree, 'b', 'a.ndjson'),
      join(tree, 'b', 'deeper', 'x.ndjson'),
      join(tree, 'link.ndjson'),
      join(tree, 'linked-day', 'day.ndjson'),
    ]);
    expect(await textOf(prepared, 0)).toBe('hidden');
    expect(await textOf(prepared, 2)).toBe('BA');
    expect(await textOf(prepared, 4)).toBe('A');
    expect(prepared.problems).toEqual([
      { file: join(tree, 'dangling.ndjson'), reason: 'no such file', before: 4 },
    ]);
    expect(prepared.skipped).toEqual([
      {
        file: join(tree, '.git'),
        reason: 'a hidden folder',
        advice: 'not walked (name the folder itself to read the files in it)',
      },
    ]);
  });

  it('sets apart the files below a directory that the ingest skips as no exports, and reads those named', async () => {
    const day = join(dir, 'export-day');
    mkdirSync(join(day, 'job'), { recursive: true });
    writeFileSync(join(day, 'events.ndjson.gz'), 'E');
    writeFileSync(join(day, 'manifest.json'), '{"files":["events.ndjson.gz"]}');
    writeFileSync(join(day, 'job', '_SUCCESS'), '');
    writeFileSync(join(day, 'job', 'part-0.parquet'), 'PAR1');

    const prepared = await prepareInputs([day, join(day, 'manifest.json')], Readable.from([]));

    expect(prepared.inputs.map((input) => input.name)).toEqual([
      join(day, 'events.ndjson.gz'),
      join(day, 'manifest.json'),
    ]);
    const advice = 'not an export (name the file itself to read it)';
    expect(prepared.skipped).toEqual([
      { file: join(day, 'job', '_SUCCESS'), reason: 'a job completion marker', advice },
      {
        file: join(day, 'job', 'part-0.parquet'),
        reason: 'a Parquet file (only JSON exports are read)',
        advice,
      },
      { file: join(day, 'manifest.json'), reason: 'an export manifest', advice },
    ]);
    expect(prepared.problems).toEqual([]);

    const onlyManifest = join(dir, 'only-manifest');
    mkdirSync(onlyManifest);
    writeFileSync(join(onlyManifest, 'manifest.json'), '{}');
    const nothing = await prepareInputs([onlyManifest], Readable.from([]));
    expect(nothing.inputs).toEqual([]);
    expect(nothing.problems).toEqual([
      { file: onlyManifest, reason: 'is a directory with no export files in it', before: 0 },
    ]);
  });

  it('names the named pipes and sockets below a directory as skipped, without opening them, and a socket named as no file to read', async () => {
    const odd = join(dir, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, 'day.ndjson'), 'D');
    execFileSync('mkfifo', [join(odd, 'pipe.ndjson')]);
    symlinkSync(join(odd, 'pipe.ndjson'), join(odd, 'to-pipe.ndjson'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(odd, 'socket'), resolve));
    try {
      // Opening the pipe would wait for a writer that never comes: this would not return.
      const prepared = await prepareInputs([odd], Readable.from([]));

      expect(prepared.inputs.map((input) => input.name)).toEqual([join(odd, 'day.ndjson')]);
      const advice = 'not a regular file (name it itself to read from it)';
      // A socket cannot be opened, named or not (ENXIO): naming it is no advice.
      const socket = 'not a file to read (it takes connections and holds no content)';
      expect(prepared.skipped).toEqual([
        { file: join(odd, 'pipe.ndjson'), reason: 'a named pipe', advice },
        { file: join(odd, 'socket'), reason: 'a socket', advice: socket },
        { file: join(odd, 'to-pipe.ndjson'), reason: 'a named pipe', advice },
      ]);
      expect(prepared.problems).toEqual([]);

      const named = await prepareInputs([join(odd, 'socket'), join(odd, 'day.ndjson')], Readable.from([]));
      expect(named.inputs.map((input) => input.name)).toEqual([join(odd, 'day.ndjson')]);
      expect(named.problems).toEqual([
        { file: join(odd, 'socket'), reason: `is a socket, ${socket}`, before: 0 },
      ]);
    } finally {
      server.close();
    }
  });

  it('opens a file below a directory whose name is not UTF-8, by its bytes, showing U+FFFD for them', async () => {
    const latin1 = join(dir, 'latin1');
    mkdirSync(latin1);
    // `é.ndjson` as Latin-1 (E9), as an old archive extracts it; and a folder named so.
    const name = Buffer.concat([Buffer.from(`${latin1}/`), Buffer.from([0xe9]), Buffer.from('.ndjson')]);
    writeFileSync(name, 'LATIN-1');
    mkdirSync(Buffer.concat([Buffer.from(`${latin1}/`), Buffer.from([0xe9])]));
    writeFileSync(
      Buffer.concat([Buffer.from(`${latin1}/`), Buffer.from([0xe9]), Buffer.from('/x.ndjson')]),
      'X',
    );

    const prepared = await prepareInputs([latin1], Readable.from([]));

    expect(prepared.problems).toEqual([]);
    expect(prepared.inputs.map((input) => input.name)).toEqual([
      join(latin1, '\ufffd', 'x.ndjson'),
      join(latin1, '\ufffd.ndjson'),
    ]);
    expect(await textOf(prepared, 0)).toBe('X');
    expect(await textOf(prepared, 1)).toBe('LATIN-1');

    // Named by its decoded text alone (through npx, whose arguments reach the CLI decoded): not found, and why.
    const named = await prepareInputs([join(latin1, '\ufffd.ndjson')], Readable.from([]));
    expect(named.problems.map((problem) => problem.reason)).toEqual([
      'no such file (\ufffd stands for bytes of the name that are not UTF-8, lost on the way here, as npx and npm run pass such names on: name the folder it is in, or run bin/sessionize.mjs itself)',
    ]);
  });

  it('removes the spooled standard input on cleanup', async () => {
    const prepared = await prepareInputs(['-'], Readable.from(['x']));
    expect(await textOf(prepared, 0)).toBe('x');
    await prepared.cleanup();
    await expect(textOf(prepared, 0)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
