import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sniffTextEncoding } from '../../../functions/domain/reading/text-encoding.js';
import { bytesOf, chunked, readExport, zipWithSizes } from './archives.js';

const json = '{"type":"track","event":"Sign up","userId":"42"}\n{"type":"page","name":"ホーム"}\n';
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function utf16(text: string, order: 'LE' | 'BE'): Uint8Array {
  const bytes = Buffer.from(text, 'utf16le');
  return order === 'LE' ? bytes : bytes.swap16();
}

function utf32(text: string, order: 'LE' | 'BE'): Uint8Array {
  const codePoints = [...text].map((character) => character.codePointAt(0) ?? 0);
  const bytes = Buffer.alloc(codePoints.length * 4);
  codePoints.forEach((codePoint, index) => {
    if (order === 'LE') bytes.writeUInt32LE(codePoint, index * 4);
    else bytes.writeUInt32BE(codePoint, index * 4);
  });
  return bytes;
}

const withMark = (mark: readonly number[], bytes: Uint8Array) => Buffer.concat([Buffer.from(mark), bytes]);

describe('sniffTextEncoding', () => {
  it.each([
    ['UTF-16LE', 'FF FE', withMark([0xff, 0xfe], utf16(json, 'LE'))],
    ['UTF-16BE', 'FE FF', withMark([0xfe, 0xff], utf16(json, 'BE'))],
    ['UTF-32LE', 'FF FE 00 00', withMark([0xff, 0xfe, 0, 0], utf32(json, 'LE'))],
    ['UTF-32BE', '00 00 FE FF', withMark([0, 0, 0xfe, 0xff], utf32(json, 'BE'))],
  ])('recognises %s by its byte-order mark', (encoding, mark, bytes) => {
    expect(sniffTextEncoding(bytes)).toEqual({ encoding, evidence: `byte-order mark ${mark}` });
  });

  it.each([
    ['UTF-16LE', utf16(json, 'LE')],
    ['UTF-16BE', utf16(json, 'BE')],
    ['UTF-32LE', utf32(json, 'LE')],
    ['UTF-32BE', utf32(json, 'BE')],
    ['UTF-16LE', utf16('{}', 'LE')],
  ])('recognises %s without a byte-order mark by its NUL padding', (encoding, bytes) => {
    expect(sniffTextEncoding(bytes)).toEqual({
      encoding,
      evidence: 'no byte-order mark, but NUL bytes pad most characters',
    });
  });

  it.each([
    ['plain UTF-8', bytesOf(json), 0],
    ['UTF-8 with a byte-order mark', withMark(UTF8_BOM, bytesOf(json)), 3],
    ['a tiny file', bytesOf('{}'), 0],
    ['an empty file', new Uint8Array(0), 0],
    ['text in a non-Latin script', bytesOf('{"name":"東京都渋谷区の店舗一覧ページを表示しました"}'), 0],
  ])('reads %s as UTF-8', (_name, bytes, byteOrderMarkLength) => {
    expect(sniffTextEncoding(bytes)).toEqual({ encoding: 'UTF-8', byteOrderMarkLength });
  });
});

describe('byte-order marks in exports', () => {
  it('are removed from plain, gzipped and zipped files, even when the mark spans chunks', async () => {
    const marked = withMark(UTF8_BOM, bytesOf(json));
    const archive = zipWithSizes([
      { path: 'a.json', content: marked },
      { path: 'b.json.gz', content: gzipSync(marked) },
    ]);

    const texts = await Promise.all(
      [marked, gzipSync(marked), archive].map(async (bytes) =>
        (await readExport('export', chunked(bytes, [1, 2, 50]))).members.map((member) => member.text),
      ),
    );

    expect(texts).toEqual([[json], [json], [json, json]]);
  });

  it('of UTF-16 leave the bytes as they are and name the encoding, for the reader to word its error', async () => {
    const wide = withMark([0xff, 0xfe], utf16(json, 'LE'));

    const outcome = await readExport('events.json', chunked(wide));

    expect(outcome.members).toHaveLength(1);
    expect(outcome.members[0]?.error).toBeUndefined();
    expect(outcome.members[0]?.text).toBe(Buffer.from(wide).toString('utf8'));
    expect(outcome.members[0]?.wideEncoding).toEqual({
      encoding: 'UTF-16LE',
      evidence: 'byte-order mark FF FE',
    });
  });

  it('of UTF-16, or its NUL padding without one, are told member by member inside an archive', async () => {
    const archive = zipWithSizes([
      { path: 'wide.json', content: utf16(json, 'BE') },
      { path: 'narrow.json', content: bytesOf(json) },
    ]);

    const outcome = await readExport('export.zip', chunked(archive));

    expect(
      outcome.members.map(({ name, text, wideEncoding }) => [name, text === json, wideEncoding]),
    ).toEqual([
      [
        'export.zip!wide.json',
        false,
        { encoding: 'UTF-16BE', evidence: 'no byte-order mark, but NUL bytes pad most characters' },
      ],
      ['export.zip!narrow.json', true, undefined],
    ]);
  });
});
