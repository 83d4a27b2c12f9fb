import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePaths,
  ScanResult,
  scan,
  valueKindName,
} from '../../../functions/domain/reading/json-scan.js';
import { utf8 } from './byte-arbitraries.js';
import { adversarialText, jsonText, pooledPaths } from './json-arbitraries.js';
import { check, expected, placement, scanText } from './json-scan-oracle.js';

describe('scan against JSON.parse (property)', () => {
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

  it('keys matched in place: keys sharing a first byte or a prefix with a wanted key, plain or escaped, cut anywhere', () => {
    // Wanted keys and their neighbours: a prefix, an extension, a sibling of the same first byte or length.
    const keys = ['t', 'ty', 'type', 'types', 'typo', 'timestamp', '', 'p', 'pa', 'page', 'pages', 'é'];
    const key = fc.tuple(fc.constantFrom(...keys), fc.boolean(), fc.nat()).map(([text, escaped, at]) => {
      if (!escaped || text === '') return JSON.stringify(text);
      // One character written as a \u escape: the same key to JSON.parse, not a plain token.
      const i = at % text.length;
      const code = text.charCodeAt(i).toString(16).padStart(4, '0');
      return (
        JSON.stringify(text.slice(0, i)).slice(0, -1) +
        `\\u${code}` +
        JSON.stringify(text.slice(i + 1)).slice(1)
      );
    });
    const member = (depth: number): fc.Arbitrary<string> =>
      fc
        .tuple(
          key,
          depth === 0 ? fc.constantFrom('1', '"v"', 'null') : fc.oneof(fc.constant('2'), object(depth - 1)),
        )
        .map(([name, value]) => `${name}:${value}`);
    const object = (depth: number): fc.Arbitrary<string> =>
      fc.array(member(depth), { maxLength: 5 }).map((members) => `{${members.join(',')}}`);
    const paths = fc.array(fc.array(fc.constantFrom(...keys), { minLength: 1, maxLength: 2 }), {
      minLength: 1,
      maxLength: 6,
    });
    const text = fc
      .tuple(object(2), fc.option(fc.nat(), { nil: undefined }))
      .map(([json, cut]) => (cut === undefined ? json : json.slice(0, cut % (json.length + 1))));
    fc.assert(
      fc.property(text, paths, placement, (json, wanted, where) => {
        check(utf8(json), wanted, where);
      }),
      { numRuns: 4000 },
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

/** Every path from the root to a member of an object, at any depth. */
function memberPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, member]) => [
    [...prefix, key],
    ...memberPaths(member, [...prefix, key]),
  ]);
}
