/**
 * Deterministic generator of Segment-style analytics exports for the benchmark and tests.
 *
 * The output imitates a real export: users with bursts of activity (sessions) separated by hours,
 * interleaved across users in time order, plus the defects real pipelines must cope with: events
 * that arrive late, retried duplicates and events without a messageId. It streams: only per-user
 * scheduling state and small hold-back buffers are kept, never the events already produced.
 */

export interface GeneratorOptions {
  /** Exact number of events yielded, duplicates included. */
  events: number;
  seed?: number;
  /** Default: events / 40, at least 1. Capped at the number of distinct events, so every user emits. */
  users?: number;
  /** Default 0.15: share of users that only ever have an anonymousId. */
  anonymousShare?: number;
  /** Default 0.01: events emitted out of time order, far from their neighbours in the file. */
  lateShare?: number;
  /** Default 0.005: exact re-emissions of an earlier event (same messageId). At most half of the events. */
  duplicateShare?: number;
  /** Default 0.002: events that carry no messageId at all. */
  noMessageIdShare?: number;
  /** Default Date.UTC(2024, 0, 1). */
  startMs?: number;
  /** Default 1: the window in which sessions start; long sessions may run past its end. */
  days?: number;
  /** Default 1.5: a user's mean sessions per day of the window (at most 12). */
  sessionsPerDay?: number;
}

export type SegmentEvent = Record<string, unknown>;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Sessionizers commonly split on 30 minutes of inactivity; within-session gaps stay below it, between-session gaps above. */
const SESSION_TIMEOUT = 30 * MINUTE;

const DEFAULTS = {
  seed: 1,
  eventsPerUser: 40,
  anonymousShare: 0.15,
  lateShare: 0.01,
  duplicateShare: 0.005,
  noMessageIdShare: 0.002,
  startMs: Date.UTC(2024, 0, 1),
  days: 1,
  sessionsPerDay: 1.5,
} as const;

const MAX_SESSIONS_PER_DAY = 12;
const MEAN_SESSION_EVENTS = 20;
/** Lognormal spread: median ~12 events, about 1 session in 1,500 beyond 300 events. */
const SESSION_EVENTS_SIGMA = 1;
const MAX_SESSION_EVENTS = 2_000;

// ---------------------------------------------------------------------------------------------
// Randomness

/** sfc32: fast, 128-bit state, good statistical quality; the whole output depends on this alone. */
class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads one 32-bit seed over the 128-bit state so that neighbouring seeds diverge at once.
    let state = seed >>> 0;
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4_294_967_296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.float() * maxExclusive);
  }

  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  /** Log-uniform: short values are as common as long ones per order of magnitude, like human pauses. */
  logBetween(min: number, max: number): number {
    return Math.exp(this.between(Math.log(min), Math.log(max)));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  normal(): number {
    // 1 - float() keeps the logarithm's argument in (0, 1].
    return Math.sqrt(-2 * Math.log(1 - this.float())) * Math.cos(2 * Math.PI * this.float());
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  poisson(mean: number): number {
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let count = 0;
    for (let product = this.float(); product > limit; product *= this.float()) count++;
    return count;
  }

  uuid(): string {
    const a = this.uint32();
    const b = ((this.uint32() & 0xffff0fff) | 0x00004000) >>> 0;
    const c = ((this.uint32() & 0x3fffffff) | 0x80000000) >>> 0;
    const d = this.uint32();
    const bHex = hex8(b);
    const cHex = hex8(c);
    return `${hex8(a)}-${bHex.slice(0, 4)}-${bHex.slice(4)}-${cHex.slice(0, 4)}-${cHex.slice(4)}${hex8(d)}`;
  }
}

const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Table lookups instead of toString(16): hex formatting was a hot spot at millions of ids. */
function hex8(value: number): string {
  return (
    (BYTE_HEX[value >>> 24] as string) +
    (BYTE_HEX[(value >>> 16) & 255] as string) +
    (BYTE_HEX[(value >>> 8) & 255] as string) +
    (BYTE_HEX[value & 255] as string)
  );
}

/** Independent stream per user, so a user's profile does not depend on when the user is first seen. */
function userRandom(seed: number, userIndex: number): Random {
  return new Random(Math.imul(seed ^ 0x5bd1e995, 0x01000193) ^ Math.imul(userIndex + 1, 0x9e3779b1));
}

class WeightedTable<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    this.items = entries.map(([item]) => item);
    let sum = 0;
    this.cumulative = entries.map(([, weight]) => {
      sum += weight;
      return sum;
    });
    this.total = sum;
  }

  pick(random: Random): T {
    const target = random.float() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) {
      if (target < (this.cumulative[i] as number)) return this.items[i] as T;
    }
    return this.items[this.items.length - 1] as T;
  }
}

/**
 * Chooses exactly `quota` of `population` items, one decision at a time, each subset equally likely.
 * Exact counts keep small files honest about the requested shares.
 */
class QuotaSampler {
  constructor(
    private remainingQuota: number,
    private remainingPopulation: number,
  ) {}

