import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INCOMPLETE,
  trimEnd,
  trimStart,
  whitespaceLength,
} from '../../../functions/domain/reading/utf8-whitespace.js';
import {
  decode,
  INVALID_UTF8,
  NOT_WHITESPACE,
  TRIM_WHITESPACE,
  trickyBytes,
  utf8,
} from './byte-arbitraries.js';

function trimmed(bytes: Buffer): string {
  const start = trimStart(bytes, 0, bytes.length);
  return decode(bytes.subarray(start, trimEnd(bytes, start, bytes.length)));
}

describe('trimStart and trimEnd', () => {
  it.each(TRIM_WHITESPACE.map((character) => [character.codePointAt(0)?.toString(16), character]))(
    'trim U+%s on both sides',
    (_code, character) => {
      const bytes = utf8(`${character}${character}{"a":1}${character}`);

      expect(trimmed(bytes)).toBe('{"a":1}');
    },
  );

  it.each(NOT_WHITESPACE.map((character) => [character.codePointAt(0)?.toString(16), character]))(
    'keep U+%s, which trim keeps',
    (_code, character) => {
      const bytes = utf8(` ${character}x${character} `);

      expect(trimmed(bytes)).toBe(`${character}x${character}`);
    },
  );

  it.each(INVALID_UTF8.map((bytes) => [Buffer.from(bytes).toString('hex'), bytes]))(
    'keep the invalid sequence %s, which decodes to U+FFFD',
    (_hex, invalid) => {
      const bytes = Buffer.concat([utf8('\u2028 '), Buffer.from(invalid), utf8(' \u00a0')]);

      expect(trimmed(bytes)).toBe(decode(Buffer.from(invalid)));
    },
  );

  it('does not take the tail of a longer sequence for whitespace', () => {
    // A stray 0xE2 before U+2028's bytes is U+FFFD followed by a real U+2028.
    const bytes = Buffer.from([0x78, 0xe2, 0xe2, 0x80, 0xa8]);

    expect(trimmed(bytes)).toBe('x\ufffd');
  });

  it('empties a range of whitespace only', () => {
    const bytes = utf8(' \u3000\ufeff\r\n');

    expect(trimStart(bytes, 0, bytes.length)).toBe(bytes.length);
  });

  it('agrees with String.prototype.trim on the decoded text for any bytes (property)', () => {
    fc.assert(
      fc.property(trickyBytes(12), (bytes) => {
        expect(trimmed(bytes)).toBe(decode(bytes).trim());
      }),
      { numRuns: 3000 },
    );
  });

  it('trims only within the given range (property)', () => {
    fc.assert(
      fc.property(trickyBytes(4), trickyBytes(6), trickyBytes(4), (before, middle, after) => {
        const bytes = Buffer.concat([before, utf8('\n'), middle, utf8('\n'), after]);
        const start = before.length + 1;
        const end = start + middle.length;

        const first = trimStart(bytes, start, end);
        const last = trimEnd(bytes, first, end);

        expect(decode(bytes.subarray(first, last))).toBe(decode(middle).trim());
      }),
      { numRuns: 2000 },
    );
  });
});

describe('whitespaceLength', () => {
  it('says when the bytes end inside what may still become whitespace', () => {
    const lineSeparator = utf8('\u2028');

    expect(whitespaceLength(lineSeparator, 0, 1)).toBe(INCOMPLETE);
    expect(whitespaceLength(lineSeparator, 0, 2)).toBe(INCOMPLETE);
    expect(whitespaceLength(lineSeparator, 0, 3)).toBe(3);
  });

  it('knows a lead byte that starts no whitespace needs no more bytes', () => {
    const bytes = Buffer.from([0xe4, 0xb8]);

    expect(whitespaceLength(bytes, 0, 1)).toBe(0);
  });
});
