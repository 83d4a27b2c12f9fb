import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../../functions/domain/reading/json-scan.js';
import { MemberPresence } from '../../../functions/domain/reading/member-presence.js';
import { cutAt, cutOffsets, utf8 } from './byte-arbitraries.js';
import { jsonText, pooledPaths } from './json-arbitraries.js';
import { expected, type Paths } from './json-scan-oracle.js';

/** What the streamed bytes show of each path. */
function presence(chunks: readonly Buffer[], paths: Paths): boolean[] {
  const members = new MemberPresence(compilePaths(paths));
  for (const chunk of chunks) members.push(chunk);
  return paths.map((_, path) => members.has(path));
}

// The members `auto` chooses a file's format by, found in a record too long to hold (rule 1b), must be the
// ones JSON.parse finds, or a file would be read in a format its first object does not show.
describe('MemberPresence against JSON.parse (property)', () => {
  it('finds the members of an object JSON.parse finds, duplicates and escaped keys too, cut anywhere', () => {
    const memberPaths = pooledPaths.map((paths) => paths.filter((path) => path.length > 0));
    fc.assert(
      fc.property(jsonText, memberPaths, cutOffsets(), (bytes, paths, offsets) => {
        const truth = expected(bytes, paths);
        if (!truth.ok) throw new Error('jsonText gave a text that is not JSON');
        const found = presence(cutAt(bytes, offsets), paths);
        // A root that is no object has no members.
        const present = truth.values.map((value) => truth.rootKind === 'object' && value.kind !== 'none');
        expect(found).toEqual(present);
      }),
      { numRuns: 4000 },
    );
  });

  it('counts nesting without holding it: members after values 200,000 deep, and keys inside strings are no keys', () => {
    const deep = `${'[{"type":'.repeat(100_000)}1${'}]'.repeat(100_000)}`;
    const text = `{"a":${deep},"s":"{\\"event\\":1,\\"uuid\\":2}","properties":{"x":[{"time":1}],"time":2},"uuid":3}`;
    const paths = [['type'], ['event'], ['uuid'], ['properties', 'time'], ['properties', 'x']];
    const bytes = utf8(text);
    expect(expected(bytes, paths)).toMatchObject({ ok: true });
    for (const size of [7, 4096, bytes.length]) {
      const chunks = cutAt(
        bytes,
        Array.from({ length: Math.ceil(bytes.length / size) }, (_, at) => at * size),
      );
      expect(presence(chunks, paths)).toEqual([false, false, true, true, true]);
    }
  });

  it('reads escapes a cut splits: a quote or backslash escaped across chunks, at every cut', () => {
    const text = `{"v":"\\\\","k\\"":"\\"type\\":","\\\\":{"event":1},"event":"\\\\\\"","uuid":2}`;
    const paths = [['type'], ['event'], ['uuid'], ['k"'], ['\\']];
    const bytes = utf8(text);
    const truth = expected(bytes, paths);
    if (!truth.ok) throw new Error(truth.reason);
    const present = truth.values.map((value) => value.kind !== 'none');
    expect(present).toEqual([false, true, true, true, true]);
    for (let at = 1; at < bytes.length; at++) {
      expect(presence([bytes.subarray(0, at), bytes.subarray(at)], paths)).toEqual(present);
    }
  });

  it('takes a key as long as any asked for, every character escaped, and no longer one that starts like it', () => {
    const escaped = (key: string) =>
      [...key].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const text = `{"${escaped('distinct_id')}":1,"${escaped('uuid')}x":2}`;
    expect(presence([utf8(text)], [['distinct_id'], ['uuid']])).toEqual([true, false]);
  });
});
