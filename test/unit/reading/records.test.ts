import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ByteRecord,
  type RecordBatch,
  RecordSplitter,
  readRecords,
} from '../../../functions/domain/reading/records.js';
import { cutAt, cutOffsets, decode, padding, trickyBytes, utf8 } from './byte-arbitraries.js';
import { type ReferenceResult, referenceRecords } from './records-reference.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function split(chunks: readonly Uint8Array[]): ReferenceResult {
  const splitter = new RecordSplitter();
  const records: ByteRecord[] = [];
  for (const chunk of chunks) splitter.push(chunk, records);
  const failure = splitter.finish(records);
  return {
    container: splitter.container,
    // What the file ends in the middle of is handed on marked `cut`: not a record (see the test of it).
    records: records
      .filter((record) => record.cut === undefined)
      .map((record) => ({
        line: record.line,
        index: record.index,
        text: decode(record.bytes.subarray(record.start, record.end)),
      })),
    failure: failure && { line: failure.line, index: failure.index },
  };
}

const splitText = (text: string, offsets: readonly number[] = []) => split(cutAt(utf8(text), offsets));

/** Every single-cut and the one-byte-at-a-time chunkings of the bytes. */
function everyChunking(bytes: Buffer): Buffer[][] {
  const oneByteEach = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  return [oneByteEach, ...Array.from({ length: bytes.length }, (_, i) => cutAt(bytes, [i]))];
}

