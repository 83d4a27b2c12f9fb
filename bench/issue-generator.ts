/**
 * The performance issue's event model: compact Segment-style events (~355 bytes of NDJSON each), about 50 a
 * user, ~70 % of users identified, globally in time order. Same options → the same lines, byte for byte, as
 * the generator the issue's figures were taken with, so the benchmark's numbers compare with the issue's.
 *
 * Per user: sessions of 1 + Geometric(mean ~7) events; gaps inside a session lognormal (median 15 s, capped
 * at 25 min) with rare edge cases (0 ms, exactly 30:00.000 which is no split, 30:00.001 which is); gaps
 * between sessions 30 min + Exp(18 h / activity). ~10 % of users send whole seconds, ~10 % of events say
 * `+00:00` instead of `Z`. messageIds are unique. A heap of next-event times keeps memory O(users).
 */

import { Random } from './generator/random.js';
import { UserClock } from './generator/sessions.js';

export interface IssueGeneratorOptions {
  /** Exact number of events yielded. */
  readonly events: number;
  /** Default events / 50 (rounded), at least 1. */
  readonly users?: number;
  /** Default 42. */
  readonly seed?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START_MS = Date.UTC(2024, 0, 1);

/** The sfc32 stream of {@link Random} with 53-bit floats: the same stream as the issue's generator. */
function random(seed: number) {
  const source = new Random(seed);
  const u32 = () => source.uint32();
  const float = () => (u32() + (u32() >>> 11) / 2097152) / 4294967296;
  // Box-Muller yields two normals per draw; the second is kept for the next call.
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const kept = spare;
      spare = undefined;
      return kept;
    }
    let u = 0;
    while (u === 0) u = float();
    const v = float();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(float() * items.length)] as T;
  return { u32, float, normal, pick, exponential: (mean: number) => -mean * Math.log(1 - float()) };
}

type IssueRandom = ReturnType<typeof random>;

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

const TRACK_EVENTS: readonly (readonly [string, number])[] = [
  ['Product Viewed', 18],
  ['Product Added', 8],
  ['Cart Viewed', 5],
  ['Checkout Started', 3],
  ['Order Completed', 2],
  ['Signed In', 4],
  ['Signed Out', 2],
  ['Feature Used', 20],
  ['Search Performed', 12],
  ['Video Played', 6],
  ['Button Clicked', 15],
  ['Form Submitted', 5],
];
/** Cumulative weights, compared as the issue's generator does (subtracting would round differently). */
const TRACK_CUMULATIVE = TRACK_EVENTS.reduce<number[]>((sums, [, weight]) => {
  sums.push((sums[sums.length - 1] ?? 0) + weight);
  return sums;
}, []);
const TRACK_TOTAL = TRACK_CUMULATIVE[TRACK_CUMULATIVE.length - 1] as number;
const PAGES: readonly (readonly [string, string])[] = [
  ['Home', '/'],
  ['Pricing', '/pricing'],
  ['Docs', '/docs'],
  ['Blog', '/blog'],
  ['Product', '/product'],
  ['Cart', '/cart'],
  ['Checkout', '/checkout'],
  ['Settings', '/settings'],
  ['Dashboard', '/app/dashboard'],
];
const FEATURES = ['export', 'search', 'share', 'import', 'filter', 'dark_mode', 'api_key'];
const QUERIES = ['shoes', 'red dress', 'laptop', 'gift card', 'headphones', 'pricing', 'docs'];
const BUTTONS = ['cta', 'nav', 'buy', 'close', 'next'];
const PLANS = ['free', 'free', 'free', 'starter', 'pro', 'enterprise'];
const REFERRERS = ['', '', 'https://www.google.com/', 'https://news.ycombinator.com/', 'https://t.co/x'];
const LIBRARIES = [
  { name: 'analytics.js', version: '4.1.0' },
  { name: 'analytics-ios', version: '4.1.8' },
  { name: 'analytics-android', version: '4.10.4' },
  { name: 'analytics-node', version: '6.2.0' },
];

function trackName(rng: IssueRandom): string {
  const target = rng.float() * TRACK_TOTAL;
  const index = TRACK_CUMULATIVE.findIndex((sum) => target < sum);
  return (TRACK_EVENTS.at(index) as readonly [string, number])[0];
}

function trackProperties(rng: IssueRandom, name: string): Record<string, unknown> {
  switch (name) {
    case 'Product Viewed':
    case 'Product Added':
      return {
        product_id: `p_${1 + Math.floor(rng.float() * 5000)}`,
        price: Math.round(rng.float() * 20000) / 100,
        currency: 'USD',
      };
    case 'Order Completed':
      return {
        order_id: `o_${hex(rng.u32(), 8)}`,
        revenue: Math.round(rng.float() * 50000) / 100,
        currency: 'USD',
      };
    case 'Search Performed':
      return { query: rng.pick(QUERIES) };
    case 'Feature Used':
      return { feature: rng.pick(FEATURES) };
    case 'Video Played':
      return { video_id: `v_${1 + Math.floor(rng.float() * 300)}`, position: Math.floor(rng.float() * 600) };
    case 'Button Clicked':
      return { button: rng.pick(BUTTONS) };
    default:
      return {};
  }
}

interface User {
  readonly userId: string | null;
  readonly anonymousId: string;
  readonly identified: boolean;
  readonly secondsOnly: boolean;
  readonly activity: number;
  readonly library: (typeof LIBRARIES)[number];
  readonly ip: string;
  readonly plan: string;
  /** Position in, and length of, the current session. */
  position: number;
  size: number;
}

