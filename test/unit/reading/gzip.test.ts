import { randomBytes } from 'node:crypto';
import { constants, crc32, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { ContainerError } from '../../../functions/domain/reading/container-error.js';
import { gunzip } from '../../../functions/domain/reading/gzip.js';
import { afterMember, CompressedInput } from '../../../functions/domain/reading/gzip-framing.js';
import { bytesOf, chunked, concatBytes, readExport, textOf, trackedSource } from './archives.js';

const ndjson = Array.from({ length: 3000 }, (_, index) =>
  JSON.stringify({ type: 'track', event: `e${index % 17}`, userId: `u${index % 101}`, index }),
).join('\n');
const compressed = gzipSync(ndjson);

/** Text that barely compresses, so that its gzip spans several 64 KiB slices; seeded, so the same every run. */
const incompressible = (() => {
  let seed = 7;
  const word = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed.toString(36);
  };
  const lines = Array.from({ length: 20_000 }, (_, index) =>
    JSON.stringify({ type: 'track', event: word(), userId: `u${index % 500}`, n: word() }),
  );
  return gzipSync(lines.join('\n'));
})();

/** What `gunzip` recovers from a damaged file: everything zlib can inflate before the damage. */
const recoverable = (bytes: Uint8Array) => textOf(gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }));

