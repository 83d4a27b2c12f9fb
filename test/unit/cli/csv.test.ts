import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../../cli/options.js';
import { csvCell, csvHeader, csvRow, GUARDED_START } from '../../../cli/output/csv.js';
import { escapeControl } from '../../../contract/visible-text.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';

/** Every cell through the whole escaping, as before the fast path for plain cells. */
function escapedCell(value: string): string {
  let cell = value.split('\n').map(escapeControl).join('\n');
  if (GUARDED_START.test(cell)) cell = `'${cell}`;
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    // After white space, which some spreadsheets trim, and in full width, which a Japanese-locale Excel reads.
    [' =1+1', "' =1+1"],
    ['\u00a0=1+1', "'\u00a0=1+1"],
    ['\u3000@SUM(A1)', "'\u3000@SUM(A1)"],
    ['\uff1d1+1', "'\uff1d1+1"],
    ['\uff0b1', "'\uff0b1"],
    ['\uff0d1', "'\uff0d1"],
    ['\uff20SUM(A1)', "'\uff20SUM(A1)"],
  ])('guards %j, which a spreadsheet would run as a formula', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("keeps a value that starts with ' apart from a guarded one: one leading ' taken off gives each back", () => {
    expect([csvCell('-1'), csvCell("'-1"), csvCell("'"), csvCell("it's")]).toEqual([
      "'-1",
      "''-1",
      "''",
      "it's",
    ]);
  });

  it('guards text only: numbers and booleans are written as they are', () => {
    expect([csvCell(-1), csvCell(0.5), csvCell(true)]).toEqual(['-1', '0.5', 'true']);
  });

  it('quotes cells with commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=a,"b"')).toBe(`"'=a,""b"""`);
  });

  it('shows other control characters as visible escapes, so none reaches a terminal', () => {
    expect(csvCell('\u001b[2Jx\u0000')).toBe('\\x1b[2Jx\\x00');
    expect(csvCell('a\r\nb')).toBe('"a\\r\nb"');
    // A leading tab, which a spreadsheet could read as a formula start, is text once escaped.
    expect(csvCell('\t=1')).toBe('\\t=1');
    // A right-to-left override would show the id reversed and reorder the cells after it.
    expect(csvCell('a\u202eevil')).toBe('a\\u202eevil');
    // A backslash is doubled, so a tab and the text \t are two cells.
    expect(csvCell('a\tb')).toBe('a\\tb');
    expect(csvCell('a\\tb')).toBe('a\\\\tb');
  });

  it('keeps only the line feed raw among line breaks, as README.md and --help say', () => {
    const kept = ['\n', '\r', '\u2028', '\u2029', '\u0085', '\u000b', '\u000c'].filter((char) =>
      csvCell(`a${char}b`).includes(char),
    );
    expect(kept).toEqual(['\n']);
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('Control characters other than the line feed show as escapes');
    expect(USAGE.replace(/\s+/g, ' ')).toContain(
      'control characters other than the line feed show as escapes',
    );
  });

  it('writes a plain cell as the whole escaping would', () => {
    const awkward = fc.constantFrom(
      '=',
      '+',
      '-',
      '@',
      '\t',
      '\r',
      '\n',
      '"',
      ',',
      '\u0000',
      '\u001f',
      '\u007f',
      '\u0085',
      '\u009f',
      '\u00a0',
      ' ',
      '\u3000',
      '\uff1d',
      '\uff0b',
      '\uff0d',
      '\uff20',
      '\u2028',
      '\u2029',
      '\u202e',
      '\u2066',
      '\u200f',
      '\u061c',
      '\u200b',
      '\ufeff',
      '\uffa0',
      '\ud800',
      '\udc00',
      'é',
      '😀',
      "'",
    );
    const text = fc
      .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), awkward), { maxLength: 8 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (value) => {
        expect(csvCell(value)).toBe(escapedCell(value));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('csvRow', () => {
  const T0 = Date.UTC(2024, 0, 1);
  const anonymousIdsCell = (anonymousIds: string[]) => {
    const view = toSessionView({
      userId: 'u',
      sessionId: 'x',
      sessionNumber: 1,
      startedAt: T0,
      endedAt: T0,
      eventCount: 1,
      pageViews: 0,
      entryPage: null,
      exitPage: null,
      campaign: null,
      anonymousIds,
      bounce: true,
      device: null,
      firstEvent: 'a',
      lastEvent: 'a',
    });
    const column = csvHeader().trim().split(',').indexOf('anonymousIds');
    const cells = csvRow(view)
      .trim()
      .match(/("(?:[^"]|"")*"|[^,]*)(,|$)/g) as string[];
    return cells[column]?.replace(/,$/, '');
  };

  it('writes anonymousIds as a JSON array, so ids holding spaces or commas stay told apart', () => {
    const cells = [['a b', 'c'], ['a', 'b c'], ['a', 'b', 'c'], ['a,b']].map(anonymousIdsCell);
    expect(cells).toEqual(['"[""a b"",""c""]"', '"[""a"",""b c""]"', '"[""a"",""b"",""c""]"', '"[""a,b""]"']);
    expect(anonymousIdsCell([])).toBe('');
  });

  it('escapes the JSON array once, so that it parses back to the ids, and shows no control raw', () => {
    const ids = ['a\tb', 'c\\d', 'e\u001bf', 'g\u202eh', 'i\u0085j', 'k\u2028l', 'm\ud800n', '😀\u200d👍'];
    const cell = anonymousIdsCell(ids) as string;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may show raw
    expect(cell).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u202e]|\\\\t/);
    expect(JSON.parse(cell.slice(1, -1).replace(/""/g, '"'))).toEqual(ids);
    expect(cell).toContain('a\\tb');
  });
});
