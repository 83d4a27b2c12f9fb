// A file written with carriage returns alone as line ends (classic Mac OS, some Windows tools) is one long line
// that is no JSON: rule 1 splits lines at \n only. The error or rejection says so, and which line.
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../../../functions/domain/reading/byte-record.js';
import { event, ids, read } from './read-export-fixture.js';

const HINT =
  'holds records separated by carriage returns alone (CR, as classic Mac OS ended lines); only a line feed (LF) ends a line: convert the line ends to LF or CRLF';

describe('readExport of lone carriage returns', () => {
  it('says which line holds records separated by CRs alone when no line is JSON, plain or gzipped', async () => {
    const text = `${event('m-1')}\r${event('m-2')}\r`;
    for (const content of [text, gzipSync(text)]) {
      const result = await read('mac.ndjson', content);
      expect(ids(result)).toEqual([]);
      expect(result.rejections).toEqual([]);
      expect(result.summaries[0]?.error).toBe(`no line is JSON: line 1 ${HINT}`);
    }
    const second = await read('mac.ndjson', `title\nnot json\r${event('m-1')}\r${event('m-2')}`);
    expect(second.summaries[0]?.error).toBe(`no line is JSON: line 2 ${HINT}`);
  });

  it('rejects such a line among JSON lines with the reason why', async () => {
    const text = [event('m-1'), `${event('m-2')}\r${event('m-3')}`, event('m-4')].join('\n');
    const result = await read('mixed.ndjson', text);
    expect(ids(result)).toEqual(['m:m-1', 'm:m-4']);
    expect(result.rejections.map(({ position, reason }) => [position, reason])).toEqual([
      [2, expect.stringMatching(new RegExp(`^invalid JSON: .*; the line ${literal(HINT)}$`))],
    ]);
    expect(result.summaries[0]?.error).toBeUndefined();
  });

  it('says it of a line too long to read whose first bytes show it', async () => {
    const line = event('m-0', { pad: 'x'.repeat(100) });
    const many = Array.from({ length: Math.ceil(MAX_RECORD_BYTES / line.length) + 1 }, () => line);
    const result = await read('big-mac.ndjson', many.join('\r'));
    expect(result.rejections.map(({ position, reason }) => [position, reason])).toEqual([
      [
        1,
        expect.stringMatching(
          new RegExp(`^record too long \\(\\d+ bytes; at most \\d+\\); the line ${literal(HINT)}$`),
        ),
      ],
    ]);
  });

  it('leaves CRLF line ends, a CR inside a line that is not JSON and a CR-only CSV as they were', async () => {
    const crlf = await read('win.ndjson', `${event('m-1')}\r\n${event('m-2')}\r\n`);
    expect(ids(crlf)).toEqual(['m:m-1', 'm:m-2']);
    const csv = await read('mac.csv', 'a,b\rc,d\r');
    expect(csv.summaries[0]?.error).toBe('no line is JSON');
    const text = [event('m-1'), 'not\rjson'].join('\n');
    const odd = await read('odd.ndjson', text);
    expect(odd.rejections[0]?.reason).not.toContain('carriage');
  });

  it('makes such a ZIP member a file error rather than skip it as holding no events', async () => {
    const zip = zipSync({
      'mac.ndjson': Buffer.from(`${event('m-1')}\r${event('m-2')}\r`),
      'README.txt': Buffer.from('exported\rby hand\r'),
      'ok.ndjson': Buffer.from(`${event('m-3')}\n`),
    });
    const result = await read('export.zip', zip);
    expect(ids(result)).toEqual(['m:m-3']);
    expect(result.summaries.map(({ file, error, skipped }) => ({ file, error, skipped }))).toEqual([
      { file: 'export.zip!mac.ndjson', error: `no line is JSON: line 1 ${HINT}`, skipped: undefined },
      {
        file: 'export.zip!README.txt',
        error: undefined,
        skipped: 'holds no events of any export format',
      },
      { file: 'export.zip!ok.ndjson', error: undefined, skipped: undefined },
    ]);
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