describe('gzip files', () => {
  it('are gunzipped by their magic bytes, whatever the file is called', async () => {
    const outcome = await readExport('events.json', chunked(compressed, [1000]));

    expect(outcome).toEqual({
      members: [{ name: 'events.json', compression: 'gzip', inZip: false, text: ndjson }],
      issues: [],
    });
  });

  it('read concatenated gzip members as one file, as gunzip does', async () => {
    const parts = ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'];
    const concatenated = Buffer.concat(parts.map((part) => gzipSync(part)));

    const outcome = await readExport('events.json.gz', chunked(concatenated, [5]));

    expect(outcome.members).toEqual([
      { name: 'events.json.gz', compression: 'gzip', inZip: false, text: parts.join('') },
    ]);
  });

  it('when truncated at any offset, deliver everything before the cut, then say how far reading got', async () => {
    for (let cut = 2; cut < compressed.length; cut += 97) {
      const truncated = compressed.subarray(0, cut);

      const [member] = (await readExport('events.json.gz', chunked(truncated, [4096]))).members;

      expect(member?.text, `cut at ${cut}`).toBe(recoverable(truncated));
      expect(member?.error?.kind, `cut at ${cut}`).toBe('truncated');
      expect(member?.error?.message, `cut at ${cut}`).toBe(
        `events.json.gz: gzip data ends early (truncated file); ${Buffer.byteLength(member?.text ?? '')} decompressed bytes were read, up to compressed byte ${cut}`,
      );
    }
  });

  it.each([
    ['text', Buffer.from('garbage')],
    ['one byte', Buffer.from('x')],
    ['zero padding, then text', Buffer.concat([Buffer.alloc(9), Buffer.from('junk')])],
    ['a second member with a broken header', Buffer.from([0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0])],
  ])(
    'after a complete member followed by %s, deliver the whole member, then say the file is corrupt',
    async (_what, tail) => {
      for (const [size, chunks] of [
        [3, [5]],
        [3, [100_000]],
        [3000, [4096]],
        [3000, [100_000_000]],
      ] as const) {
        const text = ndjson.split('\n').slice(0, size).join('\n');
        const damaged = Buffer.concat([gzipSync(text), tail]);

        const [member] = (await readExport('events.json.gz', chunked(damaged, [...chunks]))).members;

        expect(member?.text, `${size} lines`).toBe(text);
        expect(member?.error?.kind, `${size} lines`).toBe('corrupt');
        expect(member?.error?.message).toMatch(
          /^events\.json\.gz: corrupt gzip data \(.+\); \d+ decompressed bytes/,
        );
      }
    },
  );

  it('take zero bytes after the last member as padding, as gunzip does', async () => {
    const padded = Buffer.concat([gzipSync(ndjson), Buffer.alloc(512)]);

    const outcome = await readExport('events.json.gz', chunked(padded, [777]));

    expect(outcome.members).toEqual([
      { name: 'events.json.gz', compression: 'gzip', inZip: false, text: ndjson },
    ]);
  });

  it('pass over zero padding a slice at a time, not a byte at a time', async () => {
    const padding = 4 * 1024 * 1024;
    const readPast = async (tail: string) => {
      const input = new CompressedInput(chunked(Buffer.concat([Buffer.alloc(padding), Buffer.from(tail)])));
      const pulls = vi.spyOn(input, 'next');
      const next = await afterMember(input);
      // Byte by byte, 100 MB of padding took half a minute, the event loop blocked.
      expect(pulls.mock.calls.length).toBeLessThan(padding / 1024);
      return { next, rest: textOf(await input.take(8)) };
    };

    expect(await readPast('')).toEqual({ next: 'end', rest: '' });
    expect(await readPast('\x1f\x8bgz')).toEqual({ next: 'member', rest: '\x1f\x8bgz' });
    expect(await readPast('junk')).toEqual({
      next: expect.objectContaining({ reason: expect.stringContaining('is not gzip data') }),
      rest: 'junk',
    });
  });

  it('deliver a member whose trailer does not match it, then say which check failed', async () => {
    for (const [offset, check] of [
      [compressed.length - 8, 'incorrect data check'],
      [compressed.length - 1, 'incorrect length check'],
    ] as const) {
      const damaged = Buffer.from(compressed);
      damaged[offset] = (damaged[offset] ?? 0) ^ 0x01;

      const [member] = (await readExport('events.json.gz', chunked(damaged, [4096]))).members;

      expect(member?.text).toBe(ndjson);
      expect(member?.error?.message).toContain(`corrupt gzip data (${check})`);
    }
  });

  it('read the optional header fields: extra, name, comment and a header CRC', async () => {
    const text = '{"a":1}\n';
    const fixed = Buffer.from([0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]);
    const extra = Buffer.from([4, 0, 1, 2, 3, 4]);
    const name = Buffer.from('events.json\0');
    const comment = Buffer.from('exported\0');
    const head = Buffer.concat([fixed, extra, name, comment]);
    const headerCrc = Buffer.alloc(2);
    headerCrc.writeUInt16LE(crc32(head) & 0xffff);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(text), 0);
    trailer.writeUInt32LE(Buffer.byteLength(text), 4);
    const member = Buffer.concat([head, headerCrc, deflateRawSync(text), trailer]);
    expect(textOf(gunzipSync(member))).toBe(text);

    for (const chunk of [1, 3, 1000]) {
      const outcome = await readExport('named.gz', chunked(member, [chunk]));
      expect(outcome.members, `chunks of ${chunk}`).toEqual([
        { name: 'named.gz', compression: 'gzip', inZip: false, text },
      ]);
    }
    const badCrc = Buffer.from(member);
    badCrc[head.length] = (badCrc[head.length] ?? 0) ^ 0xff;
    const [damaged] = (await readExport('named.gz', chunked(badCrc, [1000]))).members;
    expect(damaged?.error?.message).toContain('corrupt gzip data (header crc mismatch)');
  });

  it('skip a long name or comment in slices, holding none of it (one written without its end too)', async () => {
    const text = '{"a":1}\n';
    const fixed = Buffer.from([0x1f, 0x8b, 8, 0x08 | 0x10, 0, 0, 0, 0, 0, 3]);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(text), 0);
    trailer.writeUInt32LE(Buffer.byteLength(text), 4);
    const mib = Buffer.alloc(1024 * 1024, 'n');
    const nameMiB = 48;
    // The name streams by without being in the test's memory either; heap use is sampled as it is pulled.
    let peakHeap = 0;
    async function* member(ended: boolean): AsyncGenerator<Uint8Array> {
      yield fixed;
      for (let i = 0; i < nameMiB; i++) {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        yield mib;
      }
      if (!ended) return;
      yield Buffer.from('\0exported\0');
      yield deflateRawSync(text);
      yield trailer;
    }
    global.gc?.();
    const before = process.memoryUsage().heapUsed;

    expect(textOf(await concatBytes(gunzip('named.gz', member(true))))).toBe(text);
    expect(peakHeap - before).toBeLessThan(nameMiB * 1024 * 1024);
    await expect(concatBytes(gunzip('named.gz', member(false)))).rejects.toThrow(
      'named.gz: gzip data ends early (truncated file)',
    );
  });

  it('when a byte is corrupted, stop with an error that says so', async () => {
    // Bytes 4 to 9 (modification time, flags, OS) are not checked by any gzip reader.
    for (let offset = 10; offset < compressed.length; offset += 89) {
      const corrupted = Buffer.from(compressed);
      corrupted[offset] = (corrupted[offset] ?? 0) ^ 0x55;

      const [member] = (await readExport('events.json.gz', chunked(corrupted, [4096]))).members;

      expect(member?.error, `byte ${offset}`).toBeInstanceOf(ContainerError);
      expect(member?.error?.message, `byte ${offset}`).toMatch(
        /^events\.json\.gz: (corrupt gzip data \(.+\)|gzip data ends early \(truncated file\)); \d+ decompressed bytes were read, up to compressed byte \d+$/,
      );
    }
  });

  it('when the deflate data breaks, deliver the same text however the file arrives in pieces', async () => {
    // The first byte from 60% in whose damage makes zlib fail there (an invalid code or distance), not only
    // at the trailer's check.
    const damageAt = (at: number) => {
      const bytes = Buffer.from(incompressible);
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      return bytes;
    };
    const failsInside = (bytes: Buffer) => {
      try {
        gunzipSync(bytes);
        return false;
      } catch (error) {
        return !(error as Error).message.includes('incorrect data check');
      }
    };
    let at = Math.floor(incompressible.length * 0.6);
    while (!failsInside(damageAt(at))) at++;
    const damaged = damageAt(at);
    const texts = new Set<string>();

    for (const pieces of [[16 * 1024], [64 * 1024], [256 * 1024], [1000, 4999]]) {
      const [member] = (await readExport('events.json.gz', chunked(damaged, pieces))).members;
      expect(member?.error?.message, `pieces of ${pieces}`).toMatch(
        /corrupt gzip data \((?!incorrect data check)/,
      );
      texts.add(member?.text ?? '');
    }

    expect(texts.size).toBe(1);
  });

  it('pass an error of the source through unchanged, after the bytes before it', async () => {
    const failure = new Error('socket hang up');
    async function* failing() {
      yield compressed.subarray(0, 2000);
      throw failure;
    }
    const received: Uint8Array[] = [];

    const reading = (async () => {
      for await (const chunk of gunzip('events.json.gz', failing())) received.push(chunk);
    })();

    await expect(reading).rejects.toBe(failure);
    expect(ndjson.startsWith(textOf(Buffer.concat(received)))).toBe(true);
  });

  it('close the source when the reader stops early', async () => {
    // Longer than one slice (64 KiB), which is taken whole before zlib inflates it.
    const { state, source } = trackedSource(incompressible, 512);

    for await (const chunk of gunzip('events.json.gz', source)) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }

    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(incompressible.length);
  });

  it('keep zlib inflating the next slice while the consumer works on a chunk', async () => {
    // Random bytes barely compress: each 16 KiB slice inflates to less than one 64 KiB output chunk.
    const random = gzipSync(randomBytes(20 * 16 * 1024), { level: 1 });
    const { state, source } = trackedSource(random, 16 * 1024);
    let received = 0;
    let sliceAhead = false;

    for await (const chunk of gunzip('random.gz', source)) {
      received += chunk.length;
      // The consumer is busy; zlib's callbacks run meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 5));
      // The compressed bytes zlib has been given reach past those that gave what was received.
      if (state.pulled > received + 16 * 1024) sliceAhead = true;
    }

    expect(received).toBe(20 * 16 * 1024);
    expect(sliceAhead).toBe(true);
  });

  it('refuse content that inflates past the limit, after the bytes within it', async () => {
    const zeros = gzipSync(new Uint8Array(1024 * 1024));

    const reading = concatBytes(gunzip('zeros.gz', chunked(zeros), 100_000));

    await expect(reading).rejects.toThrow(
      /^zeros\.gz: inflates past the 97\.66 KiB limit; refused; \d+ decompressed/,
    );
  });

  it('are not confused with text that merely starts like them', async () => {
    const outcome = await readExport('events.json', chunked(bytesOf('\u001f{"a":1}')));

    expect(outcome.members).toEqual([
      { name: 'events.json', compression: 'none', inZip: false, text: '\u001f{"a":1}' },
    ]);
  });
});
