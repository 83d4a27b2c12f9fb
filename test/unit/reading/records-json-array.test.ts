// RecordSplitter on JSON arrays: elements split at depth-1 commas without parsing, lines and element numbers,
// where the structure breaks, and what the file ends in the middle of (records.test.ts has the rest).
import { describe, expect, it } from 'vitest';
import { type ByteRecord, RecordSplitter } from '../../../functions/domain/reading/records.js';
import { decode, utf8 } from './byte-arbitraries.js';
import { everyChunking, split, splitText } from './records-harness.js';

describe('RecordSplitter: JSON array', () => {
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
