import fc from 'fast-check';
import { INVALID_UTF8, utf8 } from './byte-arbitraries.js';

/**
 * Adversarial JSON texts as bytes: every kind of escape (in keys too), surrogates, raw multi-byte and invalid
 * UTF-8, numbers in every valid form, duplicate keys from a small pool, and, when mutated, whatever JSON
 * does not allow: other whitespace, bad numbers, literals and escapes, control characters, truncation,
 * trailing garbage.
 */

/** Keys that paths ask for, so texts and paths meet often; duplicates come up at every level. */
export const KEY_POOL = [
  'type',
  'context',
  'page',
  'url',
  '__proto__',
  '',
  'a',
  'é',
  '😀',
  'a"b\\',
  '\u0000',
  '\ud800',
];

const hex4 = (code: number, upper: boolean) => {
  const hex = code.toString(16).padStart(4, '0');
  return `\\u${upper ? hex.toUpperCase() : hex}`;
};

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A string token for `text`, each code unit escaped or raw as `mask` says (raw only where JSON allows it). */
function renderString(text: string, mask: number): Buffer {
  let body = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const character = text[i] as string;
    const bit = ((mask >>> (i % 30)) & 1) === 1;
    const lone = unit >= 0xd800 && unit <= 0xdfff && !isPairedSurrogate(text, i);
    const mustEscape = unit < 0x20 || character === '"' || character === '\\' || lone;
    if (!mustEscape && !bit) body += character;
    else
      body +=
        SHORT_ESCAPES[character] !== undefined && mask % 3 === 0
          ? SHORT_ESCAPES[character]
          : hex4(unit, (mask & 4) === 0);
  }
  return utf8(`"${body}"`);
}

function isPairedSurrogate(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  if (unit >= 0xd800 && unit <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  const previous = text.charCodeAt(i - 1);
  return unit >= 0xdc00 && unit <= 0xdfff && previous >= 0xd800 && previous <= 0xdbff;
}

const asciiText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 6,
});

/** Raw pieces of a string body, escapes and invalid UTF-8 among them: tokens that may not decode cleanly. */
const stringPiece = fc.oneof(
  asciiText.map((text) => utf8(text.replace(/["\\]/g, ''))),
  fc.constantFrom('\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t').map(utf8),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.boolean()).map(([code, upper]) => utf8(hex4(code, upper))),
  fc
    .integer({ min: 0x10000, max: 0x10ffff })
    .map((code) => String.fromCodePoint(code))
    .map((pair) => utf8(hex4(pair.charCodeAt(0), true) + hex4(pair.charCodeAt(1), false))),
  fc.constantFrom('é', '€', '😀', '\u2028', '\u00a0', '\ufeff', '\u007f', '\ufffd').map(utf8),
  fc.constantFrom(...INVALID_UTF8).map((bytes) => Buffer.from(bytes)),
);

const rawString = fc
  .array(stringPiece, { maxLength: 6 })
  .map((pieces) => Buffer.concat([utf8('"'), ...pieces, utf8('"')]));

const pooledString = fc
  .tuple(fc.constantFrom(...KEY_POOL, 'track', 'x\u2028y'), fc.nat())
  .map(([text, mask]) => renderString(text, mask));

const DUPLICATED_KEYS = ['context', 'page', 'url', '__proto__'];

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: min, maxLength: max });

const validNumber = fc
  .record({
    minus: fc.boolean(),
    integer: fc.oneof(
      fc.constant('0'),
      fc.tuple(fc.constantFrom('1', '7', '9'), digits(0, 24)).map(([a, b]) => a + b),
    ),
    fraction: fc.option(
      digits(1, 20).map((d) => `.${d}`),
      { nil: '' },
    ),
    exponent: fc.option(
      fc
        .tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 4))
        .map((parts) => parts.join('')),
      { nil: '' },
    ),
  })
  .map(({ minus, integer, fraction, exponent }) =>
    utf8(`${minus ? '-' : ''}${integer}${fraction}${exponent}`),
  );

const scalar = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(pooledString, rawString) },
  { weight: 2, arbitrary: validNumber },
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => utf8(JSON.stringify(n))),
  fc.constantFrom('true', 'false', 'null').map(utf8),
);

/** JSON whitespace only: space, tab, line feed, carriage return. */
const ws = fc
  .array(fc.constantFrom(' ', '\t', '\n', '\r'), { maxLength: 2 })
  .map((spaces) => utf8(spaces.join('')));