  next(random: Random): boolean {
    const chosen = random.float() * this.remainingPopulation < this.remainingQuota;
    this.remainingPopulation--;
    if (chosen) this.remainingQuota--;
    return chosen;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const SITE = 'https://shop.example.com';
const CATEGORIES = [
  'Shoes',
  'Jackets',
  'T-Shirts',
  'Accessories',
  'Bags',
  'Electronics',
  'Home',
  'Kitchen',
  'Outdoor',
  'Toys',
] as const;
const PRODUCT_NOUNS = [
  'Runner',
  'Parka',
  'Tee',
  'Backpack',
  'Headphones',
  'Mug',
  'Lamp',
  'Tent',
  'Watch',
  'Sneaker',
  'Hoodie',
  'Bottle',
] as const;
const PRODUCT_ADJECTIVES = [
  'Classic',
  'Pro',
  'Lite',
  'Urban',
  'Trail',
  'Everyday',
  'Premium',
  'Eco',
] as const;

interface Product {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  price: number;
  slug: string;
}

function buildCatalog(): Product[] {
  // A fixed catalog: product ids are shared vocabulary across seeds, like a real shop's.
  const random = new Random(0xc0ffee);
  return Array.from({ length: 400 }, (_, index) => {
    const name = `${random.pick(PRODUCT_ADJECTIVES)} ${random.pick(PRODUCT_NOUNS)} ${100 + index}`;
    return {
      product_id: `prod_${String(index + 1).padStart(5, '0')}`,
      sku: `SKU-${(random.uint32() % 900_000) + 100_000}`,
      name,
      category: random.pick(CATEGORIES),
      price: Math.round(random.logBetween(4, 400) * 100) / 100 - 0.01,
      slug: name.toLowerCase().replaceAll(' ', '-'),
    };
  });
}

const CATALOG = buildCatalog();

const TRACK_EVENTS = new WeightedTable<string>([
  ['Product Viewed', 20],
  ['Product List Viewed', 8],
  ['Product Clicked', 8],
  ['Search Performed', 7],
  ['Page Viewed', 4],
  ['Product Added', 7],
  ['Product Removed', 1.5],
  ['Cart Viewed', 4],
  ['Checkout Started', 2.5],
  ['Checkout Step Completed', 2],
  ['Payment Info Entered', 1.2],
  ['Order Completed', 1],
  ['Signed In', 2],
  ['Signed Up', 0.5],
  ['Signed Out', 0.7],
  ['Video Played', 3],
  ['Video Paused', 1.5],
  ['Video Completed', 0.8],
  ['Promotion Viewed', 4],
  ['Promotion Clicked', 1],
  ['Coupon Applied', 0.4],
  ['Product Shared', 0.4],
  ['Wishlist Product Added', 0.8],
  ['Button Clicked', 6],
  ['Form Submitted', 1],
  ['Experiment Viewed', 2],
  ['Email Link Clicked', 0.3],
  ['Newsletter Subscribed', 0.3],
]);

interface PageTemplate {
  name: string;
  path: (random: Random, product: Product) => string;
}

const PAGES = new WeightedTable<PageTemplate>([
  [{ name: 'Home', path: () => '/' }, 14],
  [{ name: 'Product', path: (_, product) => `/products/${product.slug}` }, 30],
  [
    {
      name: 'Category',
      path: (random) => `/category/${random.pick(CATEGORIES).toLowerCase()}?page=${1 + random.int(4)}`,
    },
    16,
  ],
  [{ name: 'Search Results', path: (random) => `/search?q=${random.pick(SEARCH_TERMS)}` }, 10],
  [{ name: 'Cart', path: () => '/cart' }, 7],
  [{ name: 'Checkout', path: (random) => `/checkout/${random.pick(['shipping', 'payment', 'review'])}` }, 4],
  [
    { name: 'Account', path: (random) => random.pick(['/account', '/account/orders', '/account/settings']) },
    5,
  ],
  [{ name: 'Blog Post', path: (random) => `/blog/${random.pick(BLOG_SLUGS)}` }, 6],
  [{ name: 'Help Center', path: (random) => `/help/${random.pick(['shipping', 'returns', 'sizing'])}` }, 3],
]);

const SEARCH_TERMS = [
  'running+shoes',
  'rain+jacket',
  'gift',
  'headphones',
  'backpack',
  'sale',
  'lamp',
  'kids',
  'tent',
] as const;
const BLOG_SLUGS = [
  'spring-lookbook',
  'how-to-choose-running-shoes',
  'camping-checklist',
  'gift-guide-2024',
  'care-instructions',
] as const;
const SCREENS = [
  'Home',
  'Product Detail',
  'Category',
  'Search',
  'Cart',
  'Checkout',
  'Profile',
  'Settings',
  'Order History',
] as const;
const EXTERNAL_REFERRERS = new WeightedTable<string>([
  ['', 35],
  ['https://www.google.com/', 35],
  ['https://www.bing.com/', 4],
  ['https://duckduckgo.com/', 3],
  ['https://www.facebook.com/', 6],
  ['https://t.co/', 3],
  ['https://www.instagram.com/', 4],
  ['https://mail.example.com/', 5],
  ['https://www.reddit.com/', 2],
]);

const WEB_USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
] as const;
const WEB_LIBRARIES = [
  { name: 'analytics.js', version: 'next-1.66.0' },
  { name: 'analytics.js', version: 'next-1.64.0' },
  { name: 'analytics.js', version: '4.1.0' },
] as const;
const LOCALES = new WeightedTable<string>([
  ['en-US', 40],
  ['en-GB', 10],
  ['de-DE', 10],
  ['fr-FR', 8],
  ['es-ES', 6],
  ['pt-BR', 6],
  ['nl-NL', 4],
  ['it-IT', 4],
  ['ja-JP', 4],
  ['pl-PL', 3],
  ['en-CA', 3],
  ['sv-SE', 2],
]);
const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Mia',
  'Noah',
  'Emma',
  'Lukas',
  'Sofia',
  'Mateo',
  'Hana',
  'Oliver',
  'Chloe',
  'Jonas',
  'Léa',
  'Yuki',
  'Maja',
  'Diego',
] as const;
const LAST_NAMES = [
  'Smith',
  'Müller',
  'Garcia',
  'Rossi',
  'Dubois',
  'Kowalski',
  'Tanaka',
  'Johansson',
  'Silva',
  'de Vries',
  'Brown',
  'Nguyen',
] as const;
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'] as const;
const PLANS = new WeightedTable<string>([
  ['free', 70],
  ['plus', 22],
  ['business', 8],
]);
const COMPANIES = [
  { name: 'Initrode Ltd', industry: 'Manufacturing' },
  { name: 'Vandelay Industries', industry: 'Import/Export' },
  { name: 'Soylent Corp', industry: 'Food' },
  { name: 'Cyberdyne Systems', industry: 'Technology' },
  { name: 'Tyrell Corporation', industry: 'Biotech' },
  { name: 'Wonka Industries', industry: 'Food' },
] as const;

