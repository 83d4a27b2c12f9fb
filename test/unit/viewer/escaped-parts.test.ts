// escapedParts (contract/visible-text.ts) is escapeControlOfEscaped in parts: the viewer boxes each escape it
// wrote, so a backslash the text holds (`\u202e` typed) reads apart from the escape of U+202E.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControlOfEscaped, escapedParts } from '../../../contract/visible-text.js';

const joined = (text: string) =>
  escapedParts(text)
    .map((part) => (typeof part === 'string' ? part : part.escape))
    .join('');

describe('escapedParts', () => {
  it('keeps a typed backslash as text and makes each escape a part of its own', () => {
    expect(escapedParts('typed "\\u202e", sent "\u202e"\n')).toEqual([
      'typed "\\u202e", sent "',
      { escape: '\\u202e', char: '\u202e' },
      '"',
      { escape: '\\n', char: '\n' },
    ]);
    // A joiner inside an emoji sequence is drawn, not escaped.
    expect(escapedParts('👩\u200d💻')).toEqual(['👩\u200d💻']);
  });

  it('joins to what escapeControlOfEscaped writes, and no text part holds what it escapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(joined(text)).toBe(escapeControlOfEscaped(text));
        for (const part of escapedParts(text))
          if (typeof part === 'string') expect(escapeControlOfEscaped(part)).toBe(part);
          else expect(escapeControlOfEscaped(part.char)).toBe(part.escape);
      }),
    );
  });
});
