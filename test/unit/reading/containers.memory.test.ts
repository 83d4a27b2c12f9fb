import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Gzip, Zip, ZipDeflate, ZipPassThrough, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openExport } from '../../../functions/domain/reading/containers.js';

const MiB = 1024 * 1024;

interface GeneratedMember {
  readonly path: string;
  readonly bytes: number;
  readonly storage: 'deflate' | 'stored' | 'gzip';
}

/** About 1 MiB of event lines that compress like real exports (5-10x), different for every offset. */
function eventLines(firstLine: number): Uint8Array {
  const lines: string[] = [];
  let size = 0;
  for (let line = firstLine; size < MiB; line++) {
    const text = `{"type":"track","event":"Event ${line % 53}","userId":"user-${(line * 7919) % 100_003}","timestamp":${1_700_000_000_000 + line * 1337},"line":${line}}\n`;
    lines.push(text);
    size += text.length;
  }
  return Buffer.from(lines.join(''));
}

/** A ZIP archive written as it is read, so neither the archive nor its content is ever held whole. */
async function* generatedArchive(members: readonly GeneratedMember[]): AsyncGenerator<Uint8Array> {
  const output: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    output.push(data);
  });
  for (const member of members) {
    const file =
      member.storage === 'deflate'
        ? new ZipDeflate(member.path, { level: 1 })
        : new ZipPassThrough(member.path);
    zip.add(file);
    const gzip =
      member.storage === 'gzip' ? new Gzip({ level: 1 }, (data, final) => file.push(data, final)) : undefined;
    let line = 0;
    for (let written = 0; written < member.bytes; ) {
      const piece = eventLines(line).subarray(0, member.bytes - written);
      line += 20_000;
      written += piece.length;
      const final = written === member.bytes;
      if (gzip) gzip.push(piece, final);
      else file.push(piece, final);
      yield* output.splice(0);
    }
  }
  zip.end();
  yield* output.splice(0);
}

async function readSizes(members: readonly GeneratedMember[]) {
  const received: Record<string, number> = {};
  let peakRss = 0;
  for await (const member of openExport('large.zip', generatedArchive(members))) {
    let bytes = 0;
    for await (const chunk of member.bytes) {
      bytes += chunk.length;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    received[member.name] = bytes;
  }
  return { received, peakRss };
}

const MANY_MEMBERS = 20_000;

describe('openExport memory', () => {
  it('streams 200 MB of zipped content (deflated, stored, gzipped members) with bounded memory', async () => {
    const members: GeneratedMember[] = [
      { path: 'deflated.json', bytes: 80 * MiB, storage: 'deflate' },
      { path: 'stored.json', bytes: 60 * MiB, storage: 'stored' },
      { path: 'hour.json.gz', bytes: 60 * MiB, storage: 'gzip' },
    ];
    // A small run first, so the baseline includes the heap the generator and the reader settle at.
    await readSizes(members.map((member) => ({ ...member, bytes: 4 * MiB })));
    const baseline = process.memoryUsage().rss;

    const { received, peakRss } = await readSizes(members);

    expect(received).toEqual({
      'large.zip!deflated.json': 80 * MiB,
      'large.zip!stored.json': 60 * MiB,
      'large.zip!hour.json.gz': 60 * MiB,
    });
    // 40 to 65 MiB on Node 20, the generator's deflating included, as garbage collection happens to run
    // (nothing stays after one); holding the largest member whole adds 80.
    expect((peakRss - baseline) / MiB).toBeLessThan(96);
  }, 180_000);

  it('holds no buffer for each member of a ZIP of many small deflated members once it is read', async () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const files: Record<string, Uint8Array> = {};
    for (let index = 0; index < MANY_MEMBERS; index++) {
      files[`m${index}.ndjson`] = Buffer.from(`{"type":"track","userId":"u${index}"}\n`);
    }
    const archive = zipSync(files, { level: 6 });
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let offset = 0; offset < archive.length; offset += 64 * 1024) {
        yield archive.subarray(offset, offset + 64 * 1024);
      }
    }
    // Measured between the 2,000th member and the last, so that what the reader settles at counts in neither.
    // Collected ArrayBuffers are given back lazily: the figure wanders by ±40 MiB, so the members are many.
    const settled = () => {
      collectGarbage();
      return process.memoryUsage().arrayBuffers;
    };
    let members = 0;
    let baseline = 0;
    let held = 0;
    for await (const member of openExport('many.zip', chunks())) {
      for await (const _ of member.bytes);
      if (++members === 2000) baseline = settled();
      if (members === MANY_MEMBERS) held = settled() - baseline;
    }
    expect(members).toBe(MANY_MEMBERS);
    // A 16 KiB block kept per member read was 280 MiB over these 18,000, enough for a ZIP of 60,000 one-line
    // files to take the ingest's 1,024 MB.
    expect(held / MiB).toBeLessThan(120);
  }, 60_000);
});
