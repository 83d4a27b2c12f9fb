/**
 * Where a reason says a text is not JSON, it names the place by the file's 1-based line and column (columns
 * in characters), as an editor shows it, never by JSON.parse's 0-based position in the record's text.
 */
import { describe, expect, it } from 'vitest';
import { event, read } from './read-export-fixture.js';

/** The 1-based line and column of the `§` in `text`, read off its lines. */
function placeOf(text: string): string {
  const lines = text.slice(0, text.indexOf('§')).split('\n');
  return `line ${lines.length}, column ${[...(lines.at(-1) as string)].length + 1}`;
}

/** The text read: `§` marks the first character that breaks the JSON, a stray `stray`. */
const bytesOf = (text: string, stray = ']') => text.replace('§', stray);

const CHUNK_SIZES = [1, 5, 16, 1 << 16];

describe('readExport names where a text is not JSON by line and column', () => {
  it.each([
    ['a one-line array', `[${JSON.stringify('m-1')},  {"type":"track","u":1,§}]`],
    ['a one-line array after wider characters', `  ["é😀 ",{"type":"track","u":1,§}]`],
    ['a pretty-printed array', `[\n  2,\n  {\n    "type": "track",\n    "u": 1,\n    §\n  }\n]`],
    ['an array that opens after blank lines', `\n\n \t[ 1, {"type":"track","u":1,§}]`],
    ['an array with a stray letter', `[\n  2, {"type":"track",\n  "u":§}]`, 'x'],
  ])('in the file error of %s', async (_what, text, stray = ']') => {
    for (const chunkSize of CHUNK_SIZES) {
      const result = await read('broken.json', bytesOf(text, stray), { chunkSize });
      const error = result.summaries[0]?.error;
      expect(error, `chunks of ${chunkSize}`).toMatch(/^JSON array element 2 is invalid JSON: /);
      expect(error, `chunks of ${chunkSize}`).toContain(` at ${placeOf(text)}; reading stopped at line `);
    }
  });

  it('counting a byte that is no UTF-8 as the one U+FFFD an editor shows for it', async () => {
    // Each invalid sequence is as many U+FFFD as a UTF-8 decoder gives (its maximal subparts).
    const invalid = [
      [0x80, 0xbf], // continuation bytes with no lead
      [0xe9, 0x41], // a Latin-1 é before an ASCII letter
      [0xc0, 0x80], // an overlong NUL
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate
      [0xff, 0xfe],
      [0xc3, 0xa9, 0xa9], // é and a continuation byte too many
      [0xf0, 0x9f, 0x98], // an emoji cut short
    ];
    for (const sequence of invalid) {
      const before = Buffer.concat([
        Buffer.from('["'),
        Buffer.from(sequence),
        Buffer.from('",{"type":"track","u":1,'),
      ]);
      const bytes = Buffer.concat([before, Buffer.from(']}]')]);
      const place = placeOf(`${new TextDecoder().decode(before)}§`);
      for (const chunkSize of CHUNK_SIZES) {
        const result = await read('broken.json', bytes, { chunkSize });
        expect(
          result.summaries[0]?.error,
          `${Buffer.from(sequence).toString('hex')} in chunks of ${chunkSize}`,
        ).toContain(` at ${place}; reading stopped at line `);
      }
    }
  });

  it('in the rejection of an NDJSON line, which may start after white space', async () => {
    const bad = '{"type":"track","é😀":1,§';
    const text = [event('m-1'), '', `  \u00a0${bad}`].join('\n');
    for (const chunkSize of CHUNK_SIZES) {
      const result = await read('day.ndjson', bytesOf(text), { chunkSize });
      expect(result.rejections.map(({ position }) => position)).toEqual([3]);
      expect(result.rejections[0]?.reason).toBe(
        `invalid JSON: Expected double-quoted property name in JSON at ${placeOf(text)}`,
      );
    }
  });
});
