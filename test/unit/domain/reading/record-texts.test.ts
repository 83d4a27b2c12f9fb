import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readRecordTexts } from '../../../../functions/domain/reading/record-texts.js';

const lines = Array.from({ length: 2000 }, (_, index) => JSON.stringify({ n: index, pad: 'x'.repeat(40) }));

async function* chunks(bytes: Uint8Array, failAfter?: number): AsyncIterable<Uint8Array> {
  for (let start = 0; start < bytes.length; start += 1024) {
    if (failAfter !== undefined && start >= failAfter) throw new Error('ECONNRESET: the download broke');
    yield bytes.subarray(start, start + 1024);
  }
}

describe('readRecordTexts', () => {
  it('gives the texts of the records asked for, by 1-based position', async () => {
    const texts = await readRecordTexts('f', chunks(Buffer.from(lines.join('\n'))), 'f', new Set([1, 1500]));
    expect(texts).toEqual(
      new Map([
        [1, lines[0]],
        [1500, lines[1499]],
      ]),
    );
  });

  it('finds a member of a ZIP inside a ZIP by the name its events were read under', async () => {
    const inner = zipSync({
      'a.ndjson': Buffer.from('{"other":1}'),
      'b.ndjson': Buffer.from(lines.join('\n')),
    });
    const outer = zipSync({ 'b.ndjson': Buffer.from('{"outer":1}'), 'month.zip': inner });
    const texts = await readRecordTexts('x.zip', chunks(outer), 'x.zip!month.zip!b.ndjson', new Set([2]));
    expect(texts).toEqual(new Map([[2, lines[1]]]));
  });

  it('reads a member a damaged local header hid from the stream again when it can reopen the export', async () => {
    const archive = zipSync({
      'a.ndjson': [Buffer.from('{"a":1}\n'), { level: 0 }],
      'b.ndjson': [Buffer.from(lines.join('\n')), { level: 0 }],
    });
    // a's local header gives its compressed size 40 bytes too large: the stream reads b's header as a's data.
    const stated = Buffer.from(archive.buffer, archive.byteOffset, archive.length);
    stated.writeUInt32LE(stated.readUInt32LE(18) + 40, 18);

    const asked = new Set([2]);
    const again = await readRecordTexts('x.zip', chunks(archive), 'x.zip!b.ndjson', asked, {
      reopen: () => chunks(archive),
    });
    const once = await readRecordTexts('x.zip', chunks(archive), 'x.zip!b.ndjson', asked);

    expect(again).toEqual(new Map([[2, lines[1]]]));
    expect(once).toEqual(new Map());
  });

  it("opens the export under the first reading's member limit, so a member refused then does not take names", async () => {
    // a.zip is refused as too large: read whole, its x.ndjson would be `x.zip!a.zip!x.ndjson` and the outer
    // member spelled so, whose events were read under that name, `x.zip!a.zip!x.ndjson (2)`.
    const inner = zipSync(
      { 'x.ndjson': Buffer.from(`{"inner":1}\n${'{"pad":0}\n'.repeat(200)}`) },
      { level: 0 },
    );
    const outer = zipSync({ 'a.zip': inner, 'a.zip!x.ndjson': Buffer.from('{"outer":1}') }, { level: 0 });
    const texts = await readRecordTexts('x.zip', chunks(outer), 'x.zip!a.zip!x.ndjson', new Set([1]), {
      maxMemberBytes: 1_000,
    });
    expect(texts).toEqual(new Map([[1, '{"outer":1}']]));
  });

  it('gives what a file that breaks (a truncated gzip) holds before the break, as the first read saw', async () => {
    const gzip = gzipSync(lines.join('\n'));
    const texts = await readRecordTexts(
      'f',
      chunks(gzip.subarray(0, gzip.length >> 1)),
      'f',
      new Set([1, 2000]),
    );
    expect(texts).toEqual(new Map([[1, lines[0]]]));
  });

  it('throws when the bytes stop coming (a dropped download): the caller retries, never decides on less', async () => {
    const bytes = Buffer.from(lines.join('\n'));
    await expect(
      readRecordTexts('f', chunks(bytes, bytes.length >> 1), 'f', new Set([2000])),
    ).rejects.toThrow('ECONNRESET');
  });
});

describe('readRecordTexts of a JSON array that breaks after a complete element', () => {
  const event = (name: string) =>
    JSON.stringify({
      type: 'track',
      event: name,
      userId: 'u',
      messageId: 'm',
      timestamp: '2024-01-01T09:00:00Z',
    });

  it.each([
    ['text', `[${event('A')},\n ${event('B')} x\n]`],
    ['a stray brace', `[${event('A')}, ${event('B')}}]`],
    ['a second value without a comma', `[${event('A')}, ${event('B')} {"c":1}]`],
    ['white space, then text', `[${event('A')}, ${event('B')}\u3000\r\n x`],
  ])('gives the value its event was read from, not what follows it in the element (%s)', async (_, text) => {
    const texts = await readRecordTexts('f', chunks(Buffer.from(text)), 'f', new Set([1, 2]));
    expect(texts).toEqual(
      new Map([
        [1, event('A')],
        [2, event('B')],
      ]),
    );
  });
});
