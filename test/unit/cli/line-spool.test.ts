import { closeSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineSpool, SpoolError } from '../../../cli/line-spool.js';

const spoolDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('sessionize-spool-'));

describe('LineSpool', () => {
  // A temporary folder of this file's own: CLI runs of other tests spool into the shared one meanwhile.
  const sharedTmpdir = process.env.TMPDIR;
  let ownTmpdir: string;
  beforeAll(() => {
    ownTmpdir = mkdtempSync(join(tmpdir(), 'line-spool-test-'));
    process.env.TMPDIR = ownTmpdir;
  });
  afterAll(() => {
    if (sharedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = sharedTmpdir;
    rmSync(ownTmpdir, { recursive: true, force: true });
  });

  it('keeps a small run in memory, never touching the disk', () => {
    const spool = new LineSpool({ inMemoryChars: 1_000 });
    for (let i = 0; i < 10; i++) spool.add(`row ${i}`);
    expect(spool.spilled).toBe(false);
    expect([...spool.drain()]).toEqual(Array.from({ length: 10 }, (_, i) => `row ${i}`));
  });

  it('gives back every line in order once they went to disk, and removes the file', () => {
    const before = new Set(spoolDirs());
    const spool = new LineSpool({ inMemoryChars: 100 });
    // Lines longer than a read block, multi-byte characters across block edges, empty lines.
    const lines = [
      'é'.repeat(300_000),
      '',
      'a\u0000b',
      '😀'.repeat(70_001),
      ...Array.from({ length: 5_000 }, (_, i) => `r${i}`),
    ];
    for (const line of lines) spool.add(line);
    expect(spool.spilled).toBe(true);
    const created = spoolDirs().filter((name) => !before.has(name));
    expect(created).toHaveLength(1);
    expect([...spool.drain()]).toEqual(lines);
    expect(existsSync(`${tmpdir()}/${created[0]}`)).toBe(false);
  });

  it('gives back what it was given, whatever the lines and the memory bound', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => text.replace(/\n/g, ' '));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 200 }), fc.integer({ min: 0, max: 500 }), (lines, bound) => {
        const spool = new LineSpool({ inMemoryChars: bound });
        for (const text of lines) spool.add(text);
        expect([...spool.drain()]).toEqual(lines);
        expect(spool.spilled).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('removes its file when dropped before being read', () => {
    const before = new Set(spoolDirs());
    const spool = new LineSpool({ inMemoryChars: 0 });
    spool.add('x');
    expect(spoolDirs().filter((name) => !before.has(name))).toHaveLength(1);
    spool.dispose();
    expect(spoolDirs().filter((name) => !before.has(name))).toHaveLength(0);
  });

  it('reads its lines as often as asked, lines added between readings included', () => {
    const spool = new LineSpool({ inMemoryChars: 10 });
    spool.add('first line, past the bound');
    expect([...spool.lines()]).toEqual(['first line, past the bound']);
    spool.add('second');
    expect([...spool.lines()]).toEqual(['first line, past the bound', 'second']);
    expect(spool.length).toBe(2);
    expect([...spool.drain()]).toEqual(['first line, past the bound', 'second']);
    expect(spool.spilled).toBe(false);
  });

  it('says which folder failed when a write to its file fails, rather than losing lines', () => {
    const spool = new LineSpool({ inMemoryChars: 10 });
    spool.add('x'.repeat(20));
    expect(spool.spilled).toBe(true);
    // The file gone from under it, as a full disk would refuse it.
    const { fd, dir } = (spool as unknown as { file: { fd: number; dir: string } }).file;
    closeSync(fd);
    expect(() => [...spool.lines()]).toThrow(SpoolError);
    expect(() => [...spool.lines()]).toThrow(
      /cannot write to the temporary folder .*sessionize-spool-.*set TMPDIR/,
    );
    // Disposing (as the end of the run, or its exit, does) still removes the folder, and throws nothing.
    spool.dispose();
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps everything in memory once the temporary folder refused, and says why once', () => {
    const reasons: string[] = [];
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = '/no/such/folder/for/sessionize';
    try {
      const spool = new LineSpool({ inMemoryChars: 5, onSpillRefused: (reason) => reasons.push(reason) });
      const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
      for (const line of lines) spool.add(line);
      expect(spool.spilled).toBe(false);
      expect([...spool.drain()]).toEqual(lines);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('ENOENT');
  });
});