// ---------------------------------------------------------------------------------------------
// Users

type Platform = 'web' | 'ios' | 'android';

interface PageState {
  path: string;
  referrer: string;
  title: string;
  url: string;
}

/** Everything about one user that stays stable across its events, plus a little browsing state. */
interface UserProfile {
  userId: string | number | null;
  anonymousId: string;
  platform: Platform;
  library: { name: string; version: string };
  userAgent: string;
  locale: string;
  ip: string;
  /** Devices whose SDK reports local time with an offset instead of Z. */
  offsetMinutes: number;
  /** Device clock error: originalTimestamp and sentAt are device time. */
  skewMs: number;
  app: { name: string; version: string; build: string } | null;
  device: { manufacturer: string; model: string; type: string } | null;
  os: { name: string; version: string } | null;
  traits: { email: string; firstName: string; lastName: string; plan: string; createdAt: string };
  company: { id: string; name: string; industry: string } | null;
  page: PageState;
  product: Product;
  cart: Product[];
}

const MOBILE_SHARE = 0.1;
const NUMERIC_USER_ID_SHARE = 0.03;
const OFFSET_TIMESTAMP_SHARE = 0.04;
const CLOCK_SKEW_SHARE = 0.1;

const ANDROID_DEVICES = [
  { manufacturer: 'Google', model: 'Pixel 8' },
  { manufacturer: 'samsung', model: 'SM-S911B' },
  { manufacturer: 'motorola', model: 'moto g54' },
] as const;

function webDetails(random: Random) {
  return {
    library: { ...random.pick(WEB_LIBRARIES) },
    userAgent: random.pick(WEB_USER_AGENTS),
    device: null,
    os: null,
  };
}

function mobileDetails(random: Random, platform: 'ios' | 'android', appVersion: string) {
  if (platform === 'ios') {
    return {
      library: { name: 'analytics-ios', version: random.pick(['4.1.8', '4.1.7']) },
      userAgent: `AcmeShop/${appVersion} CFNetwork/1474 Darwin/23.0.0`,
      device: {
        manufacturer: 'Apple',
        model: random.pick(['iPhone15,2', 'iPhone14,5', 'iPhone16,1']),
        type: 'ios',
      },
      os: { name: 'iOS', version: random.pick(['17.2', '17.1.2', '16.7.4']) },
    };
  }
  const device = random.pick(ANDROID_DEVICES);
  const osVersion = random.pick(['13', '14']);
  return {
    library: { name: 'analytics-android', version: random.pick(['4.11.3', '4.10.4']) },
    userAgent: `Dalvik/2.1.0 (Linux; U; Android ${osVersion}; ${device.model})`,
    device: { ...device, type: 'android' },
    os: { name: 'Android', version: osVersion },
  };
}

