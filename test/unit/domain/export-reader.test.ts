import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { EventRecord } from '../../../functions/domain/event.js';
import {
  ExportFileError,
  type ExportItem,
  type ExportShape,
  readExportItems,
} from '../../../functions/domain/export-reader.js';
import { type Rejection, readEvents } from '../../../functions/domain/read-events.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Yields the bytes cut at the given offsets, as a network or file stream would. */
async function* cutAt(bytes: Uint8Array, offsets: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    if (offset <= start || offset >= bytes.length) continue;
    yield bytes.subarray(start, offset);
    start = offset;
  }
  yield bytes.subarray(start);
}

function chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const offsets: number[] = [];
  for (let offset = size; offset < bytes.length; offset += size) offsets.push(offset);
  return cutAt(bytes, offsets);
}

const bytesOf = (text: string) => Buffer.from(text, 'utf8');

async function items(source: AsyncIterable<Uint8Array>, shape?: ExportShape): Promise<ExportItem[]> {
  const all: ExportItem[] = [];
  for await (const batch of readExportItems(source, shape)) all.push(...batch);
  return all;
}

async function read(source: AsyncIterable<Uint8Array>, file = 'export.json') {
  const events: EventRecord[] = [];
  const rejections: Rejection[] = [];
  const summary = await readEvents(file, source, {
    event: (record) => events.push(record),
    rejected: (rejection) => rejections.push(rejection),
  });
  return { events, rejections, summary };
}

function segment(id: string, user = 'u1'): string {
  return JSON.stringify({
    type: 'track',
    event: 'Clicked',
    userId: user,
    timestamp: '2024-01-01T09:00:00.000Z',
    messageId: id,
  });
}

// Strings holding every character that matters to the splitter, and multi-byte characters of each length.
const TRICKY_ARRAY = [
  '[',
  `  {"type":"track","userId":"u1","timestamp":"2024-01-01T09:00:00Z","messageId":"m1","event":"a ] , { [ }"},`,
  '  {"type":"page","userId":"ü€😀","timestamp":"2024-01-01T09:01:00Z","messageId":"m2",',
  '   "properties":{"quote":"say \\"hi\\", ]","backslash":"c:\\\\","nested":[[1,[2]],{"k":{"v":"}"}}]}},',
  '  {"type":"track","userId":"u1","timestamp":"2024-01-01T09:02:00Z","messageId":"m3","event":"\\u005d"}',
  ']',
  '{"type":"track","userId":"u2","timestamp":"2024-01-01T09:03:00Z","messageId":"m4"}',
  '',
].join('\n');

const TRICKY_NDJSON = [
  '{"type":"track","userId":"ü€😀","timestamp":"2024-01-01T09:00:00Z","messageId":"m1","event":"a\\"b\\\\"}',
  '',
  '   ',
  '{"type":"track","userId":"u1","timestamp":"2024-01-01T09:01:00Z","messageId":"m2"}\r',
  '{"type":"track","userId":"u1","timestamp":"2024-01-01T09:02:00Z","messageId":"m3"}',
].join('\n');

