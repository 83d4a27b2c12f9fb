/** Generated users: their platform, device, locale and profile. */
import { DAY } from './constants.js';
import { type Random, userRandom } from './random.js';
import {
  CATALOG,
  COMPANIES,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  LOCALES,
  PLANS,
  type Product,
  SITE,
  WEB_LIBRARIES,
  WEB_USER_AGENTS,
} from './vocabulary.js';

export type Platform = 'web' | 'ios' | 'android';

export interface PageState {
  path: string;
  referrer: string;
  title: string;
  url: string;
}

/** Everything about one user that stays stable across its events, plus a little browsing state. */
export interface UserProfile {
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

export const MOBILE_SHARE = 0.1;
export const NUMERIC_USER_ID_SHARE = 0.03;
export const OFFSET_TIMESTAMP_SHARE = 0.04;
export const CLOCK_SKEW_SHARE = 0.1;

export const ANDROID_DEVICES = [
  { manufacturer: 'Google', model: 'Pixel 8' },
  { manufacturer: 'samsung', model: 'SM-S911B' },
  { manufacturer: 'motorola', model: 'moto g54' },
] as const;

export function webDetails(random: Random) {
  return {
    library: { ...random.pick(WEB_LIBRARIES) },
    userAgent: random.pick(WEB_USER_AGENTS),
    device: null,
    os: null,
  };
}

export function mobileDetails(random: Random, platform: 'ios' | 'android', appVersion: string) {
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

export function createProfile(
  seed: number,
  userIndex: number,
  anonymous: boolean,
  startMs: number,
): UserProfile {
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