function createProfile(seed: number, userIndex: number, anonymous: boolean, startMs: number): UserProfile {
  const random = userRandom(seed, userIndex);
  const roll = random.float();
  const platform: Platform = roll < MOBILE_SHARE * 0.55 ? 'ios' : roll < MOBILE_SHARE ? 'android' : 'web';
  const userId = anonymous
    ? null
    : random.chance(NUMERIC_USER_ID_SHARE)
      ? 100_000 + userIndex
      : `user_${String(userIndex + 1).padStart(6, '0')}`;
  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const emailName = `${firstName}.${lastName}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const companyTemplate = random.chance(0.2) ? random.pick(COMPANIES) : null;
  const appVersion = random.pick(['5.2.1', '5.3.0', '5.3.2']);
  const platformDetails =
    platform === 'web' ? webDetails(random) : mobileDetails(random, platform, appVersion);
  const firstProduct = random.pick(CATALOG);
  return {
    userId,
    anonymousId: random.uuid(),
    platform,
    library: platformDetails.library,
    userAgent: platformDetails.userAgent,
    locale: LOCALES.pick(random),
    ip: `${1 + random.int(222)}.${random.int(256)}.${random.int(256)}.${1 + random.int(254)}`,
    offsetMinutes: random.chance(OFFSET_TIMESTAMP_SHARE) ? 120 : 0,
    skewMs: random.chance(CLOCK_SKEW_SHARE) ? Math.round(random.between(-120_000, 120_000)) : 0,
    app:
      platform === 'web'
        ? null
        : { name: 'Acme Shop', version: appVersion, build: String(500 + random.int(40)) },
    device: platformDetails.device,
    os: platformDetails.os,
    traits: {
      email: `${emailName}${random.int(1000)}@${random.pick(EMAIL_DOMAINS)}`,
      firstName,
      lastName,
      plan: PLANS.pick(random),
      createdAt: new Date(startMs - Math.round(random.between(0, 900) * DAY)).toISOString(),
    },
    company: companyTemplate
      ? { id: `grp_${String(random.int(5000)).padStart(4, '0')}`, ...companyTemplate }
      : null,
    page: { path: '/', referrer: '', title: 'Acme Shop', url: `${SITE}/` },
    product: firstProduct,
    cart: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Event construction

function money(value: number): number {
  return Math.round(value * 100) / 100;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));
const datePrefixes = new Map<number, string>();

/**
 * `2024-01-01T08:30:00.123Z` without Date.prototype.toISOString, which dominated generation time;
 * the date part is cached per day, the rest comes from lookup tables.
 */
function formatIso(ms: number, suffix: string): string {
  const day = Math.floor(ms / DAY);
  let prefix = datePrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    datePrefixes.set(day, prefix);
  }
  const inDay = ms - day * DAY;
  const hours = Math.floor(inDay / HOUR);
  const minutes = Math.floor((inDay % HOUR) / MINUTE);
  const seconds = Math.floor((inDay % MINUTE) / SECOND);
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[inDay % SECOND]}${suffix}`;
}

function offsetSuffix(offsetMinutes: number): string {
  const hours = TWO_DIGITS[Math.floor(Math.abs(offsetMinutes) / 60)];
  return `${offsetMinutes < 0 ? '-' : '+'}${hours}:${TWO_DIGITS[Math.abs(offsetMinutes) % 60]}`;
}

function formatUtc(ms: number): string {
  return formatIso(ms, 'Z');
}

function formatDeviceTime(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return formatIso(ms, 'Z');
  return formatIso(ms + offsetMinutes * MINUTE, offsetSuffix(offsetMinutes));
}

function sendDelayMs(random: Random, platform: Platform): number {
  // analytics.js sends at once; mobile SDKs flush in batches every ~30 s.
  return platform === 'web' ? Math.round(random.between(5, 400)) : Math.round(random.between(50, 30_000));
}

/** sentAt and receivedAt for an event delivered at `deliveredMs` (later than its timestamp when it arrived late). */
function deliveryTimes(
  random: Random,
  profile: Pick<UserProfile, 'platform' | 'skewMs' | 'offsetMinutes'>,
  deliveredMs: number,
) {
  const sendDelay = sendDelayMs(random, profile.platform);
  return {
    sentAt: formatDeviceTime(deliveredMs + sendDelay + profile.skewMs, profile.offsetMinutes),
    receivedAt: formatUtc(deliveredMs + sendDelay + Math.round(random.between(20, 600))),
  };
}

function visitPage(random: Random, profile: UserProfile, firstInSession: boolean): PageTemplate {
  const template = PAGES.pick(random);
  if (template.name === 'Product') profile.product = random.pick(CATALOG);
  const path = template.path(random, profile.product);
  const title =
    template.name === 'Product' ? `${profile.product.name} | Acme Shop` : `${template.name} | Acme Shop`;
  profile.page = {
    path,
    referrer: firstInSession ? EXTERNAL_REFERRERS.pick(random) : profile.page.url,
    title,
    url: `${SITE}${path}`,
  };
  return template;
}

function productProperties(product: Product) {
  return {
    product_id: product.product_id,
    sku: product.sku,
    name: product.name,
    category: product.category,
    price: product.price,
    currency: 'USD',
  };
}

function cartValue(cart: readonly Product[]): number {
  return money(cart.reduce((sum, product) => sum + product.price, 0));
}

