import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ByteRecord,
  type RecordBatch,
  RecordSplitter,
  readRecords,
} from '../../../functions/domain/reading/records.js';
import { cutAt, cutOffsets, decode, padding, trickyBytes, utf8 } from './byte-arbitraries.js';
import { everyChunking, split, splitText } from './records-harness.js';
import { referenceRecords } from './records-reference.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

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
