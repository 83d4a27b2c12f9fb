import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openExport } from '../../../functions/domain/reading/containers.js';
import {
  bytesOf,
  chunked,
  readExport,
  textOf,
  trackedSource,
  trackLines,
  zipWithDataDescriptors,
  zipWithSizes,
} from './archives.js';

describe('openExport', () => {
  it('passes the chunks of a plain file through as they are, uncopied', async () => {
    const chunks = [...Array(5).keys()].map((index) => bytesOf(`${trackLines(50, `part ${index}`)}\n`));
    async function* source() {
      yield* chunks;
    }

    const received: Uint8Array[] = [];
    for await (const member of openExport('events.ndjson', source())) {
      for await (const chunk of member.bytes) received.push(chunk);
    }

    expect(received).toHaveLength(chunks.length);
    for (const [index, chunk] of received.entries()) expect(chunk).toBe(chunks[index]);
  });

  it('yields an empty file as one member without bytes', async () => {
    const outcome = await readExport('empty.json', chunked(new Uint8Array(0)));

    expect(outcome).toEqual({
      members: [{ name: 'empty.json', compression: 'none', inZip: false, text: '' }],
      issues: [],
    });
  });

  it('does not unpack a ZIP archive that was gzipped, and says so', async () => {
    const archive = zipWithSizes([{ path: 'a.json', content: bytesOf('{}') }]);

    const outcome = await readExport('export.zip.gz', chunked(gzipSync(archive)));

    expect(outcome).toEqual({
      members: [],
      issues: [
        {
          kind: 'nested-archive',
          file: 'export.zip.gz',
          reason: 'the gzip data holds a ZIP archive; not unpacked',
          compression: 'gzip',
        },
      ],
    });
  });

  it('names each member of an archive once, however often the archive holds its path', async () => {
    const archive = zipWithDataDescriptors(
      ['m.ndjson', 'm.ndjson', 'm.ndjson (2)', 'inner.zip', 'inner.zip'].map((path, index) => ({
        path,
        content:
          path === 'inner.zip'
            ? zipWithSizes([{ path: 'day.ndjson', content: bytesOf(`${index}`) }])
            : bytesOf(`${index}`),
      })),
    );

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.members.map(({ name, text }) => [name, text])).toEqual([
      ['export.zip!m.ndjson', '0'],
      ['export.zip!m.ndjson (2)', '1'],
      ['export.zip!m.ndjson (2) (2)', '2'],
      ['export.zip!inner.zip!day.ndjson', '3'],
      ['export.zip!inner.zip (2)!day.ndjson', '4'],
    ]);
  });

  it('rejects a limit that is not positive', async () => {
    const members = openExport('events.json', chunked(bytesOf('{}')), { maxMemberBytes: 0 });

    await expect(members.next()).rejects.toThrow('maxMemberBytes must be positive, got 0');
  });

  describe('closes the source', () => {
    const plain = bytesOf(trackLines(2000, 'plain'));
    const archive = zipWithDataDescriptors([
      { path: 'a.json', content: bytesOf(trackLines(2000, 'a')) },
      { path: 'b.json', content: bytesOf(trackLines(2000, 'b')) },
    ]);

    it.each([
      ['plain', plain],
      // Stored, not compressed: several of the 64 KiB slices gunzip takes whole (and one ahead) before inflating.
      ['gzipped', gzipSync(bytesOf(trackLines(6000, 'plain')), { level: 0 })],
      ['zipped', archive],
    ])('of a %s file when the reader stops inside a member', async (_name, bytes) => {
      const { state, source } = trackedSource(bytes, 256);

      for await (const member of openExport('export', source)) {
        for await (const chunk of member.bytes) {
          expect(chunk.length).toBeGreaterThan(0);
          break;
        }
        break;
      }

      expect(state.closed).toBe(true);
      expect(state.pulled).toBeLessThan(bytes.length);
    });

    it.each([
      ['plain', plain],
      ['gzipped', gzipSync(plain)],
      ['zipped', archive],
    ])('of a %s file when the reader drops a member without reading it', async (_name, bytes) => {
      const { state, source } = trackedSource(bytes, 256);

      for await (const member of openExport('export', source)) {
        expect(member.name).toMatch(/^export/);
        break;
      }

      expect(state.closed).toBe(true);
    });
  });

  it('moves on to the next member of an archive when the reader abandons one halfway', async () => {
    const archive = zipWithDataDescriptors([
      { path: 'a.json', content: bytesOf(trackLines(5000, 'a')) },
      { path: 'b.json.gz', content: gzipSync(trackLines(5000, 'b')) },
      { path: 'c.json', content: bytesOf(trackLines(5000, 'c')) },
    ]);
    const texts: Record<string, string> = {};

    for await (const member of openExport('export.zip', chunked(archive, [1000]))) {
      if (member.name.endsWith('c.json')) {
        const chunks: Uint8Array[] = [];
        for await (const chunk of member.bytes) chunks.push(chunk);
        texts[member.name] = textOf(Buffer.concat(chunks));
        continue;
      }
      for await (const chunk of member.bytes) {
        texts[member.name] = textOf(chunk).slice(0, 10);
        break;
      }
    }

    expect(texts).toEqual({
      'export.zip!a.json': '{"type":"t',
      'export.zip!b.json.gz': '{"type":"t',
      'export.zip!c.json': trackLines(5000, 'c'),
    });
  });
});
