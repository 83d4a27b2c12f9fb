import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledPaths,
  compilePaths,
  ScanResult,
  scan,
  ValueKind,
  valueKindName,
} from '../../../functions/domain/reading/json-scan.js';
import { utf8 } from './byte-arbitraries.js';
import { adversarialText, jsonText, pooledPaths } from './json-arbitraries.js';

type Paths = readonly (readonly string[])[];

/** What JSON.parse makes of the bytes, and what walking its result along each path finds. */
function expected(bytes: Uint8Array, paths: Paths) {
  let root: unknown;
  try {
    root = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return { ok: false as const, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const values = paths.map((path) => {
    let value = root;
    for (const key of path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) {
        return { kind: 'none' };
      }
      value = (value as Record<string, unknown>)[key];
    }
    return { kind: kindOf(value), value };
  });
  return { ok: true as const, rootKind: kindOf(root), values };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === true || value === false) return String(value);
  return typeof value;
}

/** Where the text sits in the scanned buffer: after `offset` bytes, as a view of its own or a range of a larger buffer. */
interface Placement {
  offset: number;
  view: boolean;
}

/** Bytes around the text that would change the answer if the scanner read them. */
const SURROUNDING = utf8('"\\\u0001[{');

function place(bytes: Buffer, { offset, view }: Placement): { buffer: Buffer; start: number; end: number } {
  const before = Buffer.alloc(offset, SURROUNDING);
  const buffer = Buffer.concat([before, bytes, SURROUNDING]);
  if (view) return { buffer: buffer.subarray(offset, offset + bytes.length), start: 0, end: bytes.length };
  return { buffer, start: offset, end: offset + bytes.length };
}

/** The same, read through the scanner's accessors. */
function scanned(bytes: Buffer, compiled: CompiledPaths, result: ScanResult, placement: Placement) {
  const { buffer, start, end } = place(bytes, placement);
  if (!scan(buffer, start, end, compiled, result))
    return { ok: false as const, reason: result.failureReason() };
  const values = compiled.paths.map((_, path) => {
    const kind = valueKindName(result.kind(path));
    if (kind === 'none') return { kind };
    const raw = result.raw(path) as string;
    if (kind === 'string') return { kind, value: result.string(path) };
    if (kind === 'number') return { kind, value: result.number(path) };
    return { kind, value: JSON.parse(raw) };
  });
  return { ok: true as const, rootKind: valueKindName(result.rootKind), values };
}

function check(bytes: Buffer, paths: Paths, placement: Placement = { offset: 0, view: false }): void {
  const compiled = compilePaths(paths);
  expect(scanned(bytes, compiled, new ScanResult(compiled), placement)).toStrictEqual(expected(bytes, paths));
}

/** Any alignment of the text in memory, which the four-bytes-at-a-time reads depend on. */
const placement = fc.record({ offset: fc.integer({ min: 0, max: 7 }), view: fc.boolean() });

function scanText(text: string | Buffer, paths: Paths) {
  const compiled = compilePaths(paths);
  const result = new ScanResult(compiled);
  const bytes = typeof text === 'string' ? utf8(text) : text;
  return { ok: scan(bytes, 0, bytes.length, compiled, result), result };
}

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

  describe('against JSON.parse (property)', () => {
    it('any JSON value, with paths to any of its members', () => {
      const valueAndPaths = fc.jsonValue({ maxDepth: 4 }).chain((value) => {
        const paths = memberPaths(value);
        return fc.tuple(
          fc.constant(value),
          fc.subarray(paths.length > 0 ? paths : [['x']], { minLength: 1 }),
          fc.constantFrom(undefined, 1, '\t', '\r\n'),
        );
      });
      fc.assert(
        fc.property(valueAndPaths, placement, ([value, paths, indent], where) => {
          check(utf8(JSON.stringify(value, null, indent)), paths, where);
        }),
        { numRuns: 1500 },
      );
    });

    it('adversarial texts: escapes, surrogates, invalid UTF-8, duplicates, bad tokens, truncation, garbage', () => {
      fc.assert(
        fc.property(adversarialText, pooledPaths, placement, (bytes, paths, where) => {
          check(bytes, paths, where);
        }),
        { numRuns: 6000 },
      );
    });

    it('nesting 10,000 to 20,000 deep, of objects and arrays mixed, whole or cut short', () => {
      const nested = fc
        .record({
          depth: fc.integer({ min: 10_000, max: 20_000 }),
          seed: fc.nat(),
          cutAt: fc.option(fc.nat(), { nil: undefined }),
        })
        .map(({ depth, seed, cutAt }) => {
          // A cheap deterministic pattern of objects and arrays from the seed.
          const isArray = (level: number) => ((seed >>> (level % 31)) & 1) === 1;
          let open = '';
          let close = '';
          for (let level = 0; level < depth; level++) {
            open += isArray(level) ? '[' : '{"a":';
            close = (isArray(level) ? ']' : '}') + close;
          }
          const text = `${open}"leaf"${close}`;
          return utf8(cutAt === undefined ? text : text.slice(0, cutAt % text.length));
        });
      const paths = [['a'], ['a', 'a'], ['a', 'a', 'a']];
      const compiled = compilePaths(paths);
      const result = new ScanResult(compiled);
      fc.assert(
        fc.property(nested, (bytes) => {
          const ok = scan(bytes, 0, bytes.length, compiled, result);

          // Kinds only: comparing 20,000-deep values would overflow the comparison's own stack.
          const truth = expected(bytes, paths);
          expect(ok).toBe(truth.ok);
          if (truth.ok)
            expect(paths.map((_, path) => valueKindName(result.kind(path)))).toEqual(
              truth.values.map((v) => v.kind),
            );
        }),
        { numRuns: 30 },
      );
    });

    it('valid adversarial texts are all accepted', () => {
      fc.assert(
        fc.property(jsonText, (bytes) => {
          expect(scanText(bytes, [[]]).ok).toBe(true);
        }),
        { numRuns: 500 },
      );
    });

    it('numbers: the double JSON.parse gives, for every form the grammar allows', () => {
      const digits = fc.string({
        unit: fc.constantFrom('0', '1', '4', '5', '9'),
        minLength: 1,
        maxLength: 30,
      });
      const number = fc
        .tuple(
          fc.boolean(),
          digits,
          fc.option(digits),
          fc.option(fc.tuple(fc.constantFrom('e', 'E-', 'e+'), digits)),
        )
        .map(([minus, integer, fraction, exponent]) => {
          const whole = integer.replace(/^0+(?=\d)/, '');
          return `${minus ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : exponent.join('').slice(0, 6)}`;
        });
      fc.assert(
        fc.property(
          fc.oneof(
            number,
            fc.double().map((n) => JSON.stringify(n) ?? '0'),
          ),
          (text) => {
            check(utf8(`{"n":${text}}`), [['n']]);
          },
        ),
        { numRuns: 3000 },
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

/** Every path from the root to a member of an object, at any depth. */
function memberPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, member]) => [
    [...prefix, key],
    ...memberPaths(member, [...prefix, key]),
  ]);
}
