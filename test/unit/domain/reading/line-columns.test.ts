/**
 * Columns count characters as a UTF-8 decoder gives them (TextDecoder, and an editor): a byte sequence that
 * is no UTF-8 is as many U+FFFD as its maximal parts, in whatever chunks the file comes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { characters, LineColumns } from '../../../../functions/domain/reading/line-columns.js';

const decodedLength = (bytes: Uint8Array) => [...new TextDecoder().decode(bytes)].length;

/** Bytes mostly of UTF-8's lead and continuation ranges, valid or not, with some text and line feeds. */
const mixedBytes = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x80, max: 0xff }),
      fc.constantFrom(0x41, 0x0a),
      fc.string({ unit: 'binary', maxLength: 3 }).map((text) => [...Buffer.from(text)]),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Buffer.from(parts.flat()));

describe('characters', () => {
  it('counts what TextDecoder decodes, invalid sequences as U+FFFD each', () => {
    fc.assert(
      fc.property(mixedBytes, (bytes) => {
        expect(characters(bytes, 0, bytes.length)).toBe(decodedLength(bytes));
      }),
    );
  });
});

describe('LineColumns', () => {
  it('gives the column an editor shows, in any chunking', () => {
    fc.assert(
      fc.property(mixedBytes, fc.integer({ min: 1, max: 8 }), (body, chunkSize) => {
        // A position asked is where a JSON token would be: an ASCII byte.
        const bytes = Buffer.concat([body, Buffer.from('x')]);
        const columns = new LineColumns(1);
        for (let from = 0; from < bytes.length; from += chunkSize) {
          const chunk = bytes.subarray(0, Math.min(from + chunkSize, bytes.length));
          columns.startChunk(chunk, from);
          if (chunk.length === bytes.length) {
            const lineStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
            const expected = decodedLength(bytes.subarray(lineStart, bytes.length - 1)) + 1;
            expect(columns.columnAt(chunk, bytes.length - 1)).toBe(expected);
          } else columns.columnAt(chunk, chunk.length);
        }
      }),
    );
  });
});
