// What a screen reader says for an escape the viewer wrote (error-text.ts): the character it stands for, by
// code point and name, where the escape's text alone (`\u202e`) reads like six characters a message quotes.

/** C0 controls by code point, as Unicode names them. */
const C0 = [
  'null',
  'start of heading',
  'start of text',
  'end of text',
  'end of transmission',
  'enquiry',
  'acknowledge',
  'bell',
  'backspace',
  'tab',
  'line feed',
  'line tabulation',
  'form feed',
  'carriage return',
  'shift out',
  'shift in',
  'data link escape',
  'device control one',
  'device control two',
  'device control three',
  'device control four',
  'negative acknowledge',
  'synchronous idle',
  'end of transmission block',
  'cancel',
  'end of medium',
  'substitute',
  'escape',
  'file separator',
  'group separator',
  'record separator',
  'unit separator',
];

/** The other characters the viewer escapes that have a name a reader knows. */
const NAMED: Readonly<Record<number, string>> = {
  127: 'delete',
  173: 'soft hyphen',
  847: 'combining grapheme joiner',
  1564: 'Arabic letter mark',
  6158: 'Mongolian vowel separator',
  8203: 'zero width space',
  8204: 'zero width non-joiner',
  8205: 'zero width joiner',
  8206: 'left-to-right mark',
  8207: 'right-to-left mark',
  8232: 'line separator',
  8233: 'paragraph separator',
  8234: 'left-to-right embedding',
  8235: 'right-to-left embedding',
  8236: 'pop directional formatting',
  8237: 'left-to-right override',
  8238: 'right-to-left override',
  8288: 'word joiner',
  8294: 'left-to-right isolate',
  8295: 'right-to-left isolate',
  8296: 'first strong isolate',
  8297: 'pop directional isolate',
  65279: 'zero width no-break space',
};

/** A kind of character, for those the viewer escapes without a name here. */
function kind(code: number): string | null {
  if (code >= 0x80 && code <= 0x9f) return 'a control character';
  if (code >= 0xfe00 && code <= 0xfe0f) return `variation selector ${code - 0xfe00 + 1}`;
  if (code >= 0xe0100 && code <= 0xe01ef) return `variation selector ${code - 0xe0100 + 17}`;
  if (code >= 0xe0000 && code <= 0xe007f) return 'a tag character';
  if (code >= 0xd800 && code <= 0xdfff) return 'half of a surrogate pair, alone';
  if ([0x115f, 0x1160, 0x3164, 0xffa0].includes(code)) return 'a Hangul filler';
  return null;
}

/** How a screen reader names the escape of `char`: `escape of U+202E, right-to-left override`. */
export function escapeName(char: string): string {
  const code = char.codePointAt(0) as number;
  const point = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = C0[code] ?? NAMED[code] ?? kind(code);
  return name === null ? `escape of ${point}` : `escape of ${point}, ${name}`;
}
