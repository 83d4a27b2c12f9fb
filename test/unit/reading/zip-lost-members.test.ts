import { describe, expect, it } from 'vitest';
import {
  type ArchiveMember,
  bytesOf,
  COMPRESSED_SIZE_AT,
  chunked,
  dataOffset,
  directoryOffset,
  localHeaderOffset,
  readExport,
  textOf,
  trackLines,
  zipWithSizes,
  zipWithYazl,
} from './archives.js';

/**
 * Members whose local header a damaged member's too large size ran over: the stream reads that header as
 * the damaged member's data, and only the central directory, at the end, places them. They are read again
 * from there, the archive's bytes opened again from its start.
 */

const writable = (archive: Uint8Array) => Buffer.from(archive.buffer, archive.byteOffset, archive.length);

/** Makes `path`'s local header state its compressed size `more` bytes too large. */
function overstate(archive: Uint8Array, path: string, more: number): number {
  const at = localHeaderOffset(archive, path) + COMPRESSED_SIZE_AT;
  const actual = writable(archive).readUInt32LE(at);
  writable(archive).writeUInt32LE(actual + more, at);
  return actual;
}

/** Reads `archive` as the sessionizer does, with the means to read it again from its start. */
const readAgainable = (archive: Uint8Array, sizes: readonly number[]) => {
  const opened = { count: 0 };
  const outcome = readExport('export.zip', chunked(archive, sizes), {
    reopen: () => {
      opened.count++;
      return chunked(archive, sizes);
    },
  });
  return { outcome, opened };
};

const stored = (path: string, tag: string, lines = 3): ArchiveMember => ({
  path,
  content: bytesOf(trackLines(lines, tag)),
  deflate: false,
});

