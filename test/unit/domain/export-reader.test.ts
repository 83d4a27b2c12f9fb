import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  ExportFileError,
  type ExportItem,
  type ExportShape,
  readExportItems,
} from '../../../functions/domain/export-reader.js';

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
      const shape: ExportShape = { container: undefined };

      const [first] = await items(cutAt(bytesOf(segment('a')), []), shape);

      expect(first?.index).toBeUndefined();
      expect(shape).toEqual({ container: 'ndjson' });
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
      const shape: ExportShape = { container: undefined };

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

    it('yields no items for a source with no chunks at all', async () => {
      async function* nothing(): AsyncGenerator<Uint8Array> {}

      expect(await items(nothing())).toEqual([]);
    });
  });
});