describe('readExportItems', () => {
  describe('NDJSON', () => {
    it('yields one item per non-blank line with its 1-based line number, CRLF and trailing line included', async () => {
      const text = `${segment('a')}\r\n\r\n   \n${segment('b')}\n\n${segment('c')}`;

      const result = await items(cutAt(bytesOf(text), []));

      expect(result).toEqual([
        { line: 1, text: segment('a') },
        { line: 4, text: segment('b') },
        { line: 6, text: segment('c') },
      ]);
    });

    it('does not number NDJSON items with an array index', async () => {
      const shape: ExportShape = { container: undefined, gzip: false };

      const [first] = await items(cutAt(bytesOf(segment('a')), []), shape);

      expect(first?.index).toBeUndefined();
      expect(shape).toEqual({ container: 'ndjson', gzip: false });
    });

    it('gives the same items however the bytes are chunked, even one byte at a time', async () => {
      const bytes = bytesOf(TRICKY_NDJSON);
      const whole = await items(cutAt(bytes, []));

      const oneByte = await items(chunksOf(bytes, 1));

      expect(whole.map((item) => item.line)).toEqual([1, 4, 5]);
      expect(JSON.parse(whole[0]?.text ?? '').userId).toBe('ü€😀');
      expect(oneByte).toEqual(whole);
    });
  });

  describe('JSON array', () => {
    it('numbers the elements of a pretty-printed array by line and index', async () => {
      const text = `[\n  ${segment('a')},\n\n  ${segment('b')}\n]\n`;
      const shape: ExportShape = { container: undefined, gzip: false };

      const result = await items(cutAt(bytesOf(text), []), shape);

      expect(result).toEqual([
        { line: 2, index: 1, text: segment('a') },
        { line: 4, index: 2, text: segment('b') },
      ]);
      expect(shape.container).toBe('json-array');
    });

    it('numbers the elements of a minified array on line 1', async () => {
      const text = `[${segment('a')},${segment('b')},${segment('c')}]`;

      const result = await items(cutAt(bytesOf(text), []));

      expect(result).toEqual([
        { line: 1, index: 1, text: segment('a') },
        { line: 1, index: 2, text: segment('b') },
        { line: 1, index: 3, text: segment('c') },
      ]);
    });

    it('places an element that spans lines at its first line, and counts the lines inside it', async () => {
      const pretty = JSON.stringify({ type: 'track', userId: 'u', properties: { a: [1, 2] } }, null, 2);
      const text = `[\n${pretty},\n${segment('z')}\n]`;

      const result = await items(cutAt(bytesOf(text), []));

      expect(result).toEqual([
        { line: 2, index: 1, text: pretty },
        { line: 2 + pretty.split('\n').length, index: 2, text: segment('z') },
      ]);
    });

    it('keeps brackets, braces, commas and escaped quotes inside strings and nested values', async () => {
      const result = await items(cutAt(bytesOf(TRICKY_ARRAY), []));

      expect(result.map(({ line, index }) => ({ line, index }))).toEqual([
        { line: 2, index: 1 },
        { line: 3, index: 2 },
        { line: 5, index: 3 },
        { line: 7, index: undefined },
      ]);
      const parsed = result.map((item) => JSON.parse(item.text));
      expect(parsed[0].event).toBe('a ] , { [ }');
      expect(parsed[1].properties).toEqual({
        quote: 'say "hi", ]',
        backslash: 'c:\\',
        nested: [[1, [2]], { k: { v: '}' } }],
      });
      expect(parsed[2].event).toBe(']');
      expect(parsed[3].messageId).toBe('m4');
    });

    it('gives the same items when chunks split multi-byte characters and escape sequences', async () => {
      const bytes = bytesOf(TRICKY_ARRAY);
      const whole = await items(cutAt(bytes, []));
      const emoji = bytes.indexOf(bytesOf('😀'));
      const escapeAt = bytes.indexOf(bytesOf('\\"hi'));

      const oneByte = await items(chunksOf(bytes, 1));
      const insideCharacterAndEscape = await items(cutAt(bytes, [emoji + 1, emoji + 2, escapeAt + 1]));

      expect(oneByte).toEqual(whole);
      expect(insideCharacterAndEscape).toEqual(whole);
    });

    it('gives the same items for any chunking (property)', async () => {
      const arrayBytes = bytesOf(TRICKY_ARRAY);
      const ndjsonBytes = bytesOf(TRICKY_NDJSON);
      const expected = new Map([
        [arrayBytes, await items(cutAt(arrayBytes, []))],
        [ndjsonBytes, await items(cutAt(ndjsonBytes, []))],
      ]);

      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(arrayBytes, ndjsonBytes),
          fc.uniqueArray(fc.integer({ min: 1, max: arrayBytes.length - 1 }), { maxLength: 40 }),
          async (bytes, offsets) => {
            expect(await items(cutAt(bytes, offsets))).toEqual(expected.get(bytes));
          },
        ),
        { numRuns: 200 },
      );
    });

    it('splits any JSON array into exactly its elements, pretty or compact, however it is chunked (property)', async () => {
      const text = fc.string({
        unit: fc.constantFrom('a', '"', '\\', '[', ']', '{', '}', ',', ' ', 'é', '😀', '\n'),
      });
      const element = fc.dictionary(
        fc.string({ maxLength: 5 }),
        fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 3 })),
        {
          maxKeys: 4,
        },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(element, { maxLength: 8 }),
          fc.boolean(),
          fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { maxLength: 20 }),
          async (elements, pretty, offsets) => {
            const bytes = bytesOf(JSON.stringify(elements, null, pretty ? 2 : undefined));

            const result = await items(cutAt(bytes, offsets));

            expect(result.map((item) => JSON.parse(item.text))).toEqual(elements);
            expect(result.map((item) => item.index)).toEqual(elements.map((_, index) => index + 1));
          },
        ),
        { numRuns: 300 },
      );
    });

    it('yields nothing for an empty array', async () => {
      expect(await items(cutAt(bytesOf('[]'), []))).toEqual([]);
      expect(await items(cutAt(bytesOf(' [\n\n ]\n'), []))).toEqual([]);
    });

    it('reports an unterminated array as a structural error carrying the unfinished element', async () => {
      const text = `[\n${segment('a')},\n{"type":"track",`;

      const result = await items(cutAt(bytesOf(text), []));

      expect(result).toEqual([
        { line: 2, index: 1, text: segment('a') },
        {
          line: 3,
          index: 2,
          text: '{"type":"track",',
          structuralError: 'unterminated JSON array: the file ends before its closing "]"',
        },
      ]);
    });

    it('reports a lone "[" as an unterminated array', async () => {
      const result = await items(cutAt(bytesOf('[\n'), []));

      expect(result).toEqual([
        { line: 2, text: '', structuralError: expect.stringContaining('unterminated') },
      ]);
    });

    it('reads content after the closing bracket as NDJSON, with its line numbers', async () => {
      const text = `[${segment('a')}]\n\n${segment('b')}\n${segment('c')}`;

      const result = await items(cutAt(bytesOf(text), []));

      expect(result).toEqual([
        { line: 1, index: 1, text: segment('a') },
        { line: 3, text: segment('b') },
        { line: 4, text: segment('c') },
      ]);
    });

    it('keeps a stray "}" inside the element it follows instead of closing the array', async () => {
      const text = `[\n${segment('a')}},\n${segment('b')},\n${segment('c')}\n]`;

      const result = await items(cutAt(bytesOf(text), []));

      expect(result).toEqual([
        { line: 2, index: 1, text: `${segment('a')}}` },
        { line: 3, index: 2, text: segment('b') },
        { line: 4, index: 3, text: segment('c') },
      ]);
    });
  });

  describe('byte decoding', () => {
    it('ignores a UTF-8 byte-order mark, even split over chunks', async () => {
      const bytes = Buffer.concat([BOM, bytesOf(`[${segment('a')}]`)]);

      const whole = await items(cutAt(bytes, []));
      const split = await items(chunksOf(bytes, 1));

      expect(whole).toEqual([{ line: 1, index: 1, text: segment('a') }]);
      expect(split).toEqual(whole);
    });

    it('detects gzip by its magic bytes, even when the magic is split over chunks', async () => {
      const shape: ExportShape = { container: undefined, gzip: false };
      const gzipped = gzipSync(bytesOf(TRICKY_NDJSON));

      const result = await items(chunksOf(gzipped, 1), shape);

      expect(result).toEqual(await items(cutAt(bytesOf(TRICKY_NDJSON), [])));
      expect(shape).toEqual({ container: 'ndjson', gzip: true });
    });

    it('ignores a byte-order mark inside gzip', async () => {
      const gzipped = gzipSync(Buffer.concat([BOM, bytesOf(`[${segment('a')}]`)]));

      expect(await items(cutAt(gzipped, []))).toEqual([{ line: 1, index: 1, text: segment('a') }]);
    });

    it('throws ExportFileError for corrupt or truncated gzip', async () => {
      const garbage = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42]);
      const gzipped = gzipSync(bytesOf(TRICKY_NDJSON));
      const truncated = gzipped.subarray(0, gzipped.length - 20);

      await expect(items(cutAt(garbage, []))).rejects.toThrow(ExportFileError);
      await expect(items(cutAt(truncated, []))).rejects.toThrow(/corrupt gzip data/);
    });

    it.each([
      ['an empty file', ''],
      ['a whitespace-only file', ' \n\r\n\t \n'],
      ['a BOM-only file', '\uFEFF'],
    ])('yields no items for %s', async (_label, text) => {
      expect(await items(cutAt(bytesOf(text), []))).toEqual([]);
      expect(await items(cutAt(gzipSync(bytesOf(text)), []))).toEqual([]);
    });

    it('yields no items for a source with no chunks at all', async () => {
      async function* nothing(): AsyncGenerator<Uint8Array> {}

      expect(await items(nothing())).toEqual([]);
    });
  });
});

