import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { NOT_AN_EXPORT } from '../../../../functions/domain/reading/read-export.js';
import { AT, event, ids, read } from './read-export-fixture.js';

describe('readExport', () => {
  it('reads NDJSON: events with their record and line, rejections with line and reason', async () => {
    const text = [event('m-1'), '', 'not json', '  ', event('m-2'), '[1,2]', '{"type":"track"}'].join('\n');
    const result = await read('a.ndjson', text);
    expect(ids(result)).toEqual(['m:m-1', 'm:m-2']);
    expect(result.events.map(({ position }) => position)).toEqual([
      { file: 'a.ndjson', record: 1, line: 1 },
      { file: 'a.ndjson', record: 3, line: 5 },
    ]);
    expect(result.rejections.map(({ position, reason }) => [position, reason])).toEqual([
      [3, expect.stringMatching(/^invalid JSON: /)],
      [6, 'not a JSON object (got an array)'],
      [7, 'missing timestamp; no identity: userId and anonymousId are both missing or empty'],
    ]);
    expect(result.rejections[0]?.raw).toBe('not json');
    expect(result.summaries).toEqual([
      {
        file: 'a.ndjson',
        format: 'segment',
        container: 'ndjson',
        compression: 'none',
        records: 5,
        accepted: 2,
        rejected: 3,
      },
    ]);
  });

  it('reads events nested at any depth: their content ids and rejection reasons walk them whole', async () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    // No messageId, so the content id walks `properties` to its bottom.
    const base = JSON.stringify({ type: 'track', userId: 'u-1', timestamp: AT });
    const withDepth = (levels: number) => `${base.slice(0, -1)},"properties":{"d":${nested(levels)}}}`;
    const deepType = `{"type":${nested(50_000)},"userId":"u-1","timestamp":"${AT}"}`;
    const text = [withDepth(513), withDepth(50_000), withDepth(50_001), deepType, event('m-2')].join('\n');

    const result = await read('a.ndjson', text);

    const contentIds = ids(result).slice(0, 3);
    expect(contentIds).toEqual(Array(3).fill(expect.stringMatching(/^h:[0-9a-f]{64}$/)));
    expect(new Set(contentIds).size).toBe(3);
    expect(ids(result)[3]).toBe('m:m-2');
    expect(result.rejections.map(({ position, reason }) => [position, reason])).toEqual([
      [4, `unknown type ${'['.repeat(57)}... (expected one of identify, track, page, screen, group, alias)`],
    ]);
  });

  it('reads Windows line ends and lines padded with BOM, no-break space or U+2028 as JSON', async () => {
    const text = `\ufeff${event('m-1')}\r\n\u00a0${event('m-2')}\u2028\r\n\u3000\r\n${event('m-3')}`;
    const result = await read('a.ndjson', text, { chunkSize: 7 });
    expect(ids(result)).toEqual(['m:m-1', 'm:m-2', 'm:m-3']);
    expect(result.events.map(({ position }) => position.line)).toEqual([1, 2, 4]);
  });

  it('reads a JSON array, giving each element its index and the line it starts on', async () => {
    const text = `[\n  ${event('m-1')},\n  42,\n\n  ${event('m-2')}\n]\n`;
    const result = await read('a.json', text, { chunkSize: 5 });
    expect(result.events.map(({ position }) => position)).toEqual([
      { file: 'a.json', record: 1, line: 2, index: 1 },
      { file: 'a.json', record: 3, line: 5, index: 3 },
    ]);
    expect(result.rejections).toEqual([
      { file: 'a.json', position: 3, index: 2, reason: 'not a JSON object (got 42)', raw: '42' },
    ]);
    expect(result.summaries[0]).toMatchObject({ container: 'json-array', records: 3 });
  });

  it('quotes a line that is a number past the range of a double (1e400) as Infinity, not as null', async () => {
    const result = await read(
      'a.ndjson',
      `${event('m-1')}\n1e400\n-1E999\n{"type":1e400,"userId":"u","timestamp":"${AT}"}\n`,
    );
    expect(result.rejections.map(({ reason }) => reason)).toEqual([
      'not a JSON object (got Infinity)',
      'not a JSON object (got -Infinity)',
      'unknown type Infinity (expected one of identify, track, page, screen, group, alias)',
    ]);
  });

  it('reports an empty JSON array as a JSON array with no records', async () => {
    const result = await read('empty.json', ' [ ]\n');
    expect(result.summaries).toEqual([
      expect.objectContaining({ container: 'json-array', records: 0, accepted: 0, rejected: 0 }),
    ]);
    expect(result.summaries[0]?.error).toBeUndefined();
  });

  it('reads gzip by its magic bytes, whatever the name', async () => {
    const result = await read('export.txt', gzipSync(`${event('m-1')}\n${event('m-2')}\n`), {
      chunkSize: 10,
    });
    expect(ids(result)).toEqual(['m:m-1', 'm:m-2']);
    expect(result.summaries[0]).toMatchObject({ compression: 'gzip', container: 'ndjson', accepted: 2 });
  });

  it('calls a file with no JSON line at all not an export: one error, 0 rejected, no rejections', async () => {
    const result = await read('report.csv', 'user,time\nu-1,09:00\nu-2,09:05\n');
    expect(result.rejections).toEqual([]);
    expect(result.summaries).toEqual([
      expect.objectContaining({
        file: 'report.csv',
        error: NOT_AN_EXPORT,
        rejected: 0,
        accepted: 0,
        records: 3,
      }),
    ]);
  });

  it('calls a cut-short gzip with no JSON line not an export either: where it stopped, 0 rejected', async () => {
    const csv = Array.from({ length: 200 }, (_, i) => `u-${i},2024-01-01 09:00,page`).join('\n');
    const gzip = gzipSync(csv);
    const result = await read('report.csv.gz', gzip.subarray(0, gzip.length >> 1));
    expect(result.rejections).toEqual([]);
    expect(result.summaries).toEqual([
      expect.objectContaining({ file: 'report.csv.gz', compression: 'gzip', rejected: 0, accepted: 0 }),
    ]);
    expect(result.summaries[0]?.error).toMatch(/; reading stopped after line \d+; no line is JSON$/);
  });

  it('rejects the garbage lines of a cut-short gzip once a JSON line shows it is an export', async () => {
    const gzip = gzipSync(
      ['garbage 1', 'garbage 2', event('m-1'), ...Array(400).fill(event('m-2'))].join('\n'),
    );
    const result = await read('export.ndjson.gz', gzip.subarray(0, gzip.length - 8));
    expect(result.rejections.map((rejection) => rejection.position)).toEqual([1, 2]);
    expect(ids(result)[0]).toBe('m:m-1');
    expect(result.summaries[0]?.error).toMatch(/reading stopped after line \d+$/);
  });

  it('says after which element a cut-short gzip of a pretty-printed array stopped, and its line', async () => {
    const pretty = JSON.stringify(
      Array.from({ length: 400 }, (_, i) => JSON.parse(event(`m-${i}`))),
      null,
      2,
    );
    const gzip = gzipSync(pretty);
    const result = await read('export.json.gz', gzip.subarray(0, gzip.length >> 1));
    const kept = result.events.at(-1)?.position;
    expect(kept?.index).toBe(result.events.length);
    expect(result.summaries[0]?.error).toMatch(
      new RegExp(`reading stopped after element ${kept?.index} \\(which starts on line ${kept?.line}\\)$`),
    );
  });

  it('rejects every garbage line before the first JSON line, however many', async () => {
    const garbage = Array.from({ length: 250 }, (_, i) => `garbage ${i}`);
    const result = await read('a.ndjson', [...garbage, event('m-1')].join('\n'), { chunkSize: 100 });
    expect(result.rejections).toHaveLength(250);
    expect(result.rejections.map((rejection) => rejection.position)).toEqual(garbage.map((_, i) => i + 1));
    expect(ids(result)).toEqual(['m:m-1']);
    expect(result.summaries[0]).toMatchObject({ rejected: 250, accepted: 1 });
    expect(result.summaries[0]?.error).toBeUndefined();
  });

  it('counts a file of blank lines as empty, not as an error', async () => {
    const result = await read('empty.ndjson', '\n  \n\ufeff\n');
    expect(result.summaries[0]?.records).toBe(0);
    expect(result.summaries[0]?.error).toBeUndefined();
  });

  it('refuses a gzip of a gzip as a file error, and skips such a member of a ZIP archive', async () => {
    const twice = gzipSync(gzipSync(`${event('m-1')}\n`));
    const alone = await read('export.json.gz', twice);
    expect(alone.summaries).toEqual([
      expect.objectContaining({
        file: 'export.json.gz',
        compression: 'gzip',
        error: 'the gzip data holds gzip data again; not unpacked',
      }),
    ]);
    const zipped = await read(
      'export.zip',
      zipSync({ 'twice.json.gz': twice, 'a.ndjson': Buffer.from(event('m-2')) }),
    );
    expect(zipped.summaries).toEqual([
      expect.objectContaining({
        file: 'export.zip!twice.json.gz',
        compression: 'gzip',
        skipped: 'the gzip data holds gzip data again; not unpacked',
      }),
      expect.objectContaining({ file: 'export.zip!a.ndjson', accepted: 1 }),
    ]);
    expect(zipped.summaries[0]?.error).toBeUndefined();
  });

  it('keeps the complete records of a truncated gzip and says where reading stopped', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => event(`m-${i}`, { properties: { n: i * 7919 } }));
    const whole = gzipSync(lines.join('\n'));
    const result = await read('cut.ndjson.gz', whole.subarray(0, Math.floor(whole.length * 0.6)), {
      chunkSize: 512,
    });
    const kept = result.events.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(400);
    expect(ids(result)).toEqual(lines.slice(0, kept).map((_, i) => `m:m-${i}`));
    expect(result.rejections).toEqual([]);
    expect(result.summaries[0]?.error).toBe(
      `gzip data ends early (truncated file); reading stopped after line ${kept}`,
    );
    expect(result.summaries[0]).toMatchObject({ accepted: kept, records: kept, rejected: 0 });
  });

  // Stored (uncompressed) deflate: a cut at a chosen byte of the text, as a truncated upload could make.
  const storedGzipCut = (text: string, keep: number) =>
    gzipSync(text, { level: 0 }).subarray(0, 10 + 5 + keep);

  it('keeps the last line of a truncated gzip when it is whole JSON, as a file ending there would', async () => {
    const text = [event('m-1'), event('m-2'), event('m-3')].join('\n');
    const whole = await read('cut.ndjson.gz', storedGzipCut(text, text.length));
    expect(ids(whole)).toEqual(['m:m-1', 'm:m-2', 'm:m-3']);
    expect(whole.summaries[0]?.error).toBe(
      'gzip data ends early (truncated file); reading stopped after line 3',
    );

    // Cut inside the last line (here just before its closing brace, after a closing quote): neither an event
    // nor a rejection, and reading stopped after the line before it.
    const cut = await read('cut.ndjson.gz', storedGzipCut(text, text.length - 1));
    expect(ids(cut)).toEqual(['m:m-1', 'm:m-2']);
    expect(cut.rejections).toEqual([]);
    expect(cut.summaries[0]?.error).toBe(
      'gzip data ends early (truncated file); reading stopped after line 2',
    );
  });

  it('keeps the last element of a JSON array in a truncated gzip when its value closed', async () => {
    const text = `[${event('m-1')},${event('m-2')}`;
    const result = await read('cut.json.gz', storedGzipCut(text, text.length));
    expect(ids(result)).toEqual(['m:m-1', 'm:m-2']);
    expect(result.summaries[0]?.error).toMatch(/^gzip data ends early \(truncated file\)/);
  });

  it('says so when a gzip breaks before its first complete record', async () => {
    const whole = gzipSync(event('m-1').repeat(50));
    const result = await read('cut.ndjson.gz', whole.subarray(0, 20));
    expect(result.events).toEqual([]);
    expect(result.summaries[0]?.error).toBe(
      'gzip data ends early (truncated file); reading stopped before the first complete record',
    );
  });

  it('keeps the complete elements of a JSON array that breaks off', async () => {
    const text = `[\n${event('m-1')},\n${event('m-2')},\n{"type":"track","userId":"u-1","times`;
    const result = await read('broken.json', text, { chunkSize: 16 });
    expect(ids(result)).toEqual(['m:m-1', 'm:m-2']);
    expect(result.rejections).toEqual([]);
    expect(result.summaries[0]?.error).toMatch(/^unterminated JSON array.*; reading stopped at line 4$/);
    expect(result.summaries[0]).toMatchObject({ accepted: 2, records: 2 });
  });

  it('keeps the last element of a JSON array the file ends after, when that element is a whole object', async () => {
    for (const tail of ['', '\n', '}']) {
      const text = `[\n${event('m-1')},\n${event('m-2')}${tail}`;
      const result = await read('cut.json', text, { chunkSize: 16 });
      expect(ids(result), tail).toEqual(['m:m-1', 'm:m-2']);
      expect(result.rejections).toEqual([]);
      expect(result.summaries[0]).toMatchObject({ accepted: 2, records: 2 });
      expect(result.summaries[0]?.error).toMatch(
        tail === '}' ? /^JSON array element 2 is followed by text/ : /^unterminated JSON array/,
      );
    }
  });

  it.each([
    [
      'an element that is not JSON',
      `[\n${event('m-1')},\n{"type":"track","userId":01},\n${event('m-3')}\n]`,
      /^JSON array element 2 is invalid JSON: .*; reading stopped at line 3$/,
    ],
    [
      'an empty element',
      `[\n${event('m-1')},\n,\n${event('m-3')}\n]`,
      /^JSON array with an empty element .*; reading stopped at line 3$/,
    ],
    [
      'text after the closing bracket',
      `[\n${event('m-1')}\n]\n${event('m-3')}\n`,
      /^text after the closing "\]" of the JSON array; reading stopped at line 4$/,
    ],
  ])('stops at %s: the elements before it count, nothing after it is read', async (_what, text, error) => {
    const result = await read('broken.json', text, { chunkSize: 16 });
    expect(ids(result)).toEqual(['m:m-1']);
    expect(result.rejections).toEqual([]);
    expect(result.summaries[0]?.error).toMatch(error);
    expect(result.summaries[0]).toMatchObject({
      container: 'json-array',
      accepted: 1,
      records: 1,
      rejected: 0,
    });
  });

  it('stops after the complete element before a missing comma: reading a JSON array goes value by value', async () => {
    const result = await read('broken.json', `[\n${event('m-1')},\n${event('m-2')}\n  ${event('m-3')}\n]`);
    expect(ids(result)).toEqual(['m:m-1', 'm:m-2']);
    expect(result.rejections).toEqual([]);
    expect(result.summaries[0]?.error).toBe(
      'JSON array element 2 is followed by text that is not a comma or "]"; reading stopped at line 4',
    );
    expect(result.summaries[0]).toMatchObject({ accepted: 2, records: 2 });
  });

  it.each([
    ['text', 'x'],
    ['a space and text', ' x'],
    ['a string', '"ab'],
    ['a number', '0'],
    ['a literal', 'tru'],
    ['an object', '{"b'],
  ])(
    'keeps the complete element that %s after it breaks, when the file ends there too',
    async (_what, tail) => {
      const result = await read('broken.json', `[\n${event('m-1')},\n${event('m-2')}${tail}`, {
        chunkSize: 16,
      });
      expect(ids(result)).toEqual(['m:m-1', 'm:m-2']);
      expect(result.rejections).toEqual([]);
      expect(result.summaries[0]?.error).toBe(
        'JSON array element 2 is followed by text that is not a comma or "]"; reading stopped at line 3',
      );
      expect(result.summaries[0]).toMatchObject({ accepted: 2, records: 2 });
    },
  );

  it.each([
    ['an open object', '{"type":"track"'],
    ['a number that may go on', '12'],
    ['an open string', '"ab'],
  ])('counts %s the file ends inside as neither an event nor a rejection', async (_what, tail) => {
    const result = await read('broken.json', `[\n${event('m-1')},\n${tail}`, { chunkSize: 16 });
    expect(ids(result)).toEqual(['m:m-1']);
    expect(result.rejections).toEqual([]);
    expect(result.summaries[0]?.error).toMatch(/^unterminated JSON array: .*; reading stopped at line 3$/);
    expect(result.summaries[0]).toMatchObject({ accepted: 1, records: 1, rejected: 0 });
  });

  it('stops at a broken first element with a file error, not as a file that holds no JSON', async () => {
    const result = await read('broken.json', `[{"type":"track","userId":"u-1",}]`);
    expect(result.events).toEqual([]);
    expect(result.summaries[0]?.error).toMatch(
      /^JSON array element 1 is invalid JSON: .*; reading stopped at line 1$/,
    );
    expect(result.summaries[0]).toMatchObject({ records: 0, rejected: 0 });
  });

  it('lets the first JSON object decide the format, not the lines before it', async () => {
    const posthog = JSON.stringify({ event: 'x', distinct_id: 'd-1', uuid: 'p-1', timestamp: AT });
    const result = await read('a.ndjson', ['garbage', '42', posthog, event('m-1')].join('\n'));
    expect(result.summaries[0]?.format).toBe('posthog');
    expect(ids(result)).toEqual(['m:p-1']);
    expect(result.rejections.map((rejection) => rejection.position)).toEqual([1, 2, 4]);
  });

  it('applies an explicitly named format to every file without looking', async () => {
    const result = await read('a.ndjson', event('m-1'), { format: 'posthog' });
    expect(result.summaries[0]?.format).toBe('posthog');
    // A Segment line read as PostHog: PostHog's timestamp member is there, its identity members are not.
    expect(result.rejections[0]?.reason).toBe(
      'no identity: distinct_id and properties.$device_id are both missing or empty',
    );
  });

  it('keeps the raw text of a rejected event whole', async () => {
    const line = `{"type":"track","userId":"u-1","timestamp":"soon","note":"${'x'.repeat(5000)}"}`;
    const result = await read('a.ndjson', line);
    expect(result.rejections[0]?.raw).toBe(line);
  });

  it('says which format a file looks like when every record was rejected in the named one', async () => {
    const mixpanel = JSON.stringify({
      event: 'Clicked',
      properties: { time: 1704099600, distinct_id: 'u-1' },
    });
    const misplaced = await read('a.ndjson', `${mixpanel}\n${mixpanel}\n`, { format: 'segment' });
    expect(misplaced.summaries[0]).toMatchObject({ accepted: 0, rejected: 2, looksLike: 'mixpanel' });

    // Some records fit, or the rejected ones show the named format (a bad type): the format is right.
    const mixed = await read('b.ndjson', `${mixpanel}\n${event('m-1')}\n`, { format: 'segment' });
    const badType = await read('c.ndjson', `${event('m-1', { type: 'click' })}\n`, { format: 'segment' });
    const auto = await read('d.ndjson', `${mixpanel}\n`);
    for (const result of [mixed, badType, auto]) expect(result.summaries[0]?.looksLike).toBeUndefined();
  });
});