describe('ZIP members a stored member with too large a size in its local header ran over', () => {
  it('reads the member whose header was run over, and names the damaged one with what its directory says', async () => {
    const members = [stored('a.json', 'a'), stored('b.json', 'b'), stored('c.json', 'c')];
    for (const more of [10, 45, 120]) {
      const archive = zipWithSizes(members);
      const actual = overstate(archive, 'a.json', more);
      for (const sizes of [[100], [7], [64 * 1024]]) {
        const { outcome: reading, opened } = readAgainable(archive, sizes);
        const outcome = await reading;

        const label = `${more} ${sizes}`;
        const byName = new Map(outcome.members.map((member) => [member.name, member]));
        expect([...byName.keys()].sort(), label).toEqual([
          'export.zip!a.json',
          'export.zip!b.json',
          'export.zip!c.json',
        ]);
        expect(byName.get('export.zip!b.json')?.text, label).toBe(trackLines(3, 'b'));
        expect(byName.get('export.zip!b.json')?.error, label).toBeUndefined();
        expect(byName.get('export.zip!c.json')?.text, label).toBe(trackLines(3, 'c'));
        expect(byName.get('export.zip!a.json')?.text.startsWith(trackLines(3, 'a')), label).toBe(true);
        expect([outcome.error?.file, outcome.error?.reason], label).toEqual([
          'export.zip!a.json',
          `corrupt member data (CRC-32 mismatch: its content differs from what the archive lists); the central directory lists ${actual} bytes compressed, but ${actual + more} were read as its data`,
        ]);
        expect(outcome.issues, label).toEqual([]);
        expect(opened.count, label).toBe(1);
      }
    }
  });

  it("reads the member run over when the too large size runs on past the archive's end", async () => {
    // Found by zip-lost-members.property.test.ts: where the stream ended inside a.json's stated data, a.json
    // was called truncated and the directory, read as a.json's data, never placed b.json. (272 more bytes end
    // inside the end record.)
    const members = [stored('a.json', 'a'), stored('b.json', 'b')];
    for (const more of [272, 5000]) {
      const archive = zipWithSizes(members);
      const actual = overstate(archive, 'a.json', more);
      for (const sizes of [[12, 14], [13, 22371, 21], [64 * 1024]]) {
        const { outcome: reading, opened } = readAgainable(archive, sizes);
        const outcome = await reading;

        const label = `${more} ${sizes}`;
        const b = outcome.members.find((member) => member.name === 'export.zip!b.json');
        expect([b?.text, b?.error], label).toEqual([trackLines(3, 'b'), undefined]);
        const a = outcome.members.find((member) => member.name === 'export.zip!a.json');
        expect(a?.text.startsWith(trackLines(3, 'a')), label).toBe(true);
        expect([outcome.error?.file, outcome.error?.reason], label).toEqual([
          'export.zip!a.json',
          `corrupt member data (CRC-32 mismatch: its content differs from what the archive lists); the central directory lists ${actual} bytes compressed, but ${Math.min(actual + more, archive.length - dataOffset(archive, 'a.json'))} were read as its data`,
        ]);
        expect(opened.count, label).toBe(1);
      }
    }
  });

  it("places the member by the zip64 extra field's header offset when the record's own is 0xffffffff", async () => {
    const members = [stored('a.json', 'a'), stored('b.json', 'b'), stored('c.json', 'c')];
    const archive = await zipWithYazl(members, { zip64: true });
    const record = writable(archive).indexOf(Buffer.from('b.json'), directoryOffset(archive)) - 46;
    expect(writable(archive).readUInt32LE(record + 42)).toBe(0xffffffff);
    overstate(archive, 'a.json', 10);

    const { outcome: reading } = readAgainable(archive, [100]);
    const outcome = await reading;

    const b = outcome.members.find((member) => member.name === 'export.zip!b.json');
    expect([b?.text, b?.error]).toEqual([trackLines(3, 'b'), undefined]);
    expect(outcome.error?.file).toBe('export.zip!a.json');
  });

  it('reads every member run over, a deflated one too, in one more reading', async () => {
    const deflated = { path: 'c.json', content: bytesOf(trackLines(200, 'c')) };
    const members = [stored('a.json', 'a'), stored('b.json', 'b'), deflated, stored('d.json', 'd')];
    const archive = zipWithSizes(members);
    // a runs over b and c and into d's data, so d's header is passed over as well.
    overstate(archive, 'a.json', localHeaderOffset(archive, 'd.json') + 40 - dataOffset(archive, 'a.json'));
    const { outcome: reading, opened } = readAgainable(archive, [1000]);
    const outcome = await reading;

    const texts = new Map(outcome.members.map((member) => [member.name, member]));
    for (const path of ['b.json', 'c.json', 'd.json']) {
      const member = texts.get(`export.zip!${path}`);
      expect(member?.text, path).toBe(
        textOf(members.find((one) => one.path === path)?.content ?? bytesOf('')),
      );
      expect(member?.error, path).toBeUndefined();
    }
    expect(outcome.error?.file).toBe('export.zip!a.json');
    expect(outcome.issues).toEqual([]);
    expect(opened.count).toBe(1);
  });

  it('stops a member read again at the next member the directory places, its own size too large as well', async () => {
    const members = [
      stored('a.json', 'a'),
      stored('b.json', 'b'),
      stored('c.json', 'c'),
      stored('d.json', 'd'),
    ];
    const archive = zipWithSizes(members);
    overstate(archive, 'a.json', 10);
    overstate(archive, 'b.json', 10);
    const { outcome: reading } = readAgainable(archive, [100]);
    const outcome = await reading;

    const byName = new Map(outcome.members.map((member) => [member.name, member.text]));
    expect(byName.get('export.zip!b.json')).toBe(trackLines(3, 'b'));
    expect(byName.get('export.zip!c.json')).toBe(trackLines(3, 'c'));
    expect(byName.get('export.zip!d.json')).toBe(trackLines(3, 'd'));
    expect(outcome.error?.file).toBe('export.zip!a.json');
  });

  it('only names the member run over when the archive cannot be read again', async () => {
    const archive = zipWithSizes([stored('a.json', 'a'), stored('b.json', 'b'), stored('c.json', 'c')]);
    overstate(archive, 'a.json', 10);

    const outcome = await readExport('export.zip', chunked(archive, [100]));

    expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!a.json', 'export.zip!c.json']);
    expect(outcome.error?.message).toBe(
      'export.zip: the central directory lists 3 members, but 2 members were found reading the archive (damaged archive); not found: b.json',
    );
  });

  it('reads nothing again for a directory record inside a member the directory sizes to cover it', async () => {
    const inner = zipWithSizes([stored('y.json', 'y')]);
    const archive = Buffer.from(
      zipWithSizes([{ path: 'inner.zip', content: inner, deflate: false }, stored('b.json', 'b')]),
    );
    // One more record, a copy of b.json's named y.json, placing its member at the inner archive's own
    // header: inside inner.zip as the directory sizes it (overlapping members, as a ZIP bomb's are).
    const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const bRecord = archive.lastIndexOf(Buffer.from('b.json'), end) - 46;
    const record = Buffer.from(archive.subarray(bRecord, end));
    record.write('y.json', 46);
    record.writeUInt32LE(dataOffset(archive, 'inner.zip'), 42);
    const tail = Buffer.from(archive.subarray(end));
    tail.writeUInt16LE(tail.readUInt16LE(8) + 1, 8);
    tail.writeUInt16LE(tail.readUInt16LE(10) + 1, 10);
    tail.writeUInt32LE(tail.readUInt32LE(12) + record.length, 12);
    const overlapping = Buffer.concat([archive.subarray(0, end), record, tail]);

    const { outcome: reading, opened } = readAgainable(overlapping, [100]);
    const outcome = await reading;

    expect(opened.count).toBe(0);
    expect(outcome.members.map((member) => member.name)).toEqual([
      'export.zip!inner.zip!y.json',
      'export.zip!b.json',
    ]);
    expect(outcome.error?.message).toBe(
      'export.zip: the central directory lists 3 members, but 2 members were found reading the archive (damaged archive); not found: y.json',
    );
  });

  it('reads nothing where the directory places no local header, and names the member not found', async () => {
    const archive = zipWithSizes([stored('a.json', 'a'), stored('b.json', 'b'), stored('c.json', 'c')]);
    overstate(archive, 'a.json', 10);
    const directory = writable(archive).lastIndexOf(Buffer.from('b.json')) - 46;
    writable(archive).writeUInt32LE(localHeaderOffset(archive, 'b.json') + 3, directory + 42);

    for (const sizes of [[100], [1]]) {
      const { outcome: reading, opened } = readAgainable(archive, sizes);
      const outcome = await reading;

      expect(outcome.members.map((member) => member.name)).toEqual([
        'export.zip!a.json',
        'export.zip!c.json',
      ]);
      expect(outcome.error?.message).toBe(
        'export.zip: the central directory lists 3 members, but 2 members were found reading the archive (damaged archive); not found: b.json',
      );
      expect(opened.count).toBe(1);
    }
  });

  it('stops where a central directory record starts in place of the local header the directory gives', async () => {
    const b = {
      path: 'b.json',
      content: bytesOf(`PK\u0001\u0002${'\u0000'.repeat(60)}\n${trackLines(3, 'b')}`),
      deflate: false,
    };
    const archive = zipWithSizes([stored('a.json', 'a'), b, stored('c.json', 'c')]);
    overstate(archive, 'a.json', 10);
    const directory = writable(archive).lastIndexOf(Buffer.from('b.json')) - 46;
    writable(archive).writeUInt32LE(dataOffset(archive, 'b.json'), directory + 42);

    const { outcome: reading } = readAgainable(archive, [100]);
    const outcome = await reading;

    expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!a.json', 'export.zip!c.json']);
    expect(outcome.error?.reason).toMatch(/^the central directory lists 3 members, but 2 members were found/);
  });

  it('says a member read again is truncated when the archive read again ends inside it', async () => {
    const archive = zipWithSizes([stored('a.json', 'a'), stored('b.json', 'b', 300), stored('c.json', 'c')]);
    overstate(archive, 'a.json', 10);
    const cut = dataOffset(archive, 'b.json') + 50;

    const outcome = await readExport('export.zip', chunked(archive, [100]), {
      reopen: () => chunked(archive.subarray(0, cut), [100]),
    });

    const b = outcome.members.find((member) => member.name === 'export.zip!b.json');
    expect(b?.text).toBe(trackLines(300, 'b').slice(0, 50));
    expect(b?.error?.reason).toBe('the archive ends inside this member (truncated file)');
  });
});
