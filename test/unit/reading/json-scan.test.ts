import { describe, expect, it } from 'vitest';
import {
  compilePaths,
  ScanResult,
  scan,
  ValueKind,
  valueKindName,
} from '../../../functions/domain/reading/json-scan.js';
import { utf8 } from './byte-arbitraries.js';
import { check, scanText } from './json-scan-oracle.js';

describe('scan', () => {
  describe('acceptance, exactly that of JSON.parse', () => {
    it.each([
      '{}',
      '[]',
      ' \t\r\n{"a" : [1, -0, 0.5, 1e5, 1E-5, -1.25e+3, 12345678901234567890] } \n',
      '"\\u0000\\ud800\\udfff\\/\\b\\f\\n\\r\\t\\"\\\\"',
      'true',
      'null',
      '"\u2028 \u007f é 😀"',
      '\ufeff{"bom":"dropped by TextDecoder"}',
    ])('accepts %j', (text) => {
      check(utf8(text), [[]]);
    });

    it.each([
      '',
      ' ',
      '{',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      "{'a':1}",
      '+1',
      '01',
      '-01',
      '1.',
      '.5',
      '1e',
      '1e+',
      '-',
      'tru',
      'nul',
      'True',
      'NaN',
      '"\t"',
      '"\\x"',
      '"\\u12G4"',
      '"abc',
      '{} {}',
      '1 2',
      '\u00a0{}',
      '{}\u2028',
      '\v{}',
      '{}\f',
      '\ufeff\ufeff{}',
      '[1]]',
      '{"a":1}}',
    ])('rejects %j with JSON.parse message', (text) => {
      check(utf8(text), [[]]);
    });

    it('accepts invalid UTF-8 inside a string, as U+FFFD, and rejects it outside', () => {
      const inside = Buffer.concat([utf8('{"a":"'), Buffer.from([0xff, 0xe2, 0x80]), utf8('"}')]);
      const outside = Buffer.concat([utf8('{"a":1'), Buffer.from([0xc2, 0xa0]), utf8('}')]);

      check(inside, [['a']]);
      check(outside, [['a']]);
      expect(scanText(inside, [['a']]).result.string(0)).toBe('\ufffd\ufffd');
    });

    it('nests 100,000 deep without recursion', () => {
      const depth = 100_000;
      const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

      expect(scanText(arrays, [[]]).ok).toBe(true);
      expect(scanText(objects, [['a', 'a', 'a']]).result.kind(0)).toBe(ValueKind.Object);
      expect(scanText(arrays.slice(1), [[]]).ok).toBe(false);
      expect(scanText(objects.slice(0, -1), [[]]).ok).toBe(false);
    });

    it('says why, in the words of JSON.parse', () => {
      const { result } = scanText('{"type":"track",}', [['type']]);

      expect(result.failureReason()).toMatch(
        /^invalid JSON: Expected double-quoted property name in JSON at position 16/,
      );
      expect(result.kind(0)).toBe(ValueKind.None);
      expect(result.rootKind).toBe(ValueKind.None);
    });
  });

  describe('captured paths, as the object JSON.parse builds holds them', () => {
    it('captures the last of duplicate keys', () => {
      const { result } = scanText('{"type":"a","type":"b"}', [['type']]);

      expect(result.string(0)).toBe('b');
    });

    it('forgets what was captured under an ancestor key that appears again', () => {
      const paths = [['context', 'page', 'url'], ['context']];

      expect(scanText('{"context":{"page":{"url":"a"}},"context":5}', paths).result.kind(0)).toBe(
        ValueKind.None,
      );
      expect(scanText('{"context":{"page":{"url":"a"},"page":{}}}', paths).result.kind(0)).toBe(
        ValueKind.None,
      );
      expect(scanText('{"context":{"page":{"url":"a"}},"context":{"x":1}}', paths).result.raw(1)).toBe(
        '{"x":1}',
      );
    });

    it('keeps a capture when the duplicate of an unrelated key appears', () => {
      const { result } = scanText('{"context":{"page":{"url":"a"}},"page":{},"context2":1}', [
        ['context', 'page', 'url'],
      ]);

      expect(result.string(0)).toBe('a');
    });

    it('matches keys written with escapes, and takes __proto__ as an ordinary key', () => {
      const { result } = scanText('{"\\u0074ype":"t","__proto__":{"url":"p"},"\\u00e9":"e"}', [
        ['type'],
        ['__proto__', 'url'],
        ['é'],
      ]);

      expect([result.string(0), result.string(1), result.string(2)]).toEqual(['t', 'p', 'e']);
    });

    it('validates a key that matches no wanted key to its end, and matches escaped keys once decoded', () => {
      const paths = [['ab'], ['b']];

      check(utf8('{"xy\u0001":1}'), paths);
      check(utf8('{"x\\q":1}'), paths);
      check(utf8('{"xyz'), paths);
      check(utf8('{"a\\u0062":1,"c\\u0062":2,"\\u0062":3,"bx":4}'), paths);
      expect(scanText('{"a\\u0062":1,"c\\u0062":2}', paths).result.number(0)).toBe(1);
    });

    it('does not look into arrays for members', () => {
      const { result } = scanText('{"context":[{"page":1}]}', [['context', 'page'], ['context']]);

      expect(result.kind(0)).toBe(ValueKind.None);
      expect(result.isArray(1)).toBe(true);
    });

    it('decodes strings and numbers as JSON.parse does', () => {
      const { result } = scanText('{"s":"a\\nb\\u00e9","n":-0,"big":12345678901234567890,"e":1.5e-3}', [
        ['s'],
        ['n'],
        ['big'],
        ['e'],
      ]);

      expect(result.string(0)).toBe('a\nbé');
      expect(Object.is(result.number(1), -0)).toBe(true);
      expect(result.number(2)).toBe(12345678901234567000);
      expect(result.number(3)).toBe(0.0015);
      expect(result.string(1)).toBeUndefined();
      expect(result.number(0)).toBeUndefined();
    });

    it('keeps no capture from the previous record when reused', () => {
      const compiled = compilePaths([['userId']]);
      const result = new ScanResult(compiled);
      const first = utf8('{"userId":"u1"}');
      const second = utf8('{"anonymousId":"a1"}');

      scan(first, 0, first.length, compiled, result);
      scan(second, 0, second.length, compiled, result);

      expect(result.kind(0)).toBe(ValueKind.None);
    });

    it('scans only the given range of a larger buffer', () => {
      const bytes = utf8('xx{"a":1} {"a":2}');
      const compiled = compilePaths([['a']]);
      const result = new ScanResult(compiled);

      expect(scan(bytes, 2, 9, compiled, result)).toBe(true);
      expect(result.number(0)).toBe(1);
      expect(result.raw(0)).toBe('1');
    });

    it('gives the span of a container, to scan its members later', () => {
      const bytes = utf8('{"context":{"campaign":{"source":"news"}}}');
      const { result } = scanText(bytes, [['context', 'campaign']]);
      const members = compilePaths([['source']]);
      const memberResult = new ScanResult(members);

      scan(bytes, result.valueStart(0), result.valueEnd(0), members, memberResult);

      expect(result.isObject(0)).toBe(true);
      expect(memberResult.string(0)).toBe('news');
    });

    it('refuses a result made for other paths', () => {
      const compiled = compilePaths([['a']]);
      const bytes = utf8('{}');

      expect(() => scan(bytes, 0, 2, compiled, new ScanResult(compilePaths([['a']])))).toThrow(
        /another set of paths/,
      );
    });
  });
});

describe('compilePaths', () => {
  it('gives duplicate paths one slot and every path its own answer', () => {
    const compiled = compilePaths([['a', 'b'], ['a'], ['a', 'b'], []]);
    const result = new ScanResult(compiled);
    const bytes = utf8('{"a":{"b":true}}');

    scan(bytes, 0, bytes.length, compiled, result);

    expect(compiled.slotCount).toBe(3);
    expect([0, 1, 2, 3].map((path) => valueKindName(result.kind(path)))).toEqual([
      'true',
      'object',
      'true',
      'object',
    ]);
  });

  it('names a path index that was never compiled', () => {
    const compiled = compilePaths([['a']]);

    expect(() => new ScanResult(compiled).kind(1)).toThrow(/no path 1: 1 paths were compiled/);
  });
});
