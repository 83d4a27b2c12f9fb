import fc from 'fast-check';

/**
 * The values raw export events are drawn from (see export-arbitraries.ts): instants and their spellings,
 * identities, names, pages and campaigns, each mostly common, now and then odd.
 */

/** Marks a member to leave out of the object. */
export const MISSING = Symbol('missing');
export type Maybe<T> = T | typeof MISSING;

// Sentinels replaced in the JSON text by what JSON.stringify cannot write or an object cannot hold.
const INFINITY = '__INFINITY__';
const BIG = '__BIG_INTEGER__';
export const PROTO_KEY = '__PROTO_KEY__';

/** JSON text of an event; members set to MISSING are left out (JSON.stringify skips symbol values). */
export function serialize(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll(`"${INFINITY}"`, '1e400')
    .replaceAll(`"${BIG}"`, '12345678901234567890')
    .replaceAll(`"${PROTO_KEY}":`, '"__proto__":');
}

const BASE = Date.UTC(2024, 0, 1, 9);
const MINUTE = 60_000;

/** Instants clustered on gap boundaries (default 30, 10 and 2.5 minutes, platform 5, caps 45.5 and 60). */
export const instantArbitrary = fc
  .record({
    day: fc.constantFrom(0, 0, 0, 0, 0, 1),
    minutes: fc.constantFrom(
      0,
      2.5,
      5,
      7.5,
      10,
      15,
      20,
      29,
      30,
      31,
      35,
      40,
      45.5,
      50,
      60,
      61,
      75,
      90,
      120,
      121,
    ),
    jitter: fc.constantFrom(0, 0, 0, 0, 1, -1, 999),
  })
  .map(({ day, minutes, jitter }) => BASE + day * 1440 * MINUTE + Math.round(minutes * MINUTE) + jitter);

export const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** One instant spelled in one of the forms the timestamp grammar accepts. */
function spelledTimestamp(ms: number, spelling: number): string {
  const iso = new Date(ms).toISOString();
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 23)];
  const wholeSecond = ms % 1000 === 0;
  switch (spelling) {
    case 0:
      return iso;
    case 1:
      return `${date}t${time}z`;
    case 2:
      return `${date} ${time}`;
    case 3:
      return `${date}T${time.replace('.', ',')}999Z`;
    case 4: {
      const shifted = new Date(ms + 90 * MINUTE).toISOString();
      return `${shifted.slice(0, 10)}T${shifted.slice(11, 23)}+01:30`;
    }
    case 5: {
      const shifted = new Date(ms - 8 * 60 * MINUTE).toISOString();
      return `${shifted.slice(0, 10)}T${shifted.slice(11, 23)}-08`;
    }
    case 6:
      return wholeSecond && time.endsWith(':00.000') ? `${date}T${time.slice(0, 5)}` : `  ${iso}  `;
    default: {
      const shifted = new Date(ms + 330 * MINUTE).toISOString();
      return `${shifted.slice(0, 10)}T${shifted.slice(11, 19)}${wholeSecond ? '' : shifted.slice(19, 23)}+0530`;
    }
  }
}

export const from = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** Mostly one of the common values, now and then a rare one: sessions form, and the corners still come up. */
export const pool = <T>(common: readonly T[], rare: readonly T[]) =>
  fc.oneof({ weight: 6, arbitrary: from(common) }, { weight: 1, arbitrary: from(rare) });

export const BAD_TIMESTAMPS: unknown[] = [
  'yesterday',
  '2024-02-30T09:00:00Z',
  '2024-01-01T24:00:00Z',
  '9999-12-31T23:10-01:00',
  null,
  '',
];

/** A timestamp string, now and then a bad one or none. */
export const textTimestampArbitrary = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .tuple(instantArbitrary, fc.integer({ min: 0, max: 7 }))
      .map(([ms, s]) => spelledTimestamp(ms, s)),
  },
  { weight: 1, arbitrary: from<Maybe<unknown>>([MISSING, ...BAD_TIMESTAMPS]) },
);

export const userIdArbitrary = pool<Maybe<unknown>>(
  ['u-1', 'u-1', 'u-2', ' u-1 ', MISSING, MISSING],
  [
    '\u00a0u-2\u2028',
    'U-1',
    42,
    '42',
    ' 42 ',
    1e21,
    '1e+21',
    BIG,
    '12345678901234567000',
    INFINITY,
    '',
    '   ',
    null,
    { id: 1 },
    'x'.repeat(513),
    '€'.repeat(170),
  ],
);
export const anonymousIdArbitrary = pool<Maybe<unknown>>(
  ['a-1', 'a-1', 'a-2', MISSING],
  [' a-1 ', 7, '', null, 'a-3', '€'.repeat(171)],
);
export const messageIdArbitrary = pool<Maybe<unknown>>(
  ['m-1', 'm-2', 'm-3', MISSING, MISSING],
  [' m-1 ', 7, '7', '', '  ', null],
);
export const nameArbitrary = pool<Maybe<unknown>>(
  ['Clicked', 'Viewed', MISSING],
  [`${'n'.repeat(1023)}😀`, 12],
);
export const platformArbitrary = pool<Maybe<unknown>>(
  ['ios', 'web', MISSING],
  ['iOS', 'Android', 'android', 5],
);
const urlArbitrary = pool<Maybe<unknown>>(
  [
    'https://shop.example/',
    'https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=spring',
    MISSING,
  ],
  [
    'https://shop.example/?utm_source=&utm_term=a+b%20c',
    'https://shop.example/#top?utm_source=hidden',
    'https://shop.example/?utm%5Fsource=encoded&utm_source=second',
    'https://shop.example/?%75tm_medium=encoded',
    'https://shop.example/?utm_campaign=summer',
    `https://shop.example/${'p'.repeat(1100)}?utm_content=late`,
    '',
    null,
    3,
  ],
);
const pageTextArbitrary = pool<Maybe<unknown>>(
  ['/', '/pricing', 'Shop', MISSING],
  ['', null, 4, INFINITY, `${'t'.repeat(1023)}😀!`],
);
const campaignValueArbitrary = pool<Maybe<unknown>>(
  ['news', 'ads', MISSING, MISSING],
  ['', null, 3, INFINITY],
);
export const planArbitrary = from<Maybe<unknown>>(['pro', 'team', MISSING]);

export const campaignArbitrary = fc.record({
  source: campaignValueArbitrary,
  medium: campaignValueArbitrary,
  name: campaignValueArbitrary,
  term: campaignValueArbitrary,
  content: campaignValueArbitrary,
});

export const pageFieldsArbitrary = fc.record({
  url: urlArbitrary,
  path: pageTextArbitrary,
  title: pageTextArbitrary,
  referrer: pageTextArbitrary,
});
