import { describe, expect, it } from 'vitest';
import {
  type ArchiveMember,
  bytesOf,
  chunked,
  dataOffset,
  directoryOffset,
  localHeaderOffset,
  readExport,
  textOf,
  trackLines,
  zipWithDataDescriptors,
  zipWithSizes,
  zipWithYazl,
} from './archives.js';

/**
 * A member whose content matches the CRC-32 the central directory lists, but whose local header's CRC-32 or
 * the directory's sizes say otherwise: its events read well and count, and the archive is reported damaged.
 */

const LOCAL_CRC_AT = 14;
const LOCAL_ORIGINAL_SIZE_AT = 22;
const CENTRAL_HEADER_BYTES = 46;
const CENTRAL_COMPRESSED_SIZE_AT = 20;
const CENTRAL_ORIGINAL_SIZE_AT = 24;

const members: ArchiveMember[] = [
  { path: 'a.json', content: bytesOf(trackLines(400, 'a')) },
  { path: 'b.json', content: bytesOf(trackLines(3, 'b')), deflate: false },
  { path: 'c.json', content: bytesOf(trackLines(3, 'c')) },
];

const writable = (archive: Uint8Array) => Buffer.from(archive.buffer, archive.byteOffset, archive.length);

/** Where a member's central directory record starts: its name is the last thing before its extra field. */
function centralRecord(archive: Uint8Array, path: string): number {
  const at = writable(archive).indexOf(Buffer.from(path), directoryOffset(archive));
  if (at === -1) throw new Error(`no ${path} in the central directory`);
  return at - CENTRAL_HEADER_BYTES;
}

/** Where a member's data descriptor starts: its signature, the first after the member's data. */
function descriptor(archive: Uint8Array, path: string): number {
  const at = writable(archive).indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), dataOffset(archive, path));
  if (at === -1) throw new Error(`no data descriptor after ${path}`);
  return at;
}

const expectEveryMemberWhole = (outcome: Awaited<ReturnType<typeof readExport>>) => {
  expect(outcome.members.map((member) => [member.name, member.text, member.error])).toEqual(
    members.map((member) => [`export.zip!${member.path}`, textOf(member.content), undefined]),
  );
};