describe('readEvents', () => {
  it('accepts the events and counts them by container', async () => {
    const text = `[\n${segment('a')},\n${segment('b', 'u2')}\n]`;

    const { events, rejections, summary } = await read(cutAt(bytesOf(text), []));

    expect(events.map((event) => [event.id, event.userId])).toEqual([
      ['a', 'u1'],
      ['b', 'u2'],
    ]);
    expect(rejections).toEqual([]);
    expect(summary).toEqual({
      file: 'export.json',
      container: 'json-array',
      gzip: false,
      accepted: 2,
      rejected: 0,
    });
  });

  it('rejects a malformed element alone and still reads the elements after it', async () => {
    const text = `[\n${segment('a')},\n{"type": "track", oops},\n${segment('b')}\n]`;

    const { events, rejections } = await read(cutAt(bytesOf(text), []));

    expect(events.map((event) => event.id)).toEqual(['a', 'b']);
    expect(rejections).toEqual([
      {
        file: 'export.json',
        position: 3,
        index: 2,
        reason: expect.stringMatching(/^invalid JSON: /),
        raw: '{"type": "track", oops}',
      },
    ]);
  });

  it('rejects an element with a stray "}" alone and still reads the elements after it', async () => {
    const text = `[\n${segment('a')}},\n${segment('b')},\n${segment('c')}\n]`;

    const { events, rejections } = await read(cutAt(bytesOf(text), []));

    expect(events.map((event) => event.id)).toEqual(['b', 'c']);
    expect(rejections).toEqual([expect.objectContaining({ position: 2, index: 1, raw: `${segment('a')}}` })]);
  });

  it('rejects scalars and nested arrays in an array as not an object, with their index', async () => {
    const text = `[1, "two", null, [3], ${segment('a')}]`;

    const { events, rejections } = await read(cutAt(bytesOf(text), []));

    expect(events.map((event) => event.id)).toEqual(['a']);
    expect(rejections.map(({ index, reason }) => ({ index, reason }))).toEqual([
      { index: 1, reason: 'not a JSON object (got 1)' },
      { index: 2, reason: 'not a JSON object (got "two")' },
      { index: 3, reason: 'not a JSON object (got null)' },
      { index: 4, reason: 'not a JSON object (got an array)' },
    ]);
  });

  it('reports NDJSON rejections by line, without index, with the raw text', async () => {
    const text = `${segment('a')}\nthis is not json\n\n{"type":"teleport","userId":"u","timestamp":"2024-01-01T09:00:00Z"}\n`;

    const { events, rejections, summary } = await read(cutAt(bytesOf(text), []), 'events.ndjson');

    expect(events).toHaveLength(1);
    expect(rejections).toEqual([
      {
        file: 'events.ndjson',
        position: 2,
        reason: expect.stringMatching(/^invalid JSON/),
        raw: 'this is not json',
      },
      {
        file: 'events.ndjson',
        position: 4,
        reason: expect.stringContaining('unknown type "teleport"'),
        raw: '{"type":"teleport","userId":"u","timestamp":"2024-01-01T09:00:00Z"}',
      },
    ]);
    expect(summary).toMatchObject({ accepted: 1, rejected: 2, container: 'ndjson' });
  });

  it('rejects the unfinished end of an unterminated array and keeps what came before', async () => {
    const text = `[\n${segment('a')},\n{"type":"track","userId":`;

    const { events, rejections } = await read(cutAt(bytesOf(text), []));

    expect(events.map((event) => event.id)).toEqual(['a']);
    expect(rejections).toEqual([
      {
        file: 'export.json',
        position: 3,
        index: 2,
        reason: 'unterminated JSON array: the file ends before its closing "]"',
        raw: '{"type":"track","userId":',
      },
    ]);
  });

  it('treats a file of only "[" as not an export, saying the array is unterminated', async () => {
    // Nothing in it is JSON, so one file error is clearer than a rejection with no event in it.
    await expect(read(cutAt(bytesOf('['), []))).rejects.toThrow(ExportFileError);
    await expect(read(cutAt(bytesOf('['), []))).rejects.toThrow(/unterminated JSON array/);
  });

  it('reads gzip whatever the file is called', async () => {
    const gzipped = gzipSync(bytesOf(`${segment('a')}\n${segment('b')}\n`));

    const { events, summary } = await read(cutAt(gzipped, []), 'events.json');

    expect(events).toHaveLength(2);
    expect(summary).toMatchObject({ gzip: true, container: 'ndjson' });
  });

  it('reads the same events from a BOM-prefixed gzip file as from the plain file', async () => {
    const plain = bytesOf(TRICKY_ARRAY);
    const gzipped = gzipSync(Buffer.concat([BOM, plain]));

    const fromPlain = await read(cutAt(plain, []));
    const fromGzip = await read(chunksOf(gzipped, 7));

    expect(fromPlain.events).toHaveLength(4);
    expect(fromGzip.events).toEqual(fromPlain.events);
    expect(fromGzip.rejections).toEqual(fromPlain.rejections);
  });

  it('accepts an empty or whitespace-only file with no events and no rejections', async () => {
    for (const text of ['', '  \n\n']) {
      const { events, rejections, summary } = await read(cutAt(bytesOf(text), []));
      expect(events).toEqual([]);
      expect(rejections).toEqual([]);
      expect(summary).toMatchObject({ accepted: 0, rejected: 0 });
    }
  });

  it.each([
    ['a text file', bytesOf('# Notes\nthis is a readme, not an export\n\nthe end\n')],
    [
      'a binary file',
      Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7 + 3) % 256)),
      ]),
    ],
  ])('throws ExportFileError for %s, saying it is not a JSON export', async (_label, bytes) => {
    const sink = { event: vi.fn(), rejected: vi.fn() };

    await expect(readEvents('notes.txt', cutAt(bytes, []), sink)).rejects.toThrow(
      expect.objectContaining({ name: 'ExportFileError', message: expect.stringContaining('not a JSON') }),
    );
    // The held-back line rejections must not leak out next to the file error.
    expect(sink.rejected).not.toHaveBeenCalled();
    expect(sink.event).not.toHaveBeenCalled();
  });

  it('throws ExportFileError for a corrupt gzip file', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b]), bytesOf('definitely not deflate')]);

    await expect(read(cutAt(corrupt, []))).rejects.toThrow(/corrupt gzip data/);
  });

  it.each([
    ['plain', (bytes: Uint8Array) => bytes],
    ['gzip', (bytes: Uint8Array) => gzipSync(bytes)],
  ])('turns a read failure of a %s source into ExportFileError', async (_label, encode) => {
    const bytes = encode(bytesOf(`${segment('a')}\n`.repeat(50)));
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 10);
      throw new Error('connection reset');
    }

    await expect(read(failing())).rejects.toThrow(
      expect.objectContaining({ name: 'ExportFileError', message: 'cannot read: connection reset' }),
    );
  });

  it.each([
    ['plain', (bytes: Uint8Array) => bytes],
    ['gzip', (bytes: Uint8Array) => gzipSync(bytes)],
  ])('stops reading and closes a %s source that is clearly not JSON', async (_label, encode) => {
    // Varied lines, so that even gzipped the file spans many chunks.
    const lines = Array.from({ length: 5000 }, (_, i) => `not json ${((i * 2654435761) % 1e9).toString(36)}`);
    const bytes = encode(bytesOf(lines.join('\n')));
    let chunksPulled = 0;
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let offset = 0; offset < bytes.length; offset += 512) {
          chunksPulled++;
          yield bytes.subarray(offset, offset + 512);
        }
      } finally {
        closed = true;
      }
    }

    await expect(read(source())).rejects.toThrow(/not a JSON/);

    // An open file or socket would otherwise stay open until garbage collection.
    await vi.waitFor(() => expect(closed).toBe(true), { timeout: 1000 });
    expect(chunksPulled).toBeLessThan(Math.ceil(bytes.length / 512));
  });
});