function trackProperties(random: Random, profile: UserProfile, event: string): Record<string, unknown> {
  switch (event) {
    case 'Product Viewed':
    case 'Product Clicked':
    case 'Product Shared':
    case 'Wishlist Product Added': {
      if (random.chance(0.4)) profile.product = random.pick(CATALOG);
      return { ...productProperties(profile.product), position: 1 + random.int(24) };
    }
    case 'Product Added': {
      if (profile.cart.length < 6) profile.cart.push(profile.product);
      return { ...productProperties(profile.product), quantity: 1 + (random.chance(0.15) ? 1 : 0) };
    }
    case 'Product Removed': {
      const removed = profile.cart.pop() ?? profile.product;
      return { ...productProperties(removed), quantity: 1 };
    }
    case 'Product List Viewed':
      return { list_id: `list_${random.int(60)}`, category: random.pick(CATEGORIES) };
    case 'Search Performed':
      return { query: random.pick(SEARCH_TERMS).replaceAll('+', ' '), results: random.int(120) };
    case 'Cart Viewed':
    case 'Checkout Started':
      return {
        cart_id: `cart_${hex8(random.uint32())}`,
        value: cartValue(profile.cart),
        currency: 'USD',
        products: profile.cart.length,
      };
    case 'Checkout Step Completed':
      return {
        checkout_id: `chk_${hex8(random.uint32())}`,
        step: 1 + random.int(3),
        shipping_method: 'standard',
      };
    case 'Payment Info Entered':
      return {
        checkout_id: `chk_${hex8(random.uint32())}`,
        step: 3,
        payment_method: random.pick(['card', 'paypal', 'apple_pay']),
      };
    case 'Order Completed': {
      const items = profile.cart.length > 0 ? profile.cart : [profile.product];
      const subtotal = cartValue(items);
      profile.cart = [];
      return {
        order_id: `ord_${hex8(random.uint32())}`,
        total: money(subtotal * 1.08 + 4.99),
        revenue: subtotal,
        tax: money(subtotal * 0.08),
        shipping: 4.99,
        currency: 'USD',
        products: items.slice(0, 3).map((item) => ({
          product_id: item.product_id,
          sku: item.sku,
          price: item.price,
          quantity: 1,
        })),
      };
    }
    case 'Signed In':
    case 'Signed Up':
    case 'Signed Out':
      return { method: random.pick(['email', 'google', 'apple']) };
    case 'Video Played':
    case 'Video Paused':
    case 'Video Completed':
      return {
        video_id: `vid_${random.int(80)}`,
        position: random.int(180),
        total_length: 180,
        sound: random.int(101),
      };
    case 'Promotion Viewed':
    case 'Promotion Clicked':
      return {
        promotion_id: `promo_${random.int(12)}`,
        creative: random.pick(['hero_banner', 'sidebar', 'popup']),
        name: random.pick(['Winter Sale', 'Free Shipping', 'New Arrivals']),
      };
    case 'Coupon Applied':
      return {
        coupon_id: random.pick(['WELCOME10', 'WINTER24', 'FREESHIP']),
        discount: random.pick([5, 10, 15]),
      };
    case 'Button Clicked':
      return {
        button_id: random.pick(['nav_menu', 'size_guide', 'add_to_wishlist', 'newsletter_cta', 'chat']),
        label: random.pick(['Menu', 'Size guide', 'Save', 'Subscribe', 'Help']),
      };
    case 'Form Submitted':
      return { form_id: random.pick(['contact', 'newsletter', 'review']) };
    case 'Experiment Viewed':
      return {
        experiment_id: `exp_${random.int(6)}`,
        experiment_name: random.pick(['checkout_redesign', 'free_shipping_banner', 'search_ranking']),
        variation_name: random.pick(['control', 'variant_a', 'variant_b']),
      };
    case 'Email Link Clicked':
      return { campaign: random.pick(['weekly_digest', 'abandoned_cart', 'winter_sale']), link: 'cta' };
    case 'Newsletter Subscribed':
      return { list: 'weekly_digest', source: random.pick(['footer', 'popup', 'checkout']) };
    default:
      return { path: profile.page.path, url: profile.page.url, referrer: profile.page.referrer };
  }
}

function buildContext(profile: UserProfile): Record<string, unknown> {
  // Fresh objects per event: a consumer normalizing one event in place must not change others.
  const context: Record<string, unknown> = {
    library: { name: profile.library.name, version: profile.library.version },
    ip: profile.ip,
    userAgent: profile.userAgent,
    locale: profile.locale,
  };
  // analytics.js would also send context.page; it is left out to keep events at the ~600 bytes of real exports.
  if (profile.platform !== 'web') {
    context.app = { ...profile.app };
    context.device = { ...profile.device };
    context.os = { ...profile.os };
  }
  return context;
}

type EventKind = 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';

function chooseKind(
  random: Random,
  profile: UserProfile,
  sessionEventIndex: number,
  firstSession: boolean,
): EventKind {
  const identified = profile.userId !== null;
  const web = profile.platform === 'web';
  if (sessionEventIndex === 0) {
    if (identified && random.chance(firstSession ? 0.5 : 0.2)) return 'identify';
    return web ? (random.chance(0.7) ? 'page' : 'track') : random.chance(0.5) ? 'screen' : 'track';
  }
  const roll = random.float();
  if (identified) {
    if (roll < 0.005) return 'identify';
    if (roll < 0.008 && profile.company !== null) return 'group';
    if (roll < 0.009) return 'alias';
  }
  if (roll < 0.21) return web ? 'page' : 'screen';
  return 'track';
}

function buildEvent(
  random: Random,
  profile: UserProfile,
  timeMs: number,
  kind: EventKind,
  sessionEventIndex: number,
  withMessageId: boolean,
): SegmentEvent {
  const event: SegmentEvent = { type: kind };
  switch (kind) {
    case 'track': {
      const name =
        sessionEventIndex === 0 && profile.platform !== 'web'
          ? 'Application Opened'
          : TRACK_EVENTS.pick(random);
      event.event = name;
      event.properties =
        name === 'Application Opened'
          ? { from_background: random.chance(0.4), version: profile.app?.version, build: profile.app?.build }
          : trackProperties(random, profile, name);
      break;
    }
    case 'page': {
      const template = visitPage(random, profile, sessionEventIndex === 0);
      event.name = template.name;
      event.properties = { ...profile.page };
      break;
    }
    case 'screen': {
      const name = random.pick(SCREENS);
      event.name = name;
      event.properties =
        name === 'Product Detail'
          ? { product_id: profile.product.product_id, category: profile.product.category }
          : {};
      break;
    }
    case 'identify':
      event.traits = { ...profile.traits };
      break;
    case 'group':
      event.groupId = profile.company?.id;
      event.traits = { name: profile.company?.name, industry: profile.company?.industry, plan: 'business' };
      break;
    case 'alias':
      event.previousId = profile.anonymousId;
      break;
  }
  event.userId = profile.userId;
  event.anonymousId = profile.anonymousId;
  if (withMessageId) event.messageId = random.uuid();
  event.timestamp = formatDeviceTime(timeMs, profile.offsetMinutes);
  event.originalTimestamp = formatDeviceTime(timeMs + profile.skewMs, profile.offsetMinutes);
  const delivery = deliveryTimes(random, profile, timeMs);
  event.sentAt = delivery.sentAt;
  event.receivedAt = delivery.receivedAt;
  event.context = buildContext(profile);
  return event;
}

