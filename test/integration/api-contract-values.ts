// Values for the lookup API's contract test: each documented query parameter's values, valid or at fault, as
// its schema in openapi.json gives them, parameters no route takes, and the forms a path may carry a user id in.
import fc from 'fast-check';
import { base64Id } from '../../contract/index.js';
import { MAX_DISPLAY_LENGTH } from '../../functions/domain/events/display-text.js';
import type { Json } from '../unit/api/openapi-validator.js';

/** Every character percent-encoded, letters and digits too, in upper or lower case hex. */
export function overEncoded(text: string, lower: boolean): string {
  const hex = [...new TextEncoder().encode(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`);
  const joined = hex.join('');
  return lower ? joined : joined.toUpperCase();
}

export interface Value {
  readonly raw: string | undefined;
  readonly fault: boolean;
  /** The value as the API reads it when valid. */
  readonly read?: string;
}

export const encoded = (text: string) => encodeURIComponent(text);
export const ok = (text: string): Value => ({ raw: encoded(text), fault: false, read: text });
export const bad = (raw: string): Value => ({ raw, fault: true });

/** A valid value sent plainly or with every character escaped: the API reads both alike. */
const validOf = (texts: fc.Arbitrary<string>) =>
  fc
    .tuple(texts, fc.nat(5))
    .map(
      ([text, how]): Value =>
        how === 0 ? { raw: overEncoded(text, how % 2 === 0), fault: false, read: text } : ok(text),
    );

const timestamps = fc.oneof(
  fc
    .integer({ min: Date.UTC(2023, 11, 31), max: Date.UTC(2024, 0, 5) })
    .map((ms) => new Date(ms).toISOString()),
  fc.constantFrom('0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2024-01-01T09:00:00.000Z'),
);

const badTimestamps = fc.constantFrom(
  '',
  'soon',
  '2024-02-30T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '10000-01-01T00:00:00Z',
  '2024-01-01T09:00:00+02:00',
  '１２３',
  'x'.repeat(5000),
);

function integerParam(schema: Json): fc.Arbitrary<Value> {
  const { minimum, maximum } = schema as { minimum: number; maximum: number };
  return fc.oneof(
    { weight: 3, arbitrary: validOf(fc.integer({ min: minimum, max: maximum }).map(String)) },
    fc
      .constantFrom(
        String(minimum - 1),
        String(maximum + 1),
        '-1',
        '1.5',
        '1e1',
        '0x10',
        'abc',
        '',
        '５',
        '9'.repeat(400),
        '+5',
      )
      .map((text) => bad(text === '+5' ? text : encoded(text))),
  );
}

function enumParam(schema: Json): fc.Arbitrary<Value> {
  const values = schema.enum as string[];
  return fc.oneof(
    { weight: 3, arbitrary: validOf(fc.constantFrom(...values)) },
    fc
      .constantFrom('', ...values.map((value) => value.toUpperCase()), 'maybe', `${values[0]} `, '\u0000')
      .map((text) => bad(encoded(text))),
  );
}

const sources = fc.oneof(
  fc.constantFrom('newsletter', 'ads', 'x', '😀', 'ü', 'a&b=c+d', 's'.repeat(MAX_DISPLAY_LENGTH)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);

const badSources = fc.oneof(
  fc.constantFrom(encoded(''), encoded('s'.repeat(MAX_DISPLAY_LENGTH + 1)), '%FF', '%F0%9F', '%C3'),
);

/** Values of one documented query parameter, valid or at fault, chosen from its schema. */
export function parameterValues(name: string, schema: Json): fc.Arbitrary<Value> {
  if (name === 'from' || name === 'to')
    return fc.oneof(
      { weight: 3, arbitrary: validOf(timestamps) },
      // A "+" sent as is reads as a space: the offset must be sent as %2B.
      { weight: 1, arbitrary: badTimestamps.map((t) => bad(t.includes('+') ? t : encoded(t))) },
    );
  if (name === 'campaignSource')
    return fc.oneof(
      { weight: 3, arbitrary: validOf(sources) },
      { weight: 1, arbitrary: badSources.map(bad) },
    );
  if (schema.type === 'integer') return integerParam(schema);
  if (schema.enum !== undefined) return enumParam(schema);
  throw new Error(`no values for the documented parameter ${name}`);
}

export interface Pair {
  readonly name: string;
  readonly rawName: string;
  readonly value: Value;
}

/** A parameter the route does not take: misspelt, another route's, unicode, empty, undecodable. */
export const strangers = fc
  .constantFrom(
    'campaign_source',
    'Limit',
    'LIMIT',
    'order ',
    'sort',
    'userId',
    'sessionId',
    'ünïcode',
    '😀',
    '',
    '%FF',
    'n'.repeat(300),
  )
  .map((name) => ({ rawName: name === '%FF' ? name : encoded(name), name }));

/** A user id as a path carries it, and which id the function reads from it. */
export interface PathId {
  readonly segment: string;
  readonly userId: string | undefined;
  readonly unpredicted?: boolean;
}

const flipCase = (text: string) =>
  [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

/** Whether an id reaches the function whole in a decoded path (paths.ts reads the path from its end). */
const survivesDecoded = (userId: string) =>
  !userId.includes('?') && !/\/sessions(\/\d{8}T\d{9}Z)?$/.test(userId) && !userId.startsWith('~b64.');

/** The forms a path may carry an id in: exact, over-encoded, base64, and ids a slip away (case, NFD, space). */
export function pathIds(users: readonly string[], decoded: boolean): fc.Arbitrary<PathId> {
  const user = fc.constantFrom(...users);
  const plain = (userId: string): PathId => {
    if (decoded && !survivesDecoded(userId)) return { segment: base64Id(userId), userId };
    return { segment: decoded ? userId : encoded(userId), userId };
  };
  const forms: fc.Arbitrary<PathId>[] = [
    user.map(plain),
    user.map((userId) => ({ segment: base64Id(userId), userId })),
    user.map((userId) => plain(flipCase(userId))),
    user.map((userId) => plain(userId.normalize('NFD'))),
    user.map((userId) => plain(` ${userId}`)),
    user.map((userId) => ({
      segment: `${plain(userId).segment}/`,
      userId: undefined,
      unpredicted: true,
    })),
    fc.constantFrom<PathId>(
      { segment: 'nobody', userId: 'nobody' },
      { segment: '', userId: undefined },
      { segment: 'x'.repeat(513), userId: undefined },
      { segment: '~b64.YQ==', userId: undefined },
      { segment: '~b64.', userId: undefined },
    ),
  ];
  if (!decoded) {
    forms.push(
      user.map((userId) => ({ segment: overEncoded(userId, userId.length % 2 === 0), userId })),
      // Escapes that are no UTF-8: API Gateway's greedy route hands them on as text, an id of no user.
      fc.constantFrom<PathId>(
        { segment: '%C3', userId: '%C3' },
        { segment: '%ZZ', userId: '%ZZ' },
        { segment: '%ED%A0%80', userId: '%ED%A0%80' },
      ),
    );
  }
  return fc.oneof(...forms);
}
