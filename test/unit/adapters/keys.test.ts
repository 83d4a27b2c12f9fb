// Table keys: every id gets a key of its own, and the key gives the id back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anonymousIdOfStitchedSk,
  STITCHED_SK_START,
  stitchedSk,
  userOfPk,
  userPk,
} from '../../../functions/adapters/dynamodb/keys.js';

/** Any UTF-16 text, lone surrogates included. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
});

/** What DynamoDB keeps of a key: its UTF-8 bytes (a lone surrogate has none, so it becomes U+FFFD's). */
const storedBytes = (key: string) => Buffer.from(key, 'utf8').toString('hex');

describe('table keys', () => {
  it('give each id back, and give two ids two keys even as UTF-8 bytes', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        expect(userOfPk(userPk(a))).toBe(a);
        expect(anonymousIdOfStitchedSk(stitchedSk(a))).toBe(a);
        expect(stitchedSk(a).startsWith(STITCHED_SK_START)).toBe(true);
        if (a !== b) {
          expect(storedBytes(userPk(a))).not.toBe(storedBytes(userPk(b)));
          expect(storedBytes(stitchedSk(a))).not.toBe(storedBytes(stitchedSk(b)));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('keep a well-formed id as it is, so keys written before stay valid', () => {
    expect(userPk('user_1001')).toBe('U#user_1001');
    expect(stitchedSk('anon-1')).toBe('A#anon-1');
    expect(userPk('\ud800')).toMatch(/^U~[\w-]+$/);
  });

  it('name no user for the keys of other items', () => {
    expect(userOfPk('META')).toBeUndefined();
    expect(userOfPk('I#bucket/incoming/a.ndjson')).toBeUndefined();
    expect(anonymousIdOfStitchedSk('D#2024-01-01#x#0000')).toBeUndefined();
  });
});
