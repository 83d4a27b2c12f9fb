import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth, tableCell } from '../../../cli/terminal-text.js';
import { escapeControl } from '../../../contract/visible-text.js';

describe('escapeControl', () => {
  it('shows C0, DEL, C1 and the line separators as visible escapes', () => {
    expect(escapeControl('a\u0000b\u001b[2J\n\r\t\u007f\u009b\u2028\u2029')).toBe(
      'a\\x00b\\x1b[2J\\n\\r\\t\\x7f\\x9b\\u2028\\u2029',
    );
  });

  it('shows the bidirectional controls as visible escapes, so no id reads reversed', () => {
    expect(escapeControl('a\u202eevil')).toBe('a\\u202eevil');
    expect(escapeControl('\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069')).toBe(
      '\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069',
    );
  });

  it('shows the Arabic letter mark, a bidirectional control too: `acct\\u061c 100 200` must not read `acct200 100`', () => {
    expect(escapeControl('acct\u061c 100 200')).toBe('acct\\u061c 100 200');
  });

  it('shows invisible characters, so that `admin\\u200b` and `admin` look like two users', () => {
    expect(escapeControl('admin\u200b')).toBe('admin\\u200b');
    expect(escapeControl('\u00ad\u180e\u2060\u2061\u2064\u3164\ufeff\uffa0')).toBe(
      '\\xad\\u180e\\u2060\\u2061\\u2064\\u3164\\ufeff\\uffa0',
    );
  });

  it('shows lone surrogates by their code, where a page shows each as the same replacement mark', () => {
    expect(escapeControl('\ud800x')).toBe('\\ud800x');
    expect(escapeControl('\ud801x')).toBe('\\ud801x');
    expect(escapeControl('/\udc00p0 \ud83d')).toBe('/\\udc00p0 \\ud83d');
  });

  it('doubles a backslash, so no text sent reads like an escape: NUL and the text \\x00 stay two ids', () => {
    expect(escapeControl('nul\u0000id')).toBe('nul\\x00id');
    expect(escapeControl('nul\\x00id')).toBe('nul\\\\x00id');
    expect(escapeControl('C:\\exports')).toBe('C:\\\\exports');
  });

  it('is one to one: the text shown reads back as the text sent, so two texts never show alike', () => {
    const named: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };
    const readBack = (shown: string) =>
      shown.replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt\\])/g, (_, code: string) =>
        code.length === 1 ? (named[code] as string) : String.fromCharCode(Number.parseInt(code.slice(1), 16)),
      );
    const unit = fc.constantFrom(
      'a',
      'x',
      'u',
      '0',
      '\\',
      '\u0000',
      '\n',
      '\t',
      '\u202e',
      '\ud800',
      '\udc00',
      '😀',
    );
    fc.assert(
      fc.property(fc.string({ unit }), (text) => {
        expect(readBack(escapeControl(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['\u200c', '\\u200c'],
    ['\u200d', '\\u200d'],
    ['\u034f', '\\u034f'],
    ['\ufe00', '\\ufe00'],
    ['\ufe0f', '\\ufe0f'],
    ['\u180b', '\\u180b'],
    ['\u17b4', '\\u17b4'],
    ['\ufff9', '\\ufff9'],
    ['\u115f', '\\u115f'],
    ['\u2065', '\\u2065'],
    ['\u{e0001}', '\\u{e0001}'],
    ['\u{e0061}', '\\u{e0061}'],
    ['\u{1bca0}', '\\u{1bca0}'],
  ])(
    'shows a default-ignorable %j after an id as an escape, so the id does not look like another',
    (char, shown) => {
      expect(escapeControl(`admin${char}`)).toBe(`admin${shown}`);
      expect(escapeControl(`adm${char}in`)).toBe(`adm${shown}in`);
    },
  );

  it('leaves printable text alone, non-ASCII, emoji sequences and joiners of scripts included', () => {
    expect(escapeControl('Zoë 😀 €5 \u00a0')).toBe('Zoë 😀 €5 \u00a0');
    expect(escapeControl('👩‍👩‍👧 🇫🇷 می‌خواهم')).toBe('👩‍👩‍👧 🇫🇷 می‌خواهم');
    // Emoji with presentation selectors and skin tones, a ZWJ after a selector, Devanagari with a ZWJ.
    expect(escapeControl('❤️ ❤️‍🔥 👍🏽 👨🏽‍💻 क्‍ष')).toBe('❤️ ❤️‍🔥 👍🏽 👨🏽‍💻 क्‍ष');
  });
});

describe('tableCell', () => {
  it('cuts a long cell to its width with an ellipsis, after escaping', () => {
    expect(tableCell('x'.repeat(5000), 40)).toBe(`${'x'.repeat(39)}…`);
    expect(tableCell('a\nb', 10)).toBe('a\\nb');
    expect(tableCell('\u001b'.repeat(10), 8)).toBe('\\x1b\\x1…');
    expect(tableCell('exactly8', 8)).toBe('exactly8');
  });
});

describe('displayWidth', () => {
  it('counts the columns a terminal draws: two for CJK and emoji, none for a combining mark', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('用户一二三')).toBe(10);
    expect(displayWidth('😀x')).toBe(3);
    expect(displayWidth('👩‍👩‍👧')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('مستخدم')).toBe(6);
    expect(displayWidth('🇩🇪')).toBe(2);
    expect(displayWidth('❤️')).toBe(2);
    expect(displayWidth('👍🏽x')).toBe(3);
    expect(displayWidth('🏽')).toBe(2);
    expect(displayWidth('Zoë Köln')).toBe(8);
  });

  it('counts a Hangul syllable spelled in jamo (NFD, as macOS writes file names) as the two columns it draws', () => {
    // A leading jamo is wide; the vowel and final jamo after it join its block, as wcwidth counts them.
    expect(displayWidth('한국어'.normalize('NFD'))).toBe(6);
    expect(displayWidth('\u1100\u1161')).toBe(2);
    expect(displayWidth('\uac00\u11a8')).toBe(2);
    expect(displayWidth('\u1100\ud7b0\ud7fb')).toBe(2);
  });

  it('counts every East Asian wide character two columns, the rarer blocks too', () => {
    // Angle brackets, a Yijing hexagram, a Tangut ideograph and component, Khitan, a Katakana Minnan tone mark.
    for (const char of [
      '\u2329',
      '\u232a',
      '\u4dc0',
      '\u{16fe0}',
      '\u{17000}',
      '\u{18800}',
      '\u{18b00}',
      '\u{1aff0}',
    ]) {
      expect(displayWidth(char), char.codePointAt(0)?.toString(16)).toBe(2);
    }
  });

  it('counts a spacing mark (Devanagari ि, Tamil ி) as the column it takes, as wcwidth does', () => {
    expect(displayWidth('कि')).toBe(2);
    expect(displayWidth('தமிழ்')).toBe(4);
    expect(displayWidth('नमस्ते')).toBe(4);
  });
});

describe('tableCell with wide text', () => {
  it('cuts by columns, between graphemes, never inside a surrogate pair', () => {
    expect(tableCell('😀'.repeat(25), 40)).toBe(`${'😀'.repeat(19)}…`);
    expect(tableCell('用户一二三四五六', 8)).toBe('用户一…');
    expect(tableCell('用户一二', 8)).toBe('用户一二');
    expect(tableCell('é'.normalize('NFD').repeat(10), 5)).toBe(`${'é'.normalize('NFD').repeat(4)}…`);
    expect(tableCell('👍🏽'.repeat(5), 8)).toBe(`${'👍🏽'.repeat(3)}…`);
    // A spacing mark that does not fit goes with its letter.
    expect(tableCell('कि'.repeat(5), 6)).toBe('किकि…');
    const syllable = '한'.normalize('NFD');
    expect(tableCell(syllable.repeat(5), 8)).toBe(`${syllable.repeat(3)}…`);
  });
});