// ---------------------------------------------------------------------------------------------
// Session planning

/** Relative activity per UTC hour: quiet nights, busy evenings. */
const HOURLY_ACTIVITY = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8, 9, 10, 10, 9, 7, 5, 3] as const;
const PEAK_ACTIVITY = Math.max(...HOURLY_ACTIVITY);

interface SessionPlan {
  users: number;
  anonymous: Uint8Array;
  /** Sessions of user u are firstSession[u] .. firstSession[u + 1] - 1, in start order. */
  firstSession: Int32Array;
  plannedStartMs: Float64Array;
  eventCount: Int32Array;
}

function plannedSessionStart(random: Random, startMs: number, windowMs: number): number {
  // Rejection sampling follows the daily rhythm and works for fractional day windows too.
  for (;;) {
    const offset = random.float() * windowMs;
    const hour = Math.floor((offset % DAY) / HOUR);
    if (random.float() * PEAK_ACTIVITY < (HOURLY_ACTIVITY[hour] ?? PEAK_ACTIVITY)) {
      return startMs + Math.floor(offset);
    }
  }
}

function planSessions(
  random: Random,
  users: number,
  anonymousUsers: number,
  originals: number,
  days: number,
  sessionsPerDay: number,
  startMs: number,
): SessionPlan {
  const anonymous = new Uint8Array(users);
  const anonymousSampler = new QuotaSampler(anonymousUsers, users);
  for (let user = 0; user < users; user++) anonymous[user] = anonymousSampler.next(random) ? 1 : 0;

  const maxSessionsPerUser = Math.max(1, Math.ceil(days * MAX_SESSIONS_PER_DAY));
  const firstSession = new Int32Array(users + 1);
  for (let user = 0; user < users; user++) {
    const sessions = Math.min(maxSessionsPerUser, Math.max(1, random.poisson(sessionsPerDay * days)));
    firstSession[user + 1] = (firstSession[user] as number) + sessions;
  }
  const sessionCount = firstSession[users] as number;
  const plannedStartMs = new Float64Array(sessionCount);
  const eventCount = new Int32Array(sessionCount);
  const rawSizes = new Float64Array(sessionCount);
  const logMean = Math.log(MEAN_SESSION_EVENTS) - (SESSION_EVENTS_SIGMA * SESSION_EVENTS_SIGMA) / 2;
  let rawTotal = 0;
  for (let user = 0; user < users; user++) {
    const from = firstSession[user] as number;
    const to = firstSession[user + 1] as number;
    for (let session = from; session < to; session++) {
      plannedStartMs[session] = plannedSessionStart(random, startMs, days * DAY);
      const size = Math.min(
        MAX_SESSION_EVENTS,
        Math.max(1, Math.round(Math.exp(logMean + SESSION_EVENTS_SIGMA * random.normal()))),
      );
      rawSizes[session] = size;
      rawTotal += size;
    }
    plannedStartMs.subarray(from, to).sort();
  }

  // Scale the drawn sizes to hit the requested total exactly: every user's first session keeps one
  // guaranteed event, the rest is shared in proportion to the drawn sizes by cumulative rounding.
  const shared = originals - users;
  let cumulativeRaw = 0;
  let allocated = 0;
  for (let user = 0; user < users; user++) {
    const from = firstSession[user] as number;
    const to = firstSession[user + 1] as number;
    for (let session = from; session < to; session++) {
      cumulativeRaw += rawSizes[session] as number;
      const target = Math.round((cumulativeRaw / rawTotal) * shared);
      eventCount[session] = target - allocated + (session === from ? 1 : 0);
      allocated = target;
    }
  }
  return { users, anonymous, firstSession, plannedStartMs, eventCount };
}

/** Min-heap of user indices by next event time; ties go to the lower index so the order is deterministic. */
class UserClock {
  private readonly heap: Int32Array;
  private size = 0;

  constructor(
    capacity: number,
    private readonly nextTimeMs: Float64Array,
  ) {
    this.heap = new Int32Array(capacity);
  }

  get empty(): boolean {
    return this.size === 0;
  }

  peek(): number {
    return this.heap[0] as number;
  }

  push(user: number): void {
    this.heap[this.size] = user;
    this.size++;
    this.siftUp(this.size - 1);
  }

  /** Call after the top user's time moved forward. */
  updateTop(): void {
    this.siftDown(0);
  }

  pop(): void {
    this.size--;
    if (this.size > 0) {
      this.heap[0] = this.heap[this.size] as number;
      this.siftDown(0);
    }
  }

