// escapeName (viewer/src/escape-names.ts): what a screen reader says for an escape the viewer boxed, so that
// the escape of U+202E never reads like the six characters `\u202e` typed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapedParts } from '../../../contract/visible-text.js';
import { escapeName } from '../../../viewer/src/escape-names.js';

describe('escapeName', () => {
  it('says the code point and, where it has one, the name or kind of the character', () => {
    expect(
      ['\u202e', '\u0000', '\n', '\u007f', '\u0085', '\ufe0f', '\u{e0041}', '\ud800', '\u2065'].map(
        escapeName,
      ),
    ).toEqual([
      'escape of U+202E, right-to-left override',
      'escape of U+0000, null',
      'escape of U+000A, line feed',
      'escape of U+007F, delete',
      'escape of U+0085, a control character',
      'escape of U+FE0F, variation selector 16',
      'escape of U+E0041, a tag character',
      'escape of U+D800, half of a surrogate pair, alone',
      'escape of U+2065',
    ]);
  });

  it('names every escape escapedParts writes by the code point it stands for', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        for (const part of escapedParts(text)) {
          if (typeof part === 'string') continue;
          const code = (part.char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
          expect(escapeName(part.char)).toMatch(new RegExp(`^escape of U\\+${code}(?:, |$)`));
        }
      }),
    );
  });
});