function uuid(rng: IssueRandom): string {
  const x = rng.u32();
  const y = rng.u32();
  const z = rng.u32();
  const w = rng.u32();
  return `${hex(x, 8)}-${hex(y >>> 16, 4)}-4${hex(y & 0xfff, 3)}-${hex(0x8000 | (z & 0x3fff), 4)}-${hex(w, 8)}${hex(z >>> 16, 4)}`;
}

function createUser(rng: IssueRandom, index: number): User {
  const identified = rng.float() < 0.7;
  return {
    userId: identified ? `user_${String(index + 1).padStart(7, '0')}` : null,
    anonymousId: uuid(rng),
    identified,
    secondsOnly: rng.float() < 0.1,
    activity: Math.exp(0.9 * rng.normal()),
    library: LIBRARIES[Math.floor(rng.float() * LIBRARIES.length)] as User['library'],
    ip: `10.${rng.u32() & 255}.${rng.u32() & 255}.${rng.u32() & 255}`,
    plan: rng.pick(PLANS),
    position: 0,
    size: 0,
  };
}

const sessionLength = (rng: IssueRandom) => 1 + Math.floor(Math.log(1 - rng.float()) / Math.log(1 - 1 / 7));

function gapInSession(rng: IssueRandom): number {
  const roll = rng.float();
  if (roll < 0.003) return 0;
  if (roll < 0.0035) return 30 * MINUTE;
  if (roll < 0.004) return 30 * MINUTE + 1;
  let gap = 15_000 * Math.exp(1.3 * rng.normal());
  if (gap > 25 * MINUTE) gap = 25 * MINUTE * rng.float();
  return Math.max(1, Math.round(gap));
}

function eventLine(
  rng: IssueRandom,
  user: User,
  timeMs: number,
  sessionStart: boolean,
  messageNumber: number,
) {
  let type: string;
  if (sessionStart) type = user.identified && rng.float() < 0.1 ? 'identify' : 'page';
  else {
    const roll = rng.float();
    type = roll < 0.35 ? 'page' : roll < 0.97 || !user.identified ? 'track' : 'identify';
  }
  let timestamp = new Date(timeMs).toISOString();
  if (user.secondsOnly) timestamp = `${timestamp.slice(0, 19)}Z`;
  if (rng.float() < 0.1) timestamp = `${timestamp.slice(0, -1)}+00:00`;
  const anonymousId = user.identified ? (rng.float() < 0.8 ? user.anonymousId : null) : user.anonymousId;
  // Members in the order the issue's files have them: the bytes, and so the gzip sizes, match.
  const event: Record<string, unknown> = { type };
  if (type === 'track') event.event = trackName(rng);
  let page: readonly [string, string] | undefined;
  if (type === 'page') {
    page = rng.pick(PAGES);
    event.name = page[0];
  }
  event.userId = user.userId;
  event.anonymousId = anonymousId;
  event.timestamp = timestamp;
  const x = rng.u32();
  const y = rng.u32();
  event.messageId = `${hex(x, 8)}-${hex(y >>> 16, 4)}-4${hex(y & 0xfff, 3)}-${hex(0x8000 | (x & 0x3fff), 4)}-${hex(messageNumber, 12)}`;
  if (type === 'track') event.properties = trackProperties(rng, event.event as string);
  else if (page !== undefined) {
    event.properties = {
      path: page[1],
      title: page[0],
      url: `https://example.com${page[1]}`,
      referrer: rng.pick(REFERRERS),
    };
  } else event.traits = { plan: user.plan, email: `${user.userId}@example.com` };
  event.context = { library: user.library, ip: user.ip };
  return JSON.stringify(event);
}

/** Yields the events as NDJSON lines (without the newline), in time order. */
export function* generateIssueEvents(options: IssueGeneratorOptions): Generator<string> {
  const { events } = options;
  if (!Number.isSafeInteger(events) || events < 0)
    throw new RangeError(`events must be a non-negative integer, got ${events}`);
  const userCount = options.users ?? Math.max(1, Math.round(events / 50));
  if (!Number.isSafeInteger(userCount) || userCount < 1)
    throw new RangeError(`users must be a positive integer, got ${userCount}`);
  const rng = random(options.seed ?? 42);
  const users = Array.from({ length: userCount }, (_, index) => createUser(rng, index));
  const next = new Float64Array(userCount);
  const clock = new UserClock(userCount, next);
  for (let index = 0; index < userCount; index++) {
    const user = users[index] as User;
    let time = START_MS + Math.floor(rng.float() * 3 * 24 * HOUR);
    if (user.secondsOnly) time -= time % 1000;
    next[index] = time;
    clock.push(index);
    user.position = 0;
    user.size = sessionLength(rng);
  }

  for (let produced = 0; produced < events; produced++) {
    const index = clock.peek();
    const user = users[index] as User;
    const time = next[index] as number;
    yield eventLine(rng, user, time, user.position === 0, produced);
    let nextTime: number;
    if (++user.position < user.size) nextTime = time + gapInSession(rng);
    else {
      user.position = 0;
      user.size = sessionLength(rng);
      nextTime = time + 30 * MINUTE + 1 + Math.round(rng.exponential((18 * HOUR) / user.activity));
    }
    if (user.secondsOnly) nextTime = nextTime - (nextTime % 1000) + (nextTime % 1000 === 0 ? 0 : 1000);
    next[index] = nextTime;
    clock.updateTop();
  }
}
