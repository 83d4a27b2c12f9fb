import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  COMPRESSED_SIZE_AT,
  chunked,
  dataOffset,
  localHeaderOffset,
  readExport,
  textOf,
  trackLines,
  zipWithSizes,
} from './archives.js';

/** Local headers whose sizes disagree with the member's data: the archive goes on past the member. */

/** Sets the compressed size a member's local header states (its name is the last thing in the header). */
function stateCompressedSize(archive: Uint8Array, path: string, size: number): number {
  const header = localHeaderOffset(archive, path);
  const stated = Buffer.from(archive.buffer, archive.byteOffset, archive.length);
  const actual = stated.readUInt32LE(header + COMPRESSED_SIZE_AT);
  stated.writeUInt32LE(size, header + COMPRESSED_SIZE_AT);
  return actual;
}

describe('ZIP members whose local header states the wrong compressed size', () => {
  it('keeps what a deflated member cut short by its stated size inflated, as an archive cut there does', async () => {
    const content = [
      { path: 'a.json', content: bytesOf(trackLines(2000, 'a')) },
      { path: 'b.json', content: bytesOf(trackLines(3, 'b')), deflate: false },
    ];
    for (const fraction of [0.3, 0.6, 0.95]) {
      const archive = zipWithSizes(content);
      const actual = stateCompressedSize(archive, 'a.json', 0);
      const stated = Math.floor(actual * fraction);
      stateCompressedSize(archive, 'a.json', stated);
      const cutThere = await readExport(
        'export.zip',
        chunked(zipWithSizes(content).subarray(0, dataOffset(archive, 'a.json') + stated)),
      );

      for (const sizes of [[64 * 1024], [1000], [7]]) {
        const outcome = await readExport('export.zip', chunked(archive, sizes));

        const [a] = outcome.members;
        expect(a?.error?.message, `${fraction} ${sizes}`).toMatch(
          /^export\.zip!a\.json: corrupt deflate data \(unexpected EOF\)/,
        );
        expect(cutThere.members[0]?.text.length, `${fraction} ${sizes}`).toBeGreaterThan(0);
        expect(a?.text, `${fraction} ${sizes}`).toBe(cutThere.members[0]?.text);
      }
    }
  });
});

describe('ZIP members damaged in an archive broken otherwise', () => {
  const content = [
    { path: 'a.json', content: bytesOf(trackLines(3, 'a')), deflate: false },
    { path: 'b.json', content: bytesOf(trackLines(3, 'b')), deflate: false },
    { path: 'c.json', content: bytesOf(trackLines(3, 'c')), deflate: false },
  ];

  // Read again from its start (zip-lost-members.test.ts), the archive gives the member not found as well.
  it('names a member whose stated size ran it into the next one as damaged, beside the members not found', async () => {
    const archive = zipWithSizes(content);
    const actual = stateCompressedSize(archive, 'a.json', 0);
    stateCompressedSize(archive, 'a.json', actual + 10);

    const outcome = await readExport('export.zip', chunked(archive, [100]));

    const nextHeader = localHeaderOffset(archive, 'b.json');
    expect(outcome.members[0]?.text).toBe(
      trackLines(3, 'a') + textOf(archive.subarray(nextHeader, nextHeader + 10)),
    );
    expect(outcome.issues).toEqual([
      {
        kind: 'damaged-member',
        file: 'export.zip!a.json',
        reason: `corrupt member data (CRC-32 mismatch: its content differs from what the archive lists); the central directory lists ${actual} bytes compressed, but ${actual + 10} were read as its data`,
      },
    ]);
    expect(outcome.error?.message).toBe(
      'export.zip: the central directory lists 3 members, but 2 members were found reading the archive (damaged archive); not found: b.json',
    );
  });

  it('names a damaged member of an archive with data after its end', async () => {
    const archive = zipWithSizes(content);
    const at = dataOffset(archive, 'c.json') + 20;
    archive[at] = (archive[at] ?? 0) ^ 0x01;
    const appended = Buffer.concat([archive, Buffer.from('{"type":"track"}\n')]);

    const outcome = await readExport('export.zip', chunked(appended));

    expect(outcome.issues.map((issue) => [issue.kind, issue.file])).toEqual([
      ['damaged-member', 'export.zip!c.json'],
    ]);
    expect(outcome.error?.message).toMatch(/^export\.zip: data follows the archive's end record/);
  });

  // Why the tail's copy of the directory is read beside the one streamed past: a stated size that stops a
  // member short lets reading find the records of an archive stored inside it, whose directory is the one
  // that streams past; only the directory the end record places (here in the tail) shows the damage.
  it("checks the members against the directory the end record places, not an inner archive's met first", async () => {
    const inner = zipWithSizes([{ path: 'x.json', content: bytesOf(trackLines(2, 'x')), deflate: false }]);
    const archive = zipWithSizes([
      { path: 'inner.zip', content: inner, deflate: false },
      { path: 'b.json', content: bytesOf(trackLines(3, 'b')), deflate: false },
    ]);
    stateCompressedSize(archive, 'inner.zip', 0);

    const outcome = await readExport('export.zip', chunked(archive, [100]));

    expect(outcome.members.map((member) => member.name)).toEqual([
      'export.zip!inner.zip',
      'export.zip!x.json',
    ]);
    expect([outcome.error?.file, outcome.error?.reason]).toEqual([
      'export.zip!inner.zip',
      'corrupt member data (CRC-32 mismatch: its content differs from what the archive lists)',
    ]);
  });
});
