import { describe, expect, it } from 'vitest';
import {
  type ArchiveMember,
  bytesOf,
  chunked,
  dataOffset,
  directoryOffset,
  readExport,
  trackLines,
  zipWithSizes,
  zipWithYazl,
} from './archives.js';

/**
 * Central directories the archive's last 64 KB do not hold (a zip64 archive's, or one of thousands of
 * members) are read as they stream past: each member's CRC-32 is checked against them all the same.
 */

/** Enough members, with names long enough, that the directory is longer than 64 KB. */
const many: ArchiveMember[] = Array.from({ length: 700 }, (_, index) => ({
  path: `events/${'day-'.repeat(20)}${String(index).padStart(4, '0')}.json`,
  content: bytesOf(trackLines(2, `m${index}`)),
  deflate: index % 2 === 0,
}));

const damage = (archive: Uint8Array, path: string) => {
  const at = dataOffset(archive, path) + 3;
  archive[at] = (archive[at] ?? 0) ^ 0x01;
};

const CRC_MISMATCH = 'corrupt member data (CRC-32 mismatch: its content differs from what the archive lists)';

/** Breaks a member's local header signature: reading passes over the member to the next one. */
const loseHeader = (archive: Uint8Array, path: string) => {
  archive[dataOffset(archive, path) - path.length - 30] = 0;
};

/** The archive with `count` more records in its central directory, named `x0`…, of members it does not hold. */
function withRecordsOfNoMember(archive: Uint8Array, count: number): Uint8Array {
  const end = archive.length - 22;
  const records = Array.from({ length: count }, (_, index) => {
    const name = Buffer.from(`x${index}`);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(name.length, 28);
    return Buffer.concat([record, name]);
  });
  const added = Buffer.concat(records);
  const record = Buffer.from(archive.subarray(end));
  record.writeUInt16LE(record.readUInt16LE(8) + count, 8);
  record.writeUInt16LE(record.readUInt16LE(10) + count, 10);
  record.writeUInt32LE(record.readUInt32LE(12) + added.length, 12);
  return new Uint8Array(Buffer.concat([archive.subarray(0, end), added, record]));
}

describe('central directories read as they stream past', () => {
  it('checks each member of an archive whose directory is longer than 64 KB', async () => {
    const archive = zipWithSizes(many.map((member) => ({ ...member, deflate: false })));
    expect(archive.length - directoryOffset(archive)).toBeGreaterThan(70 * 1024);
    damage(archive, many[10]?.path ?? '');
    damage(archive, many[650]?.path ?? '');

    for (const sizes of [[64 * 1024], [999]]) {
      const outcome = await readExport('export.zip', chunked(archive, sizes));

      expect(outcome.members).toHaveLength(many.length);
      expect([outcome.error?.file, outcome.error?.reason]).toEqual([
        `export.zip!${many[10]?.path}`,
        CRC_MISMATCH,
      ]);
      expect(outcome.issues).toEqual([
        { kind: 'damaged-member', file: `export.zip!${many[650]?.path}`, reason: CRC_MISMATCH },
      ]);
    }
  });

  it('checks each member of a zip64 archive, and finds an intact one whole', async () => {
    const members = many.slice(0, 3);
    for (const streamed of [false, true]) {
      const intact = await zipWithYazl(members, { zip64: true, streamed });
      expect((await readExport('export.zip', chunked(intact, [13]))).error).toBeUndefined();

      const archive = await zipWithYazl(
        members.map((member) => ({ ...member, deflate: false })),
        { zip64: true, streamed },
      );
      damage(archive, members[1]?.path ?? '');
      const outcome = await readExport('export.zip', chunked(archive, [13]));

      expect([outcome.error?.file, outcome.error?.reason]).toEqual([
        `export.zip!${members[1]?.path}`,
        CRC_MISMATCH,
      ]);
    }
  });

  it('names what a long directory lists but was not found', async () => {
    const archive = zipWithSizes(many.map((member) => ({ ...member, deflate: false })));
    loseHeader(archive, many[5]?.path ?? '');

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.error?.message).toBe(
      `export.zip: the central directory lists 700 members, but 699 members were found reading the archive (damaged archive); not found: ${many[5]?.path}`,
    );
  });

  it('names the first members a long directory lists but were not found, however many, and checks the others', async () => {
    const archive = zipWithSizes(many.map((member) => ({ ...member, deflate: false })));
    for (const member of many.slice(5, 10)) loseHeader(archive, member.path);
    damage(archive, many[650]?.path ?? '');

    for (const sizes of [[64 * 1024], [999]]) {
      const outcome = await readExport('export.zip', chunked(archive, sizes));

      expect(outcome.members).toHaveLength(695);
      expect(outcome.error?.message).toBe(
        `export.zip: the central directory lists 700 members, but 695 members were found reading the archive (damaged archive); not found: ${many[5]?.path}, ${many[6]?.path}, ${many[7]?.path} and 2 more`,
      );
      expect(outcome.issues).toEqual([
        { kind: 'damaged-member', file: `export.zip!${many[650]?.path}`, reason: CRC_MISMATCH },
      ]);
    }
  });

  it('checks the members found against a crafted directory of thousands of others', async () => {
    const members = many.slice(0, 3).map((member) => ({ ...member, deflate: false }));
    const archive = withRecordsOfNoMember(zipWithSizes(members), 20_000);
    expect(archive.length - directoryOffset(archive)).toBeGreaterThan(64 * 1024);
    damage(archive, members[1]?.path ?? '');

    const outcome = await readExport('export.zip', chunked(archive, [4096]));

    expect(outcome.members).toHaveLength(3);
    expect(outcome.error?.message).toBe(
      'export.zip: the central directory lists 20003 members, but 3 members were found reading the archive (damaged archive); not found: x0, x1, x2 and 19997 more',
    );
    expect(outcome.issues).toEqual([
      { kind: 'damaged-member', file: `export.zip!${members[1]?.path}`, reason: CRC_MISMATCH },
    ]);
  });
});
