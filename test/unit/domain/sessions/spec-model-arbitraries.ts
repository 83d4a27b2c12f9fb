// Segment and PostHog lines for the spec model's properties (spec-model.ts), from small pools aimed at the
// rules' edges: steps of exactly a gap or cap and a millisecond past it, platforms in every case and none, links
// between every kind of id, copies of one id at other times, platforms and pages, page fields and campaign
// members of every JSON type and past the display cut, and members sent twice in one object.
import fc from 'fast-check';
import type { ModelRules } from './spec-model.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 31, 23, 0, 0);

const STEPS = [
  0,
  0,
  1,
  5 * MIN,
  5 * MIN + 1,
  30 * MIN,
  30 * MIN + 1,
  45 * MIN,
  45 * MIN + 1,
  7.5 * MIN,
  2 * MIN,
  20 * MIN,
  60 * MIN,
  60 * MIN + 1,
];

const draftArb = fc.record({
  step: fc.constantFrom(...STEPS),
  type: fc.constantFrom('track', 'track', 'page', 'page', 'screen', 'identify', 'alias', 'group'),
  userId: fc.option(fc.constantFrom<unknown>('u1', 'u2', 42, ' u1 ', 'a1'), { nil: undefined, freq: 2 }),
  anonymousId: fc.option(
    fc.oneof(
      fc.constantFrom<unknown>('a1', 'a2', 'a3', 'u2', 42, '\u{10000}', '\uffff'),
      fc.integer({ min: 0, max: 12 }).map((k) => `b${String(k).padStart(2, '0')}`),
    ),
    { nil: undefined, freq: 4 },
  ),
  posthog: fc.nat({ max: 5 }),
  long: fc.nat({ max: 9 }),
  messageId: fc.constantFrom<unknown>('own', 'own', 'own', 'd1', 'd2', undefined, null, '', '  '),
  platform: fc.constantFrom<unknown>('ios', 'IOS', 'android', 'web', ' ios', 5, undefined, 'Android'),
  os: fc.constantFrom<unknown>(undefined, 'iOS', 7),
  ua: fc.constantFrom<unknown>(undefined, 'UA1', ''),
  event: fc.constantFrom<unknown>('E1', '', 5, undefined),
  name: fc.constantFrom<unknown>('P1', '', undefined, null),
  url: fc.constantFrom<unknown>(
    undefined,
    null,
    '',
    { u: 1 },
    0,
    false,
    ['x'],
    'https://x/?utm_source=\ud800&utm_medium=%F0',
    'https://x/?utm_source=s1&utm_campaign=c',
    'https://x/?utm_source=',
    'https://x/#?utm_source=h',
    // A second `?` belongs to the first name (form-urlencoded): no utm_source here.
    'https://x/??utm_source=q',
    'https://x/a',
  ),
  path: fc.constantFrom<unknown>(undefined, null, '', '/p', '/\u2028\u0000', true, { __proto__x: [1] }),
  ctxPage: fc.constantFrom<unknown>(
    undefined,
    null,
    { url: 'https://c/?utm_medium=m', path: '/ctx', title: 't' },
    { referrer: 'r', url: null },
  ),
  campaign: fc.constantFrom<unknown>(
    undefined,
    { source: { s: 1 }, medium: 'm' },
    { source: 0, term: false, content: ['c'] },
    { source: '\udc00' },
    { medium: { long: 'a'.repeat(1100) }, term: 'x' },
    { source: 's' },
    { source: '' },
    { source: '', medium: 'm' },
    { name: 'n', term: 1 },
    'spring',
    { source: ' ' },
    { source: null, content: 'c' },
    [],
  ),
  prop: fc.integer({ min: 0, max: 2 }),
  offset: fc.boolean(),
});
type Draft = typeof draftArb extends fc.Arbitrary<infer T> ? T : never;

const LONG = `${'a'.repeat(1023)}\u{1F600}tail`;

function posthogOf(d: Draft, ms: number, index: number): Record<string, unknown> {
  const props: Record<string, unknown> = { prop: d.prop };
  if (d.anonymousId !== undefined && d.posthog !== 1) props.$device_id = d.anonymousId;
  const type =
    d.type === 'page' ? '$pageview' : d.type === 'screen' ? '$screen' : d.type === 'track' ? 'E1' : d.type;
  if (typeof d.platform === 'string') props.$os = d.platform;
  if (typeof d.os === 'string') props.$device_type = d.os;
  if (d.ua === 'UA1') props.$browser = 'Safari';
  if (d.url !== undefined) props.$current_url = d.url;
  if (d.path !== undefined) props.$pathname = d.path;
  if (d.name !== undefined) props.$screen_name = d.name;
  if (d.long === 1) props.title = LONG;
  if (typeof d.campaign === 'object' && d.campaign !== null && !Array.isArray(d.campaign)) {
    for (const [m, v] of Object.entries(d.campaign)) props[m === 'name' ? 'utm_campaign' : `utm_${m}`] = v;
  }
  const o: Record<string, unknown> = {
    event: type,
    distinct_id: d.userId ?? d.anonymousId ?? 'a1',
    timestamp: new Date(ms).toISOString(),
    properties: props,
  };
  if (d.messageId === 'own') o.uuid = `m${index}`;
  else o.uuid = d.messageId ?? null;
  return o;
}