async function* streamOf(chunks: readonly Buffer[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  for await (const batch of readRecords(source)) batches.push(batch);
  return batches;
}

// Fragments that matter to the splitter: structure, strings, escapes, multi-byte characters and whitespace.
const fragment = fc.oneof(
  fc
    .constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\\"', '\\\\', 'a', '1', 'é', '😀', '\u2028')
    .map(utf8),
  trickyBytes(2),
);
const junk = fc.array(fragment, { maxLength: 10 }).map((pieces) => Buffer.concat(pieces));
const jsonText = fc
  .tuple(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(undefined, 1, 2, '\t'))
  .map(([value, indent]) => utf8(JSON.stringify(value, null, indent)));
const content = fc.oneof(jsonText, junk, trickyBytes(6));

const ndjsonFile = fc
  .record({
    bom: fc.boolean(),
    lines: fc.array(fc.tuple(padding(), content, padding()), { maxLength: 8 }),
    newline: fc.constantFrom('\n', '\r\n'),
  })
  .map(({ bom, lines, newline }) =>
    Buffer.concat([
      bom ? BOM : Buffer.alloc(0),
      ...lines.flatMap(([before, text, after], i) => [
        i === 0 ? Buffer.alloc(0) : utf8(newline),
        before,
        text,
        after,
      ]),
    ]),
  );

const arrayFile = fc
  .record({
    bom: fc.boolean(),
    lead: padding(),
    elements: fc.array(fc.tuple(padding(), content, padding()), { maxLength: 8 }),
    close: fc.boolean(),
    tail: fc.array(fc.tuple(padding(), content), { maxLength: 3 }),
  })
  .map(({ bom, lead, elements, close, tail }) =>
    Buffer.concat([
      bom ? BOM : Buffer.alloc(0),
      lead,
      utf8('['),
      ...elements.flatMap(([before, text, after], i) => [
        i === 0 ? Buffer.alloc(0) : utf8(','),
        before,
        text,
        after,
      ]),
      close ? utf8(']') : Buffer.alloc(0),
      ...tail.flatMap(([before, text]) => [utf8('\n'), before, text]),
    ]),
  );

const soupFile = fc
  .tuple(fc.boolean(), fc.array(fragment, { maxLength: 40 }))
  .map(([array, pieces]) => Buffer.concat([array ? utf8('[') : Buffer.alloc(0), ...pieces]));

describe('RecordSplitter', () => {
  describe('NDJSON', () => {
    it('yields each non-blank line trimmed, numbered by line, CRLF and a last line without newline included', () => {
      const result = splitText('{"a":1}\r\n\r\n   \n \u00a0{"b":2}\u2028\n\n{"c":3}');

      expect(result).toEqual({
        container: 'ndjson',
        records: [
          { line: 1, index: undefined, text: '{"a":1}' },
          { line: 4, index: undefined, text: '{"b":2}' },
          { line: 6, index: undefined, text: '{"c":3}' },
        ],
        failure: undefined,
      });
    });

    it('keeps what trim keeps: control characters, invalid UTF-8, zero-width space', () => {
      const bytes = Buffer.concat([utf8('\u0001x\n\u200by\n'), Buffer.from([0xe2, 0x80]), utf8('\n')]);

      const result = split([bytes]);

      expect(result.records.map((record) => record.text)).toEqual(['\u0001x', '\u200by', '\ufffd']);
    });

    it('hands out views of the chunk, and joins a line that spans chunks once', () => {
      const first = utf8('{"a":1}\n{"b":');
      const second = utf8('2}\n');
      const splitter = new RecordSplitter();
      const records: ByteRecord[] = [];

      splitter.push(first, records);
      splitter.push(second, records);

      expect(records[0]?.bytes).toBe(first);
      expect(records[1]?.bytes.toString()).toBe('{"b":2}');
    });
  });

  describe('container', () => {
    it.each([
      ['an empty file', ''],
      ['whitespace of every kind', ' \n\r\n\t\u2028\u00a0\u3000\n'],
      ['a BOM only', '\ufeff'],
    ])('yields nothing for %s', (_label, text) => {
      expect(splitText(text)).toEqual({ container: undefined, records: [], failure: undefined });
    });

    it('takes a file whose first visible character is "[" for a JSON array, after a BOM and wide whitespace', () => {
      const bytes = Buffer.concat([BOM, utf8('\u2028\n\u00a0[{"a":1}]')]);

      expect(split([bytes])).toEqual({
        container: 'json-array',
        records: [{ line: 2, index: 1, text: '{"a":1}' }],
        failure: undefined,
      });
    });

    it('decides the container even when whitespace before it is cut inside a character', () => {
      const bytes = utf8('\u2028\u2028[1]');

      for (const chunks of everyChunking(bytes)) {
        expect(split(chunks).container).toBe('json-array');
      }
    });

    it('reads an unfinished multi-byte character at the start as NDJSON text, not whitespace', () => {
      expect(split([Buffer.from([0x20, 0xe2, 0x80])]).records).toEqual([
        { line: 1, index: undefined, text: '\ufffd' },
      ]);
    });
  });

  describe('JSON array', () => {
    it('numbers the elements of a pretty-printed array by line and index', () => {
      const text = '[\n  {"a":1},\n\n  {"b":[2,{"c":"]"}]}\n]\n';

      expect(splitText(text).records).toEqual([
        { line: 2, index: 1, text: '{"a":1}' },
        { line: 4, index: 2, text: '{"b":[2,{"c":"]"}]}' },
      ]);
    });

    it('keeps brackets, braces, commas and escaped quotes inside strings', () => {
      const text = '[{"e":"a ] , { [ }"},{"q":"say \\"hi\\", ]","b":"c:\\\\"},"\\u005d"]';

      expect(splitText(text).records.map((record) => JSON.parse(record.text))).toEqual([
        { e: 'a ] , { [ }' },
        { q: 'say "hi", ]', b: 'c:\\' },
        ']',
      ]);
    });

    it('counts line feeds inside strings, escaped ones too, for the lines of later elements', () => {
      const text = '["a\nb", "c\\\nd",\n1]';

      expect(splitText(text).records.map((record) => record.line)).toEqual([1, 2, 4]);
    });

    it.each([
      ['[1,\n,2]', ['1'], { line: 2, index: 2 }],
      ['[1, \u00a0 ,3]', ['1'], { line: 1, index: 2 }],
      ['[1,2,\n]', ['1', '2'], { line: 2, index: 3 }],
      ['[,1]', [], { line: 1, index: 1 }],
    ])('breaks at the empty element of %j, yielding the elements before it', (text, elements, failure) => {
      const result = splitText(text);
      expect(result.records.map((record) => record.text)).toEqual(elements);
      expect(result.failure).toEqual(failure);
    });

    it('reads an empty array, whitespace of any kind inside it', () => {
      expect(splitText('[ ]')).toEqual({ container: 'json-array', records: [], failure: undefined });
      expect(splitText('[\u00a0\u2028]')).toEqual({
        container: 'json-array',
        records: [],
        failure: undefined,
      });
    });

    it('places an element after wide whitespace on the line of its first visible character', () => {
      expect(splitText('[\u2028\n\n{"a":1}]').records).toEqual([{ line: 3, index: 1, text: '{"a":1}' }]);
    });

    it('keeps a stray "}" inside the element it follows instead of closing the array', () => {
      expect(splitText('[\n{"a":1}},\n{"b":2}\n]').records).toEqual([
        { line: 2, index: 1, text: '{"a":1}}' },
        { line: 3, index: 2, text: '{"b":2}' },
      ]);
    });

    it('breaks at text after the closing bracket, whitespace of any kind aside', () => {
      expect(splitText('[{"a":1}] \u2028\n\u00a0\n')).toEqual({
        container: 'json-array',
        records: [{ line: 1, index: 1, text: '{"a":1}' }],
        failure: undefined,
      });
      expect(splitText('[{"a":1}]\n\n [{"b":2}]')).toEqual({
        container: 'json-array',
        records: [{ line: 1, index: 1, text: '{"a":1}' }],
        failure: { line: 3, index: undefined },
      });
    });

    it('stops at an unterminated array with the unfinished element line and number, yielding the complete ones', () => {
      const result = splitText('[\n{"a":1},\n{"b":\n"x"');

      expect(result.records).toEqual([{ line: 2, index: 1, text: '{"a":1}' }]);
      expect(result.failure).toEqual({ line: 3, index: 2 });
    });

    it('keeps an element the file ends after when its value closed: truncation cannot have cut it', () => {
      for (const [text, last] of [
        ['[\n{"a":1},\n{"b":2}', '{"b":2}'],
        ['[\n{"a":1},\n{"b":2}  \n', '{"b":2}'],
        ['[\n{"a":1},\n{"b":2}}', '{"b":2}}'],
        ['[\n{"a":1},\n["x"]', '["x"]'],
        ['[\n{"a":1},\n"x"', '"x"'],
      ] as const) {
        const result = splitText(text);
        expect(result.records, text).toEqual([
          { line: 2, index: 1, text: '{"a":1}' },
          { line: 3, index: 2, text: last },
        ]);
        expect(result.failure, text).toEqual({ line: text.endsWith('\n') ? 4 : 3, index: undefined });
      }
    });

    it('drops an element the file cuts short: an open value, a number or a literal that may have gone on', () => {
      for (const text of [
        '[{"a":1},12',
        '[{"a":1},tru',
        '[{"a":1},{"b":[1]',
        '[{"a":1},"x\\"',
        '[{"a":1},{"b":"}"',
      ]) {
        const result = splitText(text);
        expect(result.records, text).toEqual([{ line: 1, index: 1, text: '{"a":1}' }]);
        expect(result.failure, text).toEqual({ line: 1, index: 2 });
      }
    });

    it('hands on the element the file cuts short, marked cut, for the reader to keep a complete value before a break in it', () => {
      const splitter = new RecordSplitter();
      const records: ByteRecord[] = [];
      splitter.push(utf8('[{"a":1},\n{"b":2}x'), records);
      expect(splitter.finish(records)).toMatchObject({ line: 2, index: 2 });
      expect(
        records.map((record) => [
          decode(record.bytes.subarray(record.start, record.end)),
          record.index,
          record.cut,
        ]),
      ).toEqual([
        ['{"a":1}', 1, undefined],
        ['{"b":2}x', 2, true],
      ]);
    });

    it('stops at the last line when the array ends before any unfinished element', () => {
      expect(splitText('[\n{"a":1},\n\n').failure).toEqual({ line: 4, index: undefined });
      expect(splitText('[').failure).toEqual({ line: 1, index: undefined });
    });

    it('stops when the file ends inside a string, even after an escaping backslash', () => {
      expect(splitText('[1,\n"abc\\').failure).toEqual({ line: 2, index: 2 });
      expect(splitText('[1,\n"abc\\"]').failure).toEqual({ line: 2, index: 2 });
    });

    it('gives the same records however the bytes are chunked, inside characters and escapes included', () => {
      const bytes = utf8('[\n{"u":"ü€😀","q":"\\"]\\\\"},\n\u2028{"e":"\\u005d"}\n]\n\u2028 {"t":1}');
      const whole = split([bytes]);

      for (const chunks of everyChunking(bytes)) expect(split(chunks)).toEqual(whole);
    });
  });

  describe('against the string-based reference (property)', () => {
    it.each([
      ['NDJSON', ndjsonFile],
      ['JSON array', arrayFile],
      ['structural soup', soupFile],
    ])('%s: same records, lines, indexes and failure for any chunking', (_label, file) => {
      fc.assert(
        fc.property(file, cutOffsets(), (bytes, offsets) => {
          expect(split(cutAt(bytes, offsets))).toEqual(referenceRecords(bytes));
        }),
        { numRuns: 1500 },
      );
    });

    it('splits any JSON array into exactly its elements, in order and numbered from 1', () => {
      fc.assert(
        fc.property(
          fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 10 }),
          fc.constantFrom(undefined, 2, '\t'),
          cutOffsets(),
          (values, indent, offsets) => {
            const bytes = utf8(JSON.stringify(values, null, indent));

            const result = split(cutAt(bytes, offsets));

            expect(result.records.map((record) => JSON.parse(record.text))).toEqual(
              JSON.parse(decode(bytes)),
            );
            expect(result.records.map((record) => record.index)).toEqual(values.map((_, i) => i + 1));
            expect(result.failure).toBeUndefined();
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});

describe('readRecords', () => {
  it('yields a batch per chunk that completes records, then the failure last', async () => {
    const chunks = [utf8('[{"a":1},{"b"'), utf8(':2},'), utf8('{"c":')];

    const batches = await collect(streamOf(chunks));

    expect(batches.map((batch) => [batch.container, batch.records.length, batch.failure?.index])).toEqual([
      ['json-array', 1, undefined],
      ['json-array', 1, undefined],
      // The element the file ends inside, marked cut.
      ['json-array', 1, 3],
    ]);
    expect(batches.at(-1)?.records[0]?.cut).toBe(true);
    expect(batches.at(-1)?.failure?.reason).toMatch(/unterminated JSON array/);
  });

  it('yields the last line of an NDJSON file from the end of the stream', async () => {
    const batches = await collect(streamOf([utf8('{"a":1}\n{"b"'), utf8(':2}')]));

    expect(batches.map((batch) => batch.records.length)).toEqual([1, 1]);
  });

  it('yields nothing for a blank file', async () => {
    expect(await collect(streamOf([utf8(' \n'), BOM]))).toEqual([]);
  });

  it('yields one empty batch for an empty array, so the file still says it is a JSON array', async () => {
    expect(await collect(streamOf([utf8(' ['), utf8(' \n ]\n')]))).toEqual([
      { container: 'json-array', records: [], failure: undefined },
    ]);
  });

  it('closes the source when the reader stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield utf8('{"a":1}\n');
      } finally {
        closed = true;
      }
    }

    for await (const _batch of readRecords(source())) break;

    expect(closed).toBe(true);
  });
});
