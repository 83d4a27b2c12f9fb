// Table keys: every id gets a key of its own, and the key gives the id back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anonymousIdOfStitchedSk,
  chunkSk,
  dayRangeEnd,
  dayRangeStart,
  daySk,
  parseDaySk,
  STITCHED_SK_START,
  stitchedSk,
  tokenOf,
  userOfPk,
  userPk,
  versionOfPageSk,
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

  it("give back the version a day page's or chunk's key was written under, and none for other keys", () => {
    // The eraser keeps a page written after the version it erased by this: a chunk counts as its page does.
    for (const version of [0, 1, 36, 2 ** 40]) {
      const token = tokenOf(version, 'txn-1');
      expect(versionOfPageSk(daySk('2024-01-01', token, 3))).toBe(version);
      expect(versionOfPageSk(chunkSk('2024-01-01', token, 3, 2))).toBe(version);
    }
    // A token too short to start with a version is no token of tokenOf's.
    expect(versionOfPageSk('D#2024-01-01#zz#0000')).toBeUndefined();
    expect(versionOfPageSk('H')).toBeUndefined();
    expect(versionOfPageSk(stitchedSk('anon-1'))).toBeUndefined();
  });

  it("sort every day page key of a day, and no other day's, between the day's range bounds", () => {
    // A list bounded by `to` reads its last day up to dayRangeEnd: a bound that cut a page off lost sessions.
    const inside = (sk: string, day: string) => dayRangeStart(day) <= sk && sk <= dayRangeEnd(day);
    for (const version of [0, 2 ** 40]) {
      for (const page of [0, 9999]) {
        const sk = daySk('2024-01-02', tokenOf(version, 'zzzzzzzz'), page);
        expect(inside(sk, '2024-01-02'), sk).toBe(true);
        expect(inside(sk, '2024-01-01'), sk).toBe(false);
        expect(inside(sk, '2024-01-03'), sk).toBe(false);
      }
    }
  });

  it('read a day page key back, and no key short of its three parts', () => {
    const token = tokenOf(5, 'tx');
    expect(parseDaySk(daySk('2024-01-02', token, 12))).toEqual({ day: '2024-01-02', token, page: 12 });
    for (const sk of ['D#2024-01-02', `D#2024-01-02#${token}`, 'H', stitchedSk('a')]) {
      expect(parseDaySk(sk), sk).toBeUndefined();
    }
  });
});