  private before(a: number, b: number): boolean {
    const timeA = this.nextTimeMs[a] as number;
    const timeB = this.nextTimeMs[b] as number;
    return timeA < timeB || (timeA === timeB && a < b);
  }

  private siftUp(index: number): void {
    const user = this.heap[index] as number;
    let at = index;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const parentUser = this.heap[parent] as number;
      if (!this.before(user, parentUser)) break;
      this.heap[at] = parentUser;
      at = parent;
    }
    this.heap[at] = user;
  }

  private siftDown(index: number): void {
    const user = this.heap[index] as number;
    let at = index;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.size) break;
      const right = left + 1;
      let child = left;
      if (right < this.size && this.before(this.heap[right] as number, this.heap[left] as number))
        child = right;
      const childUser = this.heap[child] as number;
      if (!this.before(childUser, user)) break;
      this.heap[at] = childUser;
      at = child;
    }
    this.heap[at] = user;
  }
}

function intraSessionGapMs(random: Random): number {
  const roll = random.float();
  if (roll < 0.85) return Math.round(random.logBetween(5 * SECOND, 120 * SECOND));
  if (roll < 0.97) return Math.round(random.between(2 * MINUTE, 10 * MINUTE));
  return Math.round(random.between(10 * MINUTE, 25 * MINUTE));
}

// ---------------------------------------------------------------------------------------------
// Emission

interface ProducedEvent {
  event: SegmentEvent;
  timeMs: number;
  duplicateLater: boolean;
  profile: Pick<UserProfile, 'platform' | 'skewMs' | 'offsetMinutes'>;
}

interface HeldEvent {
  releaseAt: number;
  sequence: number;
  produced: ProducedEvent;
  late: boolean;
}

/** Events held back until a given output position: late arrivals and scheduled duplicates. */
class HoldBack {
  private readonly heap: HeldEvent[] = [];
  private sequence = 0;

  get size(): number {
    return this.heap.length;
  }

  add(releaseAt: number, produced: ProducedEvent, late: boolean): void {
    this.heap.push({ releaseAt, sequence: this.sequence++, produced, late });
    let at = this.heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) break;
      this.swap(at, parent);
      at = parent;
    }
  }

  /** The earliest held event if it is due at `position` (or any when `force`). */
  takeDue(position: number, force: boolean): HeldEvent | undefined {
    const top = this.heap[0];
    if (top === undefined || (!force && top.releaseAt > position)) return undefined;
    const last = this.heap.pop() as HeldEvent;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        const right = left + 1;
        let smallest = at;
        if (left < this.heap.length && this.before(left, smallest)) smallest = left;
        if (right < this.heap.length && this.before(right, smallest)) smallest = right;
        if (smallest === at) break;
        this.swap(at, smallest);
        at = smallest;
      }
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i] as HeldEvent;
    const b = this.heap[j] as HeldEvent;
    return a.releaseAt < b.releaseAt || (a.releaseAt === b.releaseAt && a.sequence < b.sequence);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as HeldEvent;
    this.heap[i] = this.heap[j] as HeldEvent;
    this.heap[j] = a;
  }
}

function requireShare(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new RangeError(`${name} must be within [0, 1], got ${value}`);
  return value;
}

function resolveOptions(options: GeneratorOptions) {
  const { events } = options;
  if (!Number.isSafeInteger(events) || events < 0) {
    throw new RangeError(`events must be a non-negative integer, got ${events}`);
  }
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const users = options.users ?? Math.max(1, Math.floor(events / DEFAULTS.eventsPerUser));
  if (!Number.isSafeInteger(users) || users < 1)
    throw new RangeError(`users must be a positive integer, got ${users}`);
  const days = options.days ?? DEFAULTS.days;
  if (!Number.isFinite(days) || days <= 0) throw new RangeError(`days must be positive, got ${days}`);
  const startMs = options.startMs ?? DEFAULTS.startMs;
  if (!Number.isFinite(startMs)) throw new RangeError(`startMs must be a finite epoch time, got ${startMs}`);
  const sessionsPerDay = options.sessionsPerDay ?? DEFAULTS.sessionsPerDay;
  if (!(sessionsPerDay > 0 && sessionsPerDay <= MAX_SESSIONS_PER_DAY)) {
    throw new RangeError(`sessionsPerDay must be in (0, ${MAX_SESSIONS_PER_DAY}], got ${sessionsPerDay}`);
  }
  return {
    events,
    seed,
    users,
    days,
    sessionsPerDay,
    startMs: Math.floor(startMs),
    anonymousShare: requireShare('anonymousShare', options.anonymousShare ?? DEFAULTS.anonymousShare),
    lateShare: requireShare('lateShare', options.lateShare ?? DEFAULTS.lateShare),
    duplicateShare: requireShare('duplicateShare', options.duplicateShare ?? DEFAULTS.duplicateShare),
    noMessageIdShare: requireShare('noMessageIdShare', options.noMessageIdShare ?? DEFAULTS.noMessageIdShare),
  };
}

/**
 * Yields `opts.events` Segment-style events in file order. Same options (seed included) → same output.
 * Each yielded object is fresh and owned by the caller.
 */
