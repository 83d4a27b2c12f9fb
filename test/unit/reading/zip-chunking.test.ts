// Where a ZIP member's deflate data breaks or is cut, what is read before it does not depend on the chunks.
import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesOf, chunked, dataOffset, readExport, textOf, trackLines, zipWithSizes } from './archives.js';

/** Lines that barely compress, so that a member of them spans several blocks of deflate data; seeded. */
function incompressibleLines(count: number): string {
  let seed = 11;
  const word = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed.toString(36);
  };
  return Array.from({ length: count }, (_, index) =>
    JSON.stringify({ type: 'track', event: word(), userId: `u${index % 50}`, n: word() }),
  ).join('\n');
}

describe('a deflated ZIP member, however the archive arrives in pieces', () => {
  it('whose deflate data breaks gives the same text before the break', async () => {
    const archive = zipWithSizes([
      { path: 'broken.json', content: bytesOf(incompressibleLines(5000)) },
      { path: 'c.json', content: bytesOf(trackLines(10, 'c')) },
    ]);
    const start = dataOffset(archive, 'broken.json');
    const end = dataOffset(archive, 'c.json');
    // The first byte from 60% into the member whose damage makes inflating fail there.
    const damageAt = (at: number) => {
      const bytes = Uint8Array.from(archive);
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      return bytes;
    };
    const failsInside = (bytes: Uint8Array) => {
      try {
        inflateRawSync(bytes.subarray(start, end));
        return false;
      } catch {
        return true;
      }
    };
    let at = start + Math.floor((end - start) * 0.6);
    while (!failsInside(damageAt(at))) at++;
    const damaged = damageAt(at);
    const texts = new Set<string>();

    for (const pieces of [[7], [100], [1000], [16 * 1024], [64 * 1024]]) {
      const [broken, after] = (await readExport('export.zip', chunked(damaged, pieces))).members;

      expect(broken?.error?.kind, `pieces of ${pieces}`).toBe('corrupt');
      expect(after?.text, `pieces of ${pieces}`).toBe(trackLines(10, 'c'));
      texts.add(broken?.text ?? '');
    }

    expect(texts.size).toBe(1);
  });

  it("cut short by the archive's end keeps all it inflated up to the cut", async () => {
    const archive = zipWithSizes([{ path: 'a.json', content: bytesOf(incompressibleLines(3000)) }]);
    const start = dataOffset(archive, 'a.json');
    // Past the first 16 KiB block of deflate data, and not on a block's end.
    const cut = start + Math.floor((archive.length - start) * 0.7);
    const upToCut = textOf(
      inflateRawSync(archive.subarray(start, cut), { finishFlush: constants.Z_SYNC_FLUSH }),
    );

    for (const pieces of [[512], [16 * 1024], [64 * 1024]]) {
      const [member] = (await readExport('export.zip', chunked(archive.subarray(0, cut), pieces))).members;

      expect(member?.error?.kind, `pieces of ${pieces}`).toBe('truncated');
      expect(member?.text, `pieces of ${pieces}`).toBe(upToCut);
    }
  });
});
