// How a file that is not UTF-8 JSON text is told: UTF-16 or UTF-32 text and binary formats, which are read
// like any file and only word the error of one none of whose lines is JSON.
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../reading/archives.js';
import { event, ids, read } from './read-export-fixture.js';

describe('readExport of a file that starts unlike UTF-8 JSON', () => {
  it.each([
    ['UTF-16LE', [0xff, 0xfe], 'utf16le', 'byte-order mark FF FE'],
    ['UTF-16BE', [0xfe, 0xff], 'utf16be', 'byte-order mark FE FF'],
    ['UTF-32LE', [0xff, 0xfe, 0x00, 0x00], 'utf32le', 'byte-order mark FF FE 00 00'],
  ])(
    'refuses a %s file, naming the encoding and its byte-order mark',
    async (encoding, mark, codec, evidence) => {
      const body = `${event('m-1')}\n`;
      const bytes =
        codec === 'utf16le'
          ? Buffer.from(body, 'utf16le')
          : codec === 'utf16be'
            ? Buffer.from(body, 'utf16le').swap16()
            : Buffer.from(Uint32Array.from([...body].map((char) => char.codePointAt(0) ?? 0)).buffer);
      const result = await read('wide.ndjson', Buffer.concat([Buffer.from(mark), bytes]));
      expect(result.events).toEqual([]);
      expect(result.rejections).toEqual([]);
      expect(result.summaries[0]?.error).toBe(
        `file is ${encoding} encoded (${evidence}); exports must be UTF-8`,
      );
    },
  );

  it('names the encoding of a UTF-16 JSON array too, where its structure breaks', async () => {
    const result = await read('wide.json', Buffer.from(`[${event('m-1')}]`, 'utf16le'));
    expect(result.events).toEqual([]);
    expect(result.summaries[0]?.error).toMatch(
      /; file is UTF-16LE encoded \(no byte-order mark, but NUL bytes pad most characters\); exports must be UTF-8$/,
    );
  });

  it.each([
    ['a byte-order mark of UTF-16', Buffer.from([0xff, 0xfe])],
    ['NUL-padded text', Buffer.from('x'.repeat(300), 'utf16le')],
  ])(
    'reads the JSON lines after a first line that starts like UTF-16 (%s): that line is a rejected event',
    async (_, start) => {
      const result = await read('mixed.ndjson', Buffer.concat([start, Buffer.from(`\n${event('m-1')}\n`)]));
      expect(ids(result)).toEqual(['m:m-1']);
      expect(result.rejections.map(({ position, reason }) => [position, reason])).toEqual([
        [1, expect.stringMatching(/^invalid JSON: /)],
      ]);
      expect(result.summaries[0]?.error).toBeUndefined();
    },
  );

  it.each([
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed', '28 B5 2F FD'],
    ['Parquet', [0x50, 0x41, 0x52, 0x31], 'a Parquet file', '50 41 52 31'],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed', 'FD 37 7A 58 5A 00'],
  ])('names a %s file by its magic bytes when none of its lines is JSON', async (_, magic, what, shown) => {
    const bytes = Buffer.concat([
      Buffer.from(magic),
      Buffer.from([0x00, 0x91, 0x0a, 0xff, 0x7b, 0x0a, 0x03]),
    ]);
    const result = await read('export.bin', bytes);
    expect(result.events).toEqual([]);
    expect(result.rejections).toEqual([]);
    expect(result.summaries[0]?.error).toBe(
      `file is ${what} (magic bytes ${shown}); exports are read as JSON text, plain, gzipped or in a ZIP archive`,
    );
  });

  it('names a ZIP member in a binary format as a file error, where a README beside it is skipped', async () => {
    const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x0a, 0x91]);
    const archive = zipSync(
      {
        'events.ndjson': Buffer.from(`${event('m-1')}\n`),
        'more.ndjson.zst': zstd,
        'README.txt': Buffer.from('Exported by the nightly job.\n'),
      },
      { level: 0 },
    );
    const result = await read('export.zip', archive);
    expect(ids(result)).toEqual(['m:m-1']);
    expect(result.rejections).toEqual([]);
    const byName = new Map(result.summaries.map((summary) => [summary.file, summary]));
    expect(byName.get('export.zip!more.ndjson.zst')?.error).toBe(
      'file is zstd-compressed (magic bytes 28 B5 2F FD); exports are read as JSON text, plain, gzipped or in a ZIP archive',
    );
    expect(byName.get('export.zip!README.txt')).toMatchObject({ skipped: expect.any(String) });
    expect(byName.get('export.zip!README.txt')?.error).toBeUndefined();
  });

  it('reads a file whose first line only starts like a binary format when a line after it is an event', async () => {
    const result = await read('a.ndjson', `BZh is not bzip2\n${event('m-1')}\n`);
    expect(ids(result)).toEqual(['m:m-1']);
    expect(result.rejections.map(({ position }) => position)).toEqual([1]);
    expect(result.summaries[0]?.error).toBeUndefined();
  });

  const TAR_HINT =
    'exports are read as JSON text, plain, gzipped or in a ZIP archive: extract the tar and read or upload its files (or a ZIP of them) instead';

  // A tar stores its files' bytes as they are: read as NDJSON, its headers glue onto lines that are events.
  it.each(['gnu', 'posix'] as const)(
    'refuses a tar archive (%s magic) of NDJSON files whole, naming it, with no events and no rejections',
    async (magic) => {
      const tar = tarOf(
        { 'a.ndjson': `${event('m-1')}\n${event('m-2')}\n`, 'b.ndjson': `${event('m-3')}\n` },
        magic,
      );
      const result = await read('export.tar', tar, { chunkSize: 100 });
      expect(result.events).toEqual([]);
      expect(result.rejections).toEqual([]);
      expect(result.summaries).toEqual([
        expect.objectContaining({
          file: 'export.tar',
          records: 0,
          error: `file is a tar archive (magic "ustar" at byte 257); ${TAR_HINT}`,
        }),
      ]);
    },
  );

  it('refuses a gzipped tar archive (.tar.gz, .tgz), naming it', async () => {
    const tgz = gzipSync(tarOf({ 'events.json': `[${event('m-1')}]` }));
    const result = await read('export.tgz', tgz);
    expect(result.events).toEqual([]);
    expect(result.rejections).toEqual([]);
    expect(result.summaries).toEqual([
      expect.objectContaining({
        file: 'export.tgz',
        compression: 'gzip',
        records: 0,
        error: `file is a gzipped tar archive (magic "ustar" at byte 257 of the gzip data); ${TAR_HINT}`,
      }),
    ]);
  });

  it('names a tar member of a ZIP archive, plain or gzipped, as a file error; the members beside it are read', async () => {
    const tar = tarOf({ 'a.ndjson': `${event('m-2')}\n` });
    const archive = zipSync(
      {
        'events.ndjson': Buffer.from(`${event('m-1')}\n`),
        'more.tar': tar,
        'more.tar.gz': gzipSync(tar),
      },
      { level: 0 },
    );
    const result = await read('export.zip', archive);
    expect(ids(result)).toEqual(['m:m-1']);
    expect(result.rejections).toEqual([]);
    const byName = new Map(result.summaries.map((summary) => [summary.file, summary]));
    expect(byName.get('export.zip!more.tar')?.error).toBe(
      `file is a tar archive (magic "ustar" at byte 257); ${TAR_HINT}`,
    );
    expect(byName.get('export.zip!more.tar.gz')?.error).toBe(
      `file is a gzipped tar archive (magic "ustar" at byte 257 of the gzip data); ${TAR_HINT}`,
    );
  });

  // `tar --format=v7` (and pre-POSIX tars) write no `ustar` magic: the header's fields and checksum tell it.
  it('refuses a pre-POSIX V7 tar archive, plain, gzipped or a ZIP member, naming it', async () => {
    const tar = tarOf({ 'a.ndjson': `${event('m-1')}\n`, 'b.ndjson': `${event('m-2')}\n` }, 'v7');
    const plain = await read('export.tar', tar, { chunkSize: 100 });
    const gzipped = await read('export.tgz', gzipSync(tar));
    const zipped = await read(
      'export.zip',
      zipSync({ 'events.ndjson': Buffer.from(`${event('m-3')}\n`), 'more.tar': tar }, { level: 0 }),
    );
    for (const result of [plain, gzipped]) {
      expect(result.events).toEqual([]);
      expect(result.rejections).toEqual([]);
    }
    expect(plain.summaries[0]?.error).toBe(
      `file is a tar archive (a pre-POSIX V7 header, without "ustar" magic); ${TAR_HINT}`,
    );
    expect(gzipped.summaries[0]?.error).toBe(
      `file is a gzipped tar archive (a pre-POSIX V7 header, without "ustar" magic, in the gzip data); ${TAR_HINT}`,
    );
    expect(ids(zipped)).toEqual(['m:m-3']);
    expect(zipped.rejections).toEqual([]);
    expect(zipped.summaries.find(({ file }) => file === 'export.zip!more.tar')?.error).toBe(
      `file is a tar archive (a pre-POSIX V7 header, without "ustar" magic); ${TAR_HINT}`,
    );
  });

  it('reads as text a file whose first 512 bytes are shaped like a V7 header but hold no NUL', async () => {
    // Octal-looking digits where a header's numbers are, and a checksum field that adds up if NULs were
    // spaces: JSON text holds no raw NUL, which every V7 header's numbers end with.
    const head = Buffer.from(`{"x":"${'a'.repeat(94)}0000644 0000000 0000000 00000000000 00000000000 `);
    const line = Buffer.concat([head, Buffer.from(`${'0'.repeat(9)}${'b'.repeat(400)}"}`)]);
    line.fill(0x20, 148, 156);
    const sum = line.subarray(0, 512).reduce((total, byte) => total + byte, 0);
    line.write(`${sum.toString(8).padStart(6, '0')}  `, 148, 'latin1');
    const result = await read('a.ndjson', Buffer.concat([line, Buffer.from(`\n${event('m-1')}\n`)]));
    expect(ids(result)).toEqual(['m:m-1']);
    expect(result.rejections.map(({ position }) => position)).toEqual([1]);
    expect(result.summaries[0]?.error).toBeUndefined();
  });

  it('reads a text with "ustar" at byte 257 as text when it is no tar header (its checksum does not add up)', async () => {
    const first = event('m-1', { pad: 'x'.repeat(300) });
    const text = `${first.slice(0, 257)}ustar  ${first.slice(264)}\n${event('m-2')}\n`;
    const result = await read('a.ndjson', text);
    expect(ids(result)).toEqual(['m:m-1', 'm:m-2']);
    expect(result.summaries[0]?.error).toBeUndefined();
  });
});
