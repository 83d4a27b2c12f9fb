import { describe, expect, it } from 'vitest';
import {
  describeJsonType,
  isIdTooLong,
  MAX_ID_BYTES,
  normalizeId,
  presentId,
  storedNumberId,
} from '../../../../functions/domain/rules/identity.js';

describe('normalizeId', () => {
  it.each([
    [42, '42'],
    ['42', '42'],
    [' 42 ', '42'],
    [1e21, '1e+21'],
    ['1e+21', '1e+21'],
    [JSON.parse('12345678901234567890') as number, '12345678901234567000'],
    [0.1, '0.1'],
    [-7, '-7'],
    [1.5e-7, '1.5e-7'],
  ])('turns %j into %j', (value, expected) => {
    expect(normalizeId(value)).toEqual({ kind: 'present', value: expected });
  });

  it('reads JSON numbers the way JSON.parse gives them', () => {
    const parsed = JSON.parse('{"a":12345678901234567890,"b":1e21,"c":1.0}') as Record<string, unknown>;
    expect([parsed.a, parsed.b, parsed.c].map((value) => presentId(normalizeId(value)))).toEqual([
      '12345678901234567000',
      '1e+21',
      '1',
    ]);
  });

  it.each([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, JSON.parse('1e400') as number])(
    'treats the non-finite number %s as absent',
    (value) => {
      expect(normalizeId(value)).toEqual({ kind: 'absent' });
    },
  );

  it.each([
    ['', 'empty'],
    ['   ', 'spaces'],
    ['\t\r\n', 'tab and line ends'],
    ['\u00a0', 'a no-break space'],
    ['\u2028\u2029', 'line and paragraph separators'],
    ['\ufeff', 'a byte-order mark'],
    ['\u3000', 'an ideographic space'],
    [null, 'null'],
    [undefined, 'missing'],
  ])('treats %j (%s) as absent', (value, _what) => {
    expect(normalizeId(value)).toEqual({ kind: 'absent' });
  });

  it.each([
    ['\u00a0u-1\u00a0', 'no-break spaces'],
    ['\u2028u-1\u2029', 'line and paragraph separators'],
    ['\ufeffu-1', 'a byte-order mark'],
    ['\r\nu-1\t', 'line ends and a tab'],
  ])('trims %j (%s) as String.prototype.trim does', (value) => {
    expect(normalizeId(value)).toEqual({ kind: 'present', value: 'u-1' });
  });

  it('keeps inner white space and characters trim does not remove', () => {
    expect(presentId(normalizeId(' a b '))).toBe('a b');
    expect(presentId(normalizeId('\u200bu-1'))).toBe('\u200bu-1');
  });

  it.each([
    [{ id: 1 }, 'an object'],
    [[1], 'an array'],
    [true, 'a boolean'],
    [false, 'a boolean'],
  ])('reports %j as the wrong type (%s)', (value, type) => {
    expect(normalizeId(value)).toEqual({ kind: 'wrong type', type });
  });
});

describe('presentId', () => {
  it('gives the value of a present id and undefined otherwise', () => {
    expect(presentId({ kind: 'present', value: 'u' })).toBe('u');
    expect(presentId({ kind: 'absent' })).toBeUndefined();
    expect(presentId({ kind: 'wrong type', type: 'an object' })).toBeUndefined();
  });
});

describe('describeJsonType', () => {
  it('names every JSON type for messages', () => {
    expect([null, [], {}, true, 1, 'x'].map(describeJsonType)).toEqual([
      'null',
      'an array',
      'an object',
      'a boolean',
      'a number',
      'a string',
    ]);
  });
});

describe('isIdTooLong', () => {
  it('allows exactly 512 bytes of UTF-8 and refuses 513', () => {
    expect(MAX_ID_BYTES).toBe(512);
    expect(isIdTooLong('x'.repeat(512))).toBe(false);
    expect(isIdTooLong('x'.repeat(513))).toBe(true);
  });

  it('counts bytes, not characters: 170 euro signs (510 bytes) pass, 171 (513 bytes) do not', () => {
    expect(isIdTooLong('€'.repeat(170))).toBe(false);
    expect(isIdTooLong('€'.repeat(171))).toBe(true);
  });

  it('counts four bytes for a character outside the BMP and two for a two-byte one', () => {
    expect(isIdTooLong('😀'.repeat(128))).toBe(false);
    expect(isIdTooLong(`${'😀'.repeat(128)}x`)).toBe(true);
    expect(isIdTooLong('é'.repeat(256))).toBe(false);
    expect(isIdTooLong('é'.repeat(257))).toBe(true);
    expect(isIdTooLong(`${'é'.repeat(255)}xx`)).toBe(false);
    expect(isIdTooLong(`${'é'.repeat(255)}xxx`)).toBe(true);
  });

  it('refuses a short string of three-byte characters once it passes 512 bytes', () => {
    // 129 code units is the first length the fast check lets through to the exact count.
    expect(isIdTooLong('€'.repeat(129))).toBe(false);
    expect(isIdTooLong('\u20ac'.repeat(171))).toBe(true);
  });
});

describe('storedNumberId', () => {
  it('gives the id a number as an export writes it is stored as (String(n)), when that differs', () => {
    expect(storedNumberId('42.0')).toBe('42');
    expect(storedNumberId('1e21')).toBe('1e+21');
    expect(storedNumberId('12345678901234567890')).toBe('12345678901234567000');
    expect(storedNumberId('-0')).toBe('0');
  });

  it('gives nothing for an id stored as written, a non-number, or a number past a double', () => {
    expect(storedNumberId('42')).toBeUndefined();
    expect(storedNumberId('0x10')).toBeUndefined();
    expect(storedNumberId(' 42.0')).toBeUndefined();
    expect(storedNumberId('1e400')).toBeUndefined();
    expect(storedNumberId('user-7')).toBeUndefined();
  });
});
