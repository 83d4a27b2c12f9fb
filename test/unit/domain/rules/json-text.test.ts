import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../functions/domain/rules/canonical-json.js';
import { jsonText, writeJson } from '../../../../functions/domain/rules/json-text.js';

/** The recursive definition rule 3 gives, for values shallow enough for the call stack. */
function sortedReference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(sortedReference).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${sortedReference(record[key])}`);
  return `{${members.join(',')}}`;
}

// Parsed from text, as every value the product writes is: `__proto__` keys, integer-like keys, 1e400.
const parsedValue = fc
  .oneof(fc.json({ maxDepth: 5 }), fc.constantFrom('{"__proto__":{"b":1,"a":2},"10":0,"2":[1e400,-0]}'))
  .map((text) => JSON.parse(text) as unknown);

describe('writeJson', () => {
  it('writes what JSON.stringify writes, and sorted what the recursive definition writes', () => {
    fc.assert(
      fc.property(parsedValue, (value) => {
        expect(writeJson(value, false)).toBe(JSON.stringify(value));
        expect(writeJson(value, true)).toBe(sortedReference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes any value the same below the depth where it stops recursing', () => {
    // 300 levels of {"k":[…]} around the value: past the recursion depth, within JSON.stringify's reach.
    const wrap = (inner: string) => `${'{"k":['.repeat(300)}${inner}${']}'.repeat(300)}`;
    fc.assert(
      fc.property(parsedValue, (value) => {
        const wrapped = JSON.parse(wrap(JSON.stringify(value))) as unknown;
        expect(writeJson(wrapped, false)).toBe(JSON.stringify(wrapped));
        expect(writeJson(wrapped, true)).toBe(wrap(sortedReference(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('writes values nested far deeper than JSON.stringify can', () => {
    const depth = 100_000;
    const text = `${'[{"b":1,"a":'.repeat(depth)}null${'}]'.repeat(depth)}`;
    const value = JSON.parse(text) as unknown;
    expect(() => JSON.stringify(value)).toThrow(RangeError);

    expect(jsonText(value)).toBe(text);
    expect(canonicalJson(value)).toBe(`${'[{"a":'.repeat(depth)}null${',"b":1}]'.repeat(depth)}`);
  });
});

describe('jsonText', () => {
  it('is JSON.stringify for what it can write, undefined included', () => {
    expect(jsonText({ a: [1, 'x', null] })).toBe('{"a":[1,"x",null]}');
    expect(jsonText('q')).toBe('"q"');
    expect(jsonText(undefined)).toBeUndefined();
  });
});