describe('ZIP records that disagree with a member whose content matches the central directory', () => {
  it("reports a local header's wrong CRC-32, every event still read", async () => {
    for (const path of ['a.json', 'b.json']) {
      const archive = zipWithSizes(members);
      const header = localHeaderOffset(archive, path);
      const listed = writable(archive).readUInt32LE(header + LOCAL_CRC_AT);
      writable(archive).writeUInt32LE((listed ^ 0x10) >>> 0, header + LOCAL_CRC_AT);

      for (const sizes of [[7], [64 * 1024]]) {
        const outcome = await readExport('export.zip', chunked(archive, sizes));

        expectEveryMemberWhole(outcome);
        expect(outcome.issues).toEqual([]);
        const hex = (crc: number) => crc.toString(16).padStart(8, '0');
        expect([outcome.error?.file, outcome.error?.reason]).toEqual([
          `export.zip!${path}`,
          `the local header's CRC-32 (${hex((listed ^ 0x10) >>> 0)}) differs from the central directory's (${hex(listed)}), which its content matches (damaged archive)`,
        ]);
      }
    }
  });

  it("reports a deflated member's wrong inflated size in its local header", async () => {
    const archive = zipWithSizes(members);
    const header = localHeaderOffset(archive, 'c.json');
    const size = writable(archive).readUInt32LE(header + LOCAL_ORIGINAL_SIZE_AT);
    writable(archive).writeUInt32LE(size + 5, header + LOCAL_ORIGINAL_SIZE_AT);

    const outcome = await readExport('export.zip', chunked(archive, [7]));

    expectEveryMemberWhole(outcome);
    expect([outcome.error?.file, outcome.error?.reason]).toEqual([
      'export.zip!c.json',
      `the local header lists ${size + 5} bytes inflated, but it inflates to ${size} (damaged archive)`,
    ]);
  });

  it("reports a data descriptor's wrong CRC-32 or inflated size, signed with 4-byte sizes or zip64's", async () => {
    const hex = (crc: number) => crc.toString(16).padStart(8, '0');
    const written = [
      { archive: zipWithDataDescriptors(members), sizeBytes: 4 },
      { archive: await zipWithYazl(members, { streamed: true, zip64: true }), sizeBytes: 8 },
    ];
    for (const { archive: intact, sizeBytes } of written) {
      for (const path of ['a.json', 'b.json']) {
        const archive = Uint8Array.from(intact);
        const crcAt = descriptor(archive, path) + 4;
        const listed = writable(archive).readUInt32LE(crcAt);
        writable(archive).writeUInt32LE((listed ^ 0x100) >>> 0, crcAt);
        const sizeAt = crcAt + 4 + sizeBytes;
        const size = writable(archive).readUInt32LE(sizeAt);
        writable(archive).writeUInt32LE(size + 2, sizeAt);

        for (const sizes of [[5], [64 * 1024]]) {
          const outcome = await readExport('export.zip', chunked(archive, sizes));

          expectEveryMemberWhole(outcome);
          expect(outcome.issues).toEqual([]);
          expect([outcome.error?.file, outcome.error?.reason]).toEqual([
            `export.zip!${path}`,
            `the data descriptor's CRC-32 (${hex((listed ^ 0x100) >>> 0)}) differs from the central directory's (${hex(listed)}), which its content matches, and the data descriptor lists ${size + 2} bytes inflated, but it inflates to ${size} (damaged archive)`,
          ]);
        }
      }
    }
  });

  it("reports the directory's wrong compressed and inflated sizes, each member on its own", async () => {
    const archive = zipWithSizes(members);
    const a = centralRecord(archive, 'a.json');
    const compressed = writable(archive).readUInt32LE(a + CENTRAL_COMPRESSED_SIZE_AT);
    writable(archive).writeUInt32LE(compressed + 3, a + CENTRAL_COMPRESSED_SIZE_AT);
    const c = centralRecord(archive, 'c.json');
    const inflated = writable(archive).readUInt32LE(c + CENTRAL_ORIGINAL_SIZE_AT);
    writable(archive).writeUInt32LE(inflated - 1, c + CENTRAL_ORIGINAL_SIZE_AT);

    const outcome = await readExport('export.zip', chunked(archive, [100]));

    expectEveryMemberWhole(outcome);
    expect([outcome.error?.file, outcome.error?.reason]).toEqual([
      'export.zip!a.json',
      `the central directory lists ${compressed + 3} bytes compressed, but its data is ${compressed} (damaged archive)`,
    ]);
    expect(outcome.issues).toEqual([
      {
        kind: 'damaged-member',
        file: 'export.zip!c.json',
        reason: `the central directory lists ${inflated - 1} bytes inflated, but it inflates to ${inflated} (damaged archive)`,
      },
    ]);
  });

  it('names every record that disagrees in one error per member', async () => {
    const archive = zipWithSizes(members);
    const b = centralRecord(archive, 'b.json');
    const size = writable(archive).readUInt32LE(b + CENTRAL_ORIGINAL_SIZE_AT);
    writable(archive).writeUInt32LE(size + 1, b + CENTRAL_COMPRESSED_SIZE_AT);
    writable(archive).writeUInt32LE(size + 1, b + CENTRAL_ORIGINAL_SIZE_AT);

    const outcome = await readExport('export.zip', chunked(archive));

    expectEveryMemberWhole(outcome);
    expect([outcome.error?.file, outcome.error?.reason]).toEqual([
      'export.zip!b.json',
      `the central directory lists ${size + 1} bytes compressed, but its data is ${size}, and ${size + 1} bytes inflated, but it inflates to ${size} (damaged archive)`,
    ]);
  });

  it('finds nothing to report in intact archives, data descriptors and zip64 included', async () => {
    const archives = [
      zipWithSizes(members),
      zipWithDataDescriptors(members),
      await zipWithYazl(members),
      await zipWithYazl(members, { streamed: true }),
      await zipWithYazl(members, { streamed: true, zip64: true }),
      await zipWithYazl(members, { zip64: true }),
    ];
    for (const archive of archives) {
      const outcome = await readExport('export.zip', chunked(archive, [13]));

      expectEveryMemberWhole(outcome);
      expect(outcome.issues).toEqual([]);
      expect(outcome.error).toBeUndefined();
    }
  });
});
