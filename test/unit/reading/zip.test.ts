import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../functions/domain/reading/container-error.js';
import {
  type ArchiveMember,
  bytesOf,
  chunked,
  dataOffset,
  readExport,
  trackLines,
  zipWithDataDescriptors,
  zipWithSizes,
  zipWithYazl,
} from './archives.js';

const members: ArchiveMember[] = [
  { path: 'manifest.json', content: bytesOf('{"files":2}'), deflate: false },
  { path: 'events/a.json', content: bytesOf(trackLines(500, 'a')) },
  { path: 'events/b.json', content: bytesOf(trackLines(300, 'b')), deflate: false },
];

const writers = {
  'fflate, sizes in headers': async (list: readonly ArchiveMember[]) => zipWithSizes(list),
  'fflate, data descriptors': async (list: readonly ArchiveMember[]) => zipWithDataDescriptors(list),
  'yazl, sizes in headers': (list: readonly ArchiveMember[]) => zipWithYazl(list),
  'yazl, data descriptors': (list: readonly ArchiveMember[]) => zipWithYazl(list, { streamed: true }),
  'yazl, zip64': (list: readonly ArchiveMember[]) => zipWithYazl(list, { streamed: true, zip64: true }),
};

describe('ZIP archives', () => {
  describe.each(Object.entries(writers))('written by %s', (_writer, write) => {
    it('yields every stored and deflated member, named archive!path, byte for byte', async () => {
      const archive = await write(members);

      const outcome = await readExport('export.zip', chunked(archive, [7, 4096, 1]));

      expect(outcome.error).toBeUndefined();
      expect(outcome.issues).toEqual([]);
      expect(outcome.members).toEqual(
        members.map((member) => ({
          name: `export.zip!${member.path}`,
          compression: 'none',
          inZip: true,
          text: Buffer.from(member.content).toString('utf8'),
        })),
      );
    });

    it('gunzips a gzipped member, found by its magic bytes', async () => {
      const text = trackLines(200, 'gz');
      const archive = await write([{ path: 'hour/0.json.gz', content: gzipSync(text), deflate: false }]);

      const outcome = await readExport('amplitude.zip', chunked(archive));

      expect(outcome.members).toEqual([
        { name: 'amplitude.zip!hour/0.json.gz', compression: 'gzip', inZip: true, text },
      ]);
    });
  });

  describe.each(Object.entries(writers))(
    'written by %s, checked against its central directory',
    (_writer, write) => {
      it('reads a damaged member as it is, then reports it by the CRC-32 the archive lists', async () => {
        const archive = await write(members);
        // A stored member's byte changed in place: nothing but the checksum can tell.
        const at = dataOffset(archive, 'events/b.json') + 30;
        archive[at] = (archive[at] ?? 0) ^ 0x01;

        const outcome = await readExport('export.zip', chunked(archive, [4096]));

        expect(outcome.members.map((member) => member.name)).toEqual(
          members.map((m) => `export.zip!${m.path}`),
        );
        expect(outcome.members[2]?.text).not.toBe(Buffer.from(members[2]?.content ?? []).toString('utf8'));
        expect(outcome.error?.message).toMatch(
          /^export\.zip!events\/b\.json: corrupt member data \(CRC-32 mismatch: its content differs from what the archive lists\)/,
        );
      });

      it('finds no damage in an intact archive, whatever the chunking', async () => {
        const archive = await write(members);
        for (const sizes of [[1], [13], [100_000]]) {
          expect((await readExport('export.zip', chunked(archive, sizes))).error).toBeUndefined();
        }
      });
    },
  );

  it('skips and reports directories', async () => {
    const archive = await zipWithYazl([{ path: 'day/0.json', content: bytesOf('{}') }], {
      directories: ['day/'],
    });

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.issues).toEqual([{ kind: 'directory', file: 'export.zip!day/', reason: 'a directory' }]);
    expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!day/0.json']);
  });

  describe('member names without the UTF-8 flag', () => {
    // Info-ZIP's zip 3.0 on Linux (test/fixtures/zip/README.md): UTF-8 names, no flag, no Unicode extra field.
    it('reads a valid UTF-8 name as UTF-8, as Info-ZIP writes it', async () => {
      const archive = readFileSync(new URL('../../fixtures/zip/infozip-utf8-names.zip', import.meta.url));

      const outcome = await readExport('export.zip', chunked(archive, [7]));

      expect(outcome.error).toBeUndefined();
      expect(outcome.members.map((member) => [member.name, member.text])).toEqual([
        ['export.zip!café.json', '{"type":"track","event":"café","userId":"u1"}\n'],
        ['export.zip!Straße.json', '{"type":"track","event":"Straße","userId":"u2"}\n'],
      ]);
    });

    it('reads any other name as CP437, as Windows writes it', async () => {
      const archive = zipWithSizes([{ path: 'cafe.json', content: bytesOf('{}'), deflate: false }]);
      // 0x82 is é in CP437 (a control character in Latin-1), in the local header and the directory alike.
      const bytes = Buffer.from(archive);
      const data = dataOffset(bytes, 'cafe.json');
      for (let at = bytes.indexOf('cafe.json'); at !== -1; at = bytes.indexOf('cafe.json', at + 1)) {
        bytes[at + 3] = 0x82;
      }

      const outcome = await readExport('export.zip', chunked(bytes));

      expect(outcome.error).toBeUndefined();
      expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!café.json']);

      // The directory's name is matched by the same reading, so the member's CRC-32 is still checked.
      bytes[data] = 0x5b;
      expect((await readExport('export.zip', chunked(bytes))).error?.message).toMatch(
        /^export\.zip!café\.json: corrupt member data \(CRC-32 mismatch/,
      );
    });

    it("keeps a UTF-8 name's leading byte-order mark, as the flagged name keeps it", async () => {
      const archive = zipWithSizes([{ path: 'BOMa.json', content: bytesOf('{}'), deflate: false }]);
      const bytes = Buffer.from(archive);
      for (let at = bytes.indexOf('BOMa.json'); at !== -1; at = bytes.indexOf('BOMa.json', at + 1)) {
        bytes.set([0xef, 0xbb, 0xbf], at);
      }

      const outcome = await readExport('export.zip', chunked(bytes));

      expect(outcome.error).toBeUndefined();
      expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!\ufeffa.json']);
    });
  });

  // Rule 1 knows a ZIP by its first local header; an archive without one holds no file to read.
  it('reports an empty archive as the file that cannot be read, with no members', async () => {
    const archive = await zipWithYazl([]);

    const outcome = await readExport('empty.zip', chunked(archive));

    expect(outcome).toEqual({
      members: [],
      issues: [
        {
          kind: 'empty-archive',
          file: 'empty.zip',
          reason: 'an empty ZIP archive: it holds no files to read',
        },
      ],
    });
  });

  it.each([
    ['sizes in headers', zipWithSizes],
    ['data descriptors', zipWithDataDescriptors],
  ])('with %s, a corrupt member fails alone and the members around it are read', async (_name, write) => {
    const archive = write([
      { path: 'a.json', content: bytesOf(trackLines(100, 'a')) },
      { path: 'broken.json', content: bytesOf(trackLines(100, 'broken')) },
      { path: 'c.json', content: bytesOf(trackLines(100, 'c')) },
    ]);
    // Deflate block type 3 does not exist, so the member fails at its first byte.
    const first = dataOffset(archive, 'broken.json');
    archive[first] = (archive[first] ?? 0) | 0b110;

    const outcome = await readExport('export.zip', chunked(archive, [1000]));

    expect(outcome.error).toBeUndefined();
    expect(outcome.members.map(({ name, text, error }) => [name, text.length > 0, error?.kind])).toEqual([
      ['export.zip!a.json', true, undefined],
      ['export.zip!broken.json', false, 'corrupt'],
      ['export.zip!c.json', true, undefined],
    ]);
    expect(outcome.members[1]?.error?.message).toMatch(
      /^export\.zip!broken\.json: corrupt deflate data \(.+\); 0 decompressed bytes were read/,
    );
    expect(outcome.members[2]?.text).toBe(trackLines(100, 'c'));
  });

  it('refuses a member that inflates past the limit and still reads the others (ZIP bomb)', async () => {
    const archive = zipWithDataDescriptors([
      { path: 'bomb.json', content: new Uint8Array(8 * 1024 * 1024) },
      { path: 'after.json', content: bytesOf('{"ok":true}') },
    ]);

    const outcome = await readExport('export.zip', chunked(archive), { maxMemberBytes: 1024 * 1024 });

    expect(outcome.error).toBeUndefined();
    const [bomb, after] = outcome.members;
    expect(bomb?.error?.kind).toBe('too-large');
    expect(bomb?.error?.message).toContain('export.zip!bomb.json: inflates past the 1 MiB limit; refused');
    expect(bomb?.text.length).toBeLessThanOrEqual(1024 * 1024);
    expect(after).toMatchObject({ name: 'export.zip!after.json', text: '{"ok":true}' });
  });

  it('refuses, without yielding it, a member whose header declares more than the limit', async () => {
    const archive = zipWithSizes([
      { path: 'bomb.json', content: new Uint8Array(2 * 1024 * 1024) },
      { path: 'after.json', content: bytesOf('{}') },
    ]);

    const outcome = await readExport('export.zip', chunked(archive), { maxMemberBytes: 1024 * 1024 });

    expect(outcome.issues).toEqual([
      {
        kind: 'too-large',
        file: 'export.zip!bomb.json',
        reason: 'declares 2 MiB past the 1 MiB limit; refused',
      },
    ]);
    expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!after.json']);
  });

  it('says the exact size a member declares when, rounded, it would read as the limit itself', async () => {
    const archive = zipWithSizes([{ path: 'bomb.json', content: new Uint8Array(1024 * 1024 + 1) }]);

    const outcome = await readExport('export.zip', chunked(archive), { maxMemberBytes: 1024 * 1024 });

    expect(outcome.issues.map((issue) => issue.reason)).toEqual([
      'declares 1 MiB (1,048,577 bytes) past the 1 MiB limit; refused',
    ]);
  });

  it('refuses a gzipped member whose gzip inflates past the limit', async () => {
    const archive = zipWithSizes([
      { path: 'bomb.json.gz', content: gzipSync(new Uint8Array(4 * 1024 * 1024)) },
    ]);

    const outcome = await readExport('export.zip', chunked(archive), { maxMemberBytes: 1024 * 1024 });

    expect(outcome.members[0]?.error?.message).toContain(
      'export.zip!bomb.json.gz: inflates past the 1 MiB limit',
    );
  });

  it('skips and reports a member compressed with a method it cannot read', async () => {
    const archive = zipWithSizes([
      { path: 'a.json', content: bytesOf('{"a":1}'), deflate: false },
      { path: 'b.json', content: bytesOf('{"b":2}'), deflate: false },
    ]);
    // Relabel a.json as bzip2 (method 12) in its local header.
    const header = dataOffset(archive, 'a.json') - 'a.json'.length - 30;
    archive[header + 8] = 12;

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.issues).toEqual([
      {
        kind: 'unsupported-compression',
        file: 'export.zip!a.json',
        reason: 'compression method 12 (bzip2); only stored and deflated members can be read; skipped',
      },
    ]);
    expect(outcome.members.map((member) => member.text)).toEqual(['{"b":2}']);
  });

  it('skips and reports an encrypted member instead of reading its ciphertext as events', async () => {
    const archive = zipWithSizes([
      { path: 'a.json', content: bytesOf('{"a":1}'), deflate: false },
      { path: 'b.json', content: bytesOf('{"b":2}'), deflate: false },
    ]);
    // Flag bit 0 of a.json's local header: encrypted (its data would start with a 12-byte cipher header).
    const header = dataOffset(archive, 'a.json') - 'a.json'.length - 30;
    archive[header + 6] = (archive[header + 6] ?? 0) | 1;

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.issues).toEqual([
      {
        kind: 'unsupported-compression',
        file: 'export.zip!a.json',
        reason: 'encrypted (password-protected); it cannot be read; skipped',
      },
    ]);
    expect(outcome.members.map((member) => member.text)).toEqual(['{"b":2}']);
  });

  describe('truncated archives', () => {
    const content = [
      { path: 'a.json', content: bytesOf(trackLines(400, 'a')) },
      { path: 'b.json', content: bytesOf(trackLines(400, 'b')) },
    ];

    it.each([
      ['sizes in headers', zipWithSizes],
      ['data descriptors', zipWithDataDescriptors],
    ])('with %s, is an error at every cut, and what came before stays read', async (_name, write) => {
      const archive = write(content);
      const full = await readExport('export.zip', chunked(archive));

      for (let cut = 4; cut < archive.length; cut += Math.max(1, Math.floor(archive.length / 97))) {
        const outcome = await readExport('export.zip', chunked(archive.subarray(0, cut), [512]));

        const errors = [outcome.error, ...outcome.members.map((member) => member.error)].filter(Boolean);
        expect(errors, `cut at ${cut}`).toHaveLength(1);
        expect(errors[0]?.kind, `cut at ${cut}`).toBe('truncated');
        outcome.members.forEach((member, index) => {
          expect(full.members[index]?.text.startsWith(member.text), `cut at ${cut}`).toBe(true);
        });
      }
    });

    it('names the member it cuts short and how far reading got', async () => {
      const archive = zipWithSizes(content);
      const cut = dataOffset(archive, 'b.json') + 100;

      const outcome = await readExport('export.zip', chunked(archive.subarray(0, cut)));

      expect(outcome.error).toBeUndefined();
      expect(outcome.members[1]?.error?.message).toMatch(
        new RegExp(
          `^export\\.zip!b\\.json: the archive ends inside this member \\(truncated file\\); \\d+ decompressed bytes were read, up to compressed byte ${cut}$`,
        ),
      );
    });

    it('reports a central directory cut short after complete members', async () => {
      const archive = zipWithSizes(content);

      const outcome = await readExport('export.zip', chunked(archive.subarray(0, archive.length - 10)));

      expect(outcome.members.map((member) => member.error)).toEqual([undefined, undefined]);
      expect(outcome.error).toBeInstanceOf(ContainerError);
      expect(outcome.error?.message).toMatch(/^export\.zip: the archive ends without its central directory/);
    });
  });

  it('finds the end of an archive longer than its search window, whatever the chunking', async () => {
    const noise = Uint8Array.from({ length: 300_000 }, (_, index) => 32 + ((index * 7919) % 95));
    const archive = zipWithSizes([{ path: 'big.json', content: noise, deflate: false }]);

    const outcome = await readExport('export.zip', chunked(archive, [1000, 7, 65_537]));

    expect(outcome.error).toBeUndefined();
    expect(outcome.members[0]?.text.length).toBe(noise.length);
  });

  it('checks the member count of a zip64 archive too', async () => {
    const archive = await zipWithYazl(
      [
        { path: 'a.json', content: bytesOf('{"a":1}') },
        { path: 'b.json', content: bytesOf('{"b":2}') },
      ],
      { zip64: true },
    );
    archive[dataOffset(archive, 'b.json') - 'b.json'.length - 30] = 0;

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.error?.message).toMatch(
      /^export\.zip: the central directory lists 2 members, but 1 member was found/,
    );
  });

  it('reports an archive whose central directory lists members that were not found', async () => {
    const archive = zipWithSizes([
      { path: 'a.json', content: bytesOf('{"a":1}'), deflate: false },
      { path: 'b.json', content: bytesOf('{"b":2}'), deflate: false },
    ]);
    // Break b.json's local header signature: the member can no longer be found by streaming.
    archive[dataOffset(archive, 'b.json') - 'b.json'.length - 30] = 0;

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!a.json']);
    expect(outcome.error?.message).toBe(
      'export.zip: the central directory lists 2 members, but 1 member was found reading the archive (damaged archive); not found: b.json',
    );
  });
});
