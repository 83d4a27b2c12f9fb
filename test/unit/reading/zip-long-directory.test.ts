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
    // The local header's signature broken: reading passes over the member to the next one.
    const header = dataOffset(archive, many[5]?.path ?? '') - (many[5]?.path.length ?? 0) - 30;
    archive[header] = 0;

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.error?.message).toBe(
      `export.zip: the central directory lists 700 members, but 699 members were found reading the archive (damaged archive); not found: ${many[5]?.path}`,
    );
  });
});
