// What follows an archive's end record: padding is allowed, anything else (another archive, text) is a file
// error, since the stream ends its reading at the central directory and would drop it unseen.
import { describe, expect, it } from 'vitest';
import { bytesOf, chunked, readExport, trackLines, zipWithSizes, zipWithYazl } from './archives.js';

const first = () => zipWithSizes([{ path: 'a.ndjson', content: bytesOf(trackLines(3, 'a')) }]);
const second = () => zipWithSizes([{ path: 'b.ndjson', content: bytesOf(trackLines(3, 'b')) }]);
const chunkings = [{ sizes: [1 << 20] }, { sizes: [7, 4096, 1] }];

/** The archive with a comment of `text` in its end record (the last 22 bytes of an archive without one). */
function withComment(archive: Uint8Array, text: string): Uint8Array {
  const comment = bytesOf(text);
  const out = new Uint8Array(archive.length + comment.length);
  out.set(archive);
  out.set(comment, archive.length);
  new DataView(out.buffer).setUint16(archive.length - 2, comment.length, true);
  return out;
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('data after a ZIP archive', () => {
  it.each(chunkings)('reports a second archive appended to the first (chunks $sizes)', async ({ sizes }) => {
    const outcome = await readExport('export.zip', chunked(concat(first(), second()), sizes));

    expect(outcome.members.map((member) => [member.name, member.error])).toEqual([
      ['export.zip!a.ndjson', undefined],
    ]);
    expect(outcome.error?.message).toMatch(
      /^export\.zip: data follows the archive's end record \(another archive or text appended to it\?\); it was not read/,
    );
  });

  it('reports an appended archive too long for the end record of the first to be found', async () => {
    const long = zipWithSizes([
      { path: 'b.ndjson', content: bytesOf(trackLines(2000, 'b')), deflate: false },
    ]);

    const outcome = await readExport('export.zip', chunked(concat(first(), long), [4096]));

    expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!a.ndjson']);
    expect(outcome.error?.message).toBe(
      "export.zip: data follows the archive's end record (another archive or text appended to it?); it was not read",
    );
  });

  it.each(chunkings)('reports event lines appended to an archive (chunks $sizes)', async ({ sizes }) => {
    const tail = bytesOf(trackLines(2, 'tail'));

    const outcome = await readExport('export.zip', chunked(concat(first(), tail), sizes));

    expect(outcome.members.map((member) => member.name)).toEqual(['export.zip!a.ndjson']);
    expect(outcome.error?.message).toBe(
      `export.zip: data follows the archive's end record (another archive or text appended to it?); it was not read (${tail.length} bytes)`,
    );
  });

  it('reads an archive padded with zero bytes, or with a comment, as before', async () => {
    for (const archive of [
      concat(first(), new Uint8Array(4096)),
      withComment(first(), 'written by a tool'),
      withComment(first(), 'a comment that holds PK\u0005\u0006 itself'),
      await zipWithYazl([{ path: 'a.ndjson', content: bytesOf(trackLines(3, 'a')) }], { zip64: true }),
    ]) {
      const outcome = await readExport('export.zip', chunked(archive, [7, 4096, 1]));

      expect(outcome.error).toBeUndefined();
      expect(outcome.members.map((member) => [member.name, member.error])).toEqual([
        ['export.zip!a.ndjson', undefined],
      ]);
    }
  });
});
