import * as zlib from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { gunzip } from '../../../functions/domain/reading/gzip.js';
import { CompressedInput } from '../../../functions/domain/reading/gzip-framing.js';
import { chunked, concatBytes, textOf } from './archives.js';

// Counted, not timed: a file of tiny members (`cat a.gz b.gz …`) paid a zlib stream and a 64 KiB copy for each.
vi.mock('node:zlib', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:zlib')>();
  return { ...original, createInflateRaw: vi.fn(original.createInflateRaw) };
});

const lines = Array.from({ length: 2000 }, (_, index) =>
  JSON.stringify({ type: 'track', event: `e${index % 7}`, userId: `u${index % 50}`, index }),
);
const members = Buffer.concat(lines.map((line) => zlib.gzipSync(`${line}\n`)));

async function* pieces(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

describe('a gzip file of many small members', () => {
  it('inflates each member whole, without a zlib stream apiece', async () => {
    vi.mocked(zlib.createInflateRaw).mockClear();

    const text = textOf(await concatBytes(gunzip('many.gz', chunked(members, [65_536]))));

    expect(text).toBe(lines.map((line) => `${line}\n`).join(''));
    expect(zlib.createInflateRaw).not.toHaveBeenCalled();
  });

  it('still streams a member that inflates past one output chunk', async () => {
    vi.mocked(zlib.createInflateRaw).mockClear();
    const long = `${lines.join('\n').repeat(5)}\n`;
    const file = Buffer.concat([members, zlib.gzipSync(long), members]);

    const text = textOf(await concatBytes(gunzip('mixed.gz', chunked(file, [65_536]))));

    const small = lines.map((line) => `${line}\n`).join('');
    expect(text).toBe(small + long + small);
    expect(zlib.createInflateRaw).toHaveBeenCalledTimes(1);
  });
});

describe('compressed input', () => {
  it('hands out what follows a slice joined across source chunks as views of the join, not copies', async () => {
    const input = new CompressedInput(pieces(new Uint8Array(100), new Uint8Array(200_000)));

    const slice = await input.take(65_536);
    const next = await input.next(1000);

    expect(slice.length).toBe(65_536);
    expect(next.buffer).toBe(slice.buffer);
    expect(next.byteOffset).toBe(slice.byteOffset + slice.length);
  });

  it('takes back bytes it just handed out without copying them', async () => {
    const chunk = new Uint8Array(10_000).map((_, index) => index % 251);
    const input = new CompressedInput(pieces(chunk));

    const slice = await input.take(5000);
    input.unread(slice.subarray(40));
    const again = await input.next(10_000);

    expect(again.buffer).toBe(chunk.buffer);
    expect(again.byteOffset).toBe(40);
    expect(again.length).toBe(9960);
    expect(input.offset).toBe(10_000);
  });
});