function jsonTexts(key: fc.Arbitrary<Buffer>, maxMembers: number): fc.Arbitrary<Buffer> {
  const { value, object } = fc.letrec<{ value: Buffer; object: Buffer; array: Buffer }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalar, tie('object'), tie('array')),
    object: fc
      .array(fc.tuple(ws, key, ws, ws, tie('value'), ws), { maxLength: maxMembers })
      .map((members) =>
        Buffer.concat([
          utf8('{'),
          ...members.flatMap(([a, name, b, c, member, d], i) => [
            i === 0 ? a : Buffer.concat([utf8(','), a]),
            name,
            b,
            utf8(':'),
            c,
            member,
            d,
          ]),
          utf8('}'),
        ]),
      ),
    array: fc
      .array(fc.tuple(ws, tie('value'), ws), { maxLength: 4 })
      .map((items) =>
        Buffer.concat([
          utf8('['),
          ...items.flatMap(([a, item, b], i) => [i === 0 ? a : Buffer.concat([utf8(','), a]), item, b]),
          utf8(']'),
        ]),
      ),
  }));
  return fc
    .tuple(ws, fc.oneof({ weight: 3, arbitrary: object }, value), ws)
    .map((parts) => Buffer.concat(parts));
}

/** A valid JSON text whose objects use pooled keys (with escapes) and whose strings may hold invalid UTF-8. */
export const jsonText = fc.oneof(
  jsonTexts(fc.oneof({ weight: 4, arbitrary: pooledString }, rawString), 5),
  // Four keys only, so that a key repeats in its object and below its own duplicates.
  jsonTexts(
    fc.tuple(fc.constantFrom(...DUPLICATED_KEYS), fc.nat()).map(([text, mask]) => renderString(text, mask)),
    4,
  ),
);

/** What JSON forbids, to splice into a valid text. */
const EVIL = [
  '\v',
  '\f',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\u0000',
  '\u001f',
  '\u007f',
  '\t',
  '\n',
  ',',
  ':',
  '}',
  ']',
  '{',
  '[',
  '"',
  '\\',
  '\\x',
  '\\u12G4',
  '\\U0041',
  '\\u00',
  'tru',
  'nul',
  'True',
  'falsey',
  '+',
  '+1',
  '01',
  '-',
  '.',
  '.5',
  '1.',
  'e',
  'E+',
  '0x1',
  'NaN',
  'Infinity',
  '//',
  '/*',
  "'",
  'é',
];

interface Mutation {
  kind: 'insert' | 'replace' | 'delete' | 'truncate' | 'append';
  at: number;
  piece: Buffer;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind'][]>('insert', 'replace', 'delete', 'truncate', 'append'),
  at: fc.nat(),
  piece: fc.oneof(
    fc.constantFrom(...EVIL).map(utf8),
    fc.constantFrom(...INVALID_UTF8).map((bytes) => Buffer.from(bytes)),
  ),
});

function mutate(text: Buffer, { kind, at, piece }: Mutation): Buffer {
  const position = text.length === 0 ? 0 : at % (text.length + 1);
  switch (kind) {
    case 'insert':
      return Buffer.concat([text.subarray(0, position), piece, text.subarray(position)]);
    case 'replace':
      return Buffer.concat([text.subarray(0, position), piece, text.subarray(position + 1)]);
    case 'delete':
      return Buffer.concat([text.subarray(0, position), text.subarray(position + 1)]);
    case 'truncate':
      return text.subarray(0, position);
    case 'append':
      return Buffer.concat([text, piece]);
    default:
      throw new Error(`unknown mutation ${kind satisfies never}`);
  }
}

/** Valid texts half the time, texts with one to three mutations the other half. */
export const adversarialText = fc.oneof(
  jsonText,
  fc
    .tuple(jsonText, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([text, mutations]) => mutations.reduce(mutate, text)),
);

/** Paths over the key pool: prefixes of one another, duplicates, the empty path. */
export const pooledPaths = fc.array(
  fc.oneof(
    fc.array(fc.constantFrom(...KEY_POOL), { maxLength: 3 }),
    fc.array(fc.constantFrom(...DUPLICATED_KEYS), { minLength: 1, maxLength: 3 }),
  ),
  { minLength: 1, maxLength: 8 },
);