function lineOf(d: Draft, ms: number, index: number): Record<string, unknown> {
  if (d.posthog === 0) return posthogOf(d, ms, index);
  const o: Record<string, unknown> = { type: d.type, properties: { prop: d.prop }, context: {} };
  o.timestamp = d.offset
    ? new Date(ms + 3_600_000).toISOString().replace('Z', '+01:00')
    : new Date(ms).toISOString();
  if (d.userId !== undefined) o.userId = d.userId;
  if (d.anonymousId !== undefined) o.anonymousId = d.anonymousId;
  if (d.userId === undefined && d.anonymousId === undefined) o.anonymousId = 'a1';
  if (d.messageId === 'own') o.messageId = `m${index}`;
  else if (d.messageId !== undefined) o.messageId = d.messageId;
  if (d.event !== undefined) o.event = d.event;
  if (d.name !== undefined) o.name = d.name;
  const props = o.properties as Record<string, unknown>;
  if (d.url !== undefined) props.url = d.url;
  if (d.path !== undefined) props.path = d.path;
  const ctx = o.context as Record<string, unknown>;
  if (d.platform !== undefined) ctx.device = { type: d.platform };
  if (d.os !== undefined) ctx.os = { name: d.os };
  if (d.ua !== undefined) ctx.userAgent = d.ua;
  if (d.ctxPage !== undefined) ctx.page = d.ctxPage;
  if (d.campaign !== undefined) ctx.campaign = d.campaign;
  if (d.long === 1) props.url = `https://x/?q=${'a'.repeat(1100)}&utm_source=late`;
  if (d.long === 2) ctx.campaign = { source: LONG, medium: 'm' };
  if (d.long === 3 && d.type === 'track') o.event = LONG;
  if (d.long === 4) props.title = LONG;
  if (d.long === 5) props.title = { t: 'a'.repeat(1100) };
  if (d.long === 6) props.referrer = ['r', 1, null];
  return o;
}

export const rulesArb: fc.Arbitrary<ModelRules> = fc.record({
  gapMinutes: fc.constantFrom(30, 30, 5, 0, 45),
  gapMinutesByPlatform: fc.constantFrom<Record<string, number>>(
    {},
    { ios: 5, android: 45 },
    { ios: 5 },
    { web: 0, ios: 30 },
  ),
  maxSessionMinutes: fc.constantFrom(undefined, undefined, 60, 30, 7.5, 0),
  identityStitching: fc.boolean(),
});

export const scenarioArb = fc
  .array(draftArb, { minLength: 1, maxLength: Number(process.env.MAX_EVENTS ?? 30) })
  .chain((drafts) => {
    let ms = T0;
    const objects = drafts.map((d, i) => {
      ms += d.step;
      return lineOf(d, ms, i);
    });
    return fc.record({
      objects: fc.constant(objects),
      // Copies: exact, or of one messageId at another time, platform or page.
      variants: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 5 })), { maxLength: 6 }),
      fileOf: fc.array(fc.nat({ max: 2 }), { minLength: objects.length + 6, maxLength: objects.length + 6 }),
      shuffle: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
    });
  });

export const browserOf = (ua: string) => (ua === 'UA1' ? 'Chrome' : null);

/** The object's text, now and then with members sent twice (JSON.parse keeps the last) at the top and in context. */
export function textOf(o: Record<string, unknown>, index: number): string {
  const text = JSON.stringify(o);
  if ('distinct_id' in o || index % 3 !== 0) return text;
  const dupTop = `"type":"identify","userId":"zz","timestamp":"bad","properties":{"url":"https://d/?utm_source=dup"},"messageId":"dupm${index}",`;
  const withTop = `{${dupTop}${text.slice(1)}`;
  const dupContext = '"device":{"type":"android"},"campaign":{"source":"dupc"},"os":{"name":"dupos"}';
  if (index % 2 !== 0) return withTop;
  return withTop.includes('"context":{}')
    ? withTop.replace('"context":{}', `"context":{${dupContext}}`)
    : withTop.replace('"context":{', `"context":{${dupContext},`);
}

export function withVariants(objects: Record<string, unknown>[], variants: [number, number][]) {
  const all = [...objects];
  for (const [line, kind] of variants) {
    const o = structuredClone(objects[line % objects.length] as Record<string, unknown>);
    const ts = Date.parse(String(o.timestamp));
    if (kind === 1) o.timestamp = new Date(ts - 5 * MIN).toISOString();
    if (kind === 2) o.timestamp = new Date(ts + 31 * MIN).toISOString();
    if (kind === 3 && 'distinct_id' in o) (o.properties as Record<string, unknown>).$os = 'ios';
    else if (kind === 3) (o.context as Record<string, unknown>).device = { type: 'ios' };
    if (kind === 4) (o.properties as Record<string, unknown>).url = 'https://v/?utm_source=v';
    if (kind === 5) (o.properties as Record<string, unknown>).prop = -1;
    all.push(o);
  }
  return all;
}

/** Each line into one of three Segment files, or the PostHog file (its format is told by the file's first object). */
export function filesOf(
  texts: readonly string[],
  objects: readonly Record<string, unknown>[],
  fileOf: readonly number[],
): string[][] {
  const files: string[][] = [[], [], [], []];
  objects.forEach((o, i) => {
    files['distinct_id' in o ? 3 : (fileOf[i] ?? 0)]?.push(texts[i] as string);
  });
  return files;
}