export function* generateEvents(opts: GeneratorOptions): Generator<SegmentEvent> {
  const options = resolveOptions(opts);
  const total = options.events;
  if (total === 0) return;

  // Every duplicate needs its own original, hence at most half of the file.
  const duplicates = Math.min(Math.round(total * options.duplicateShare), Math.floor(total / 2));
  const originals = total - duplicates;
  const lateCount = Math.round(originals * options.lateShare);
  const withoutMessageId = Math.min(Math.round(originals * options.noMessageIdShare), originals - duplicates);
  const users = Math.min(options.users, originals);

  const random = new Random(options.seed);
  const plan = planSessions(
    random,
    users,
    Math.round(users * options.anonymousShare),
    originals,
    options.days,
    options.sessionsPerDay,
    options.startMs,
  );

  // Hold-back distances in output positions: far enough that late events land among strangers,
  // bounded so that the buffers stay small on multi-million-event files.
  const lateSpan = Math.min(100_000, Math.max(50, Math.floor(total / 20)));
  const lateDistance = () => Math.round(random.between(lateSpan / 4, lateSpan));
  const duplicateDistance = () =>
    random.chance(0.75) ? 1 + random.int(50) : Math.round(random.between(50, Math.max(51, lateSpan)));

  const nextTimeMs = new Float64Array(users);
  const sessionCursor = new Int32Array(users);
  const remainingInSession = new Int32Array(users);
  const sessionEventIndex = new Int32Array(users);
  const profiles: (UserProfile | undefined)[] = new Array(users);
  const clock = new UserClock(users, nextTimeMs);

  /** Moves the user to its next non-empty session; false when it has none left. */
  const enterNextSession = (user: number, earliestMs: number): boolean => {
    const end = plan.firstSession[user + 1] as number;
    for (let session = sessionCursor[user] as number; session < end; session++) {
      const size = plan.eventCount[session] as number;
      if (size === 0) continue;
      sessionCursor[user] = session + 1;
      remainingInSession[user] = size;
      sessionEventIndex[user] = 0;
      nextTimeMs[user] = Math.max(plan.plannedStartMs[session] as number, earliestMs);
      return true;
    }
    sessionCursor[user] = end;
    return false;
  };

  for (let user = 0; user < users; user++) {
    sessionCursor[user] = plan.firstSession[user] as number;
    if (enterNextSession(user, Number.NEGATIVE_INFINITY)) clock.push(user);
  }

  const lateSampler = new QuotaSampler(lateCount, originals);
  let duplicateQuota = duplicates;
  let missingIdQuota = withoutMessageId;
  let originalsLeft = originals;

  const produceNext = (): { produced: ProducedEvent; late: boolean } | undefined => {
    if (clock.empty) return undefined;
    const user = clock.peek();
    const timeMs = nextTimeMs[user] as number;
    const sessionIndex = (sessionCursor[user] as number) - 1;
    const firstSession = sessionIndex === plan.firstSession[user];
    let profile = profiles[user];
    if (profile === undefined) {
      profile = createProfile(options.seed, user, plan.anonymous[user] === 1, options.startMs);
      profiles[user] = profile;
    }
    const indexInSession = sessionEventIndex[user] as number;

    // Duplicated and id-less events are disjoint: a duplicate is only recognisable by its messageId.
    const roll = random.float() * originalsLeft;
    const duplicateLater = roll < duplicateQuota;
    const missingId = !duplicateLater && roll < duplicateQuota + missingIdQuota;
    if (duplicateLater) duplicateQuota--;
    if (missingId) missingIdQuota--;
    originalsLeft--;

    const kind = chooseKind(random, profile, indexInSession, firstSession);
    const event = buildEvent(random, profile, timeMs, kind, indexInSession, !missingId);
    const produced: ProducedEvent = { event, timeMs, duplicateLater, profile };
    const late = lateSampler.next(random);

    remainingInSession[user] = (remainingInSession[user] as number) - 1;
    sessionEventIndex[user] = indexInSession + 1;
    if ((remainingInSession[user] as number) > 0) {
      nextTimeMs[user] = timeMs + intraSessionGapMs(random);
      clock.updateTop();
    } else if (
      enterNextSession(user, timeMs + SESSION_TIMEOUT + MINUTE + Math.round(random.exponential(90 * MINUTE)))
    ) {
      clock.updateTop();
    } else {
      clock.pop();
      profiles[user] = undefined;
    }
    return { produced, late };
  };

  const hold = new HoldBack();
  let position = 0;
  let streamTimeMs = options.startMs;
  const emit = (produced: ProducedEvent, original: boolean): SegmentEvent => {
    if (original && produced.duplicateLater) {
      hold.add(
        position + duplicateDistance(),
        { ...produced, event: structuredClone(produced.event) },
        false,
      );
    }
    position++;
    return produced.event;
  };

  while (position < total) {
    let held = hold.takeDue(position, false);
    if (held === undefined) {
      const next = produceNext();
      if (next?.late) {
        hold.add(position + lateDistance(), next.produced, true);
        continue;
      }
      if (next !== undefined) {
        streamTimeMs = next.produced.timeMs;
        yield emit(next.produced, true);
        continue;
      }
      held = hold.takeDue(position, true);
      if (held === undefined) break;
    }
    if (held.late) {
      // Buffered on the device and delivered now: the old timestamp stays, sentAt/receivedAt are current.
      const { produced } = held;
      const delivery = deliveryTimes(random, produced.profile, Math.max(streamTimeMs, produced.timeMs));
      produced.event.sentAt = delivery.sentAt;
      produced.event.receivedAt = delivery.receivedAt;
    }
    yield emit(held.produced, held.late);
  }
}
