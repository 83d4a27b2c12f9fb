import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../cli/output/csv.js';

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
  ])('guards %j, which a spreadsheet would run as a formula', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
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
  });
});
