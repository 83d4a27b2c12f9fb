/** An event's times as devices and Segment write them: ISO 8601 in the device's offset, when it was sent and received. */
import { DAY, HOUR, MINUTE, SECOND } from './constants.js';
import type { Random } from './random.js';
import type { Platform, UserProfile } from './users.js';

export const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, '0'));
export const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));
export const datePrefixes = new Map<number, string>();

/**
 * `2024-01-01T08:30:00.123Z` without Date.prototype.toISOString, which dominated generation time;
 * the date part is cached per day, the rest comes from lookup tables.
 */
export function formatIso(ms: number, suffix: string): string {
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

export function offsetSuffix(offsetMinutes: number): string {
  const hours = TWO_DIGITS[Math.floor(Math.abs(offsetMinutes) / 60)];
  return `${offsetMinutes < 0 ? '-' : '+'}${hours}:${TWO_DIGITS[Math.abs(offsetMinutes) % 60]}`;
}

export function formatUtc(ms: number): string {
  return formatIso(ms, 'Z');
}

export function formatDeviceTime(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return formatIso(ms, 'Z');
  return formatIso(ms + offsetMinutes * MINUTE, offsetSuffix(offsetMinutes));
}

export function sendDelayMs(random: Random, platform: Platform): number {
  // analytics.js sends at once; mobile SDKs flush in batches every ~30 s.
  return platform === 'web' ? Math.round(random.between(5, 400)) : Math.round(random.between(50, 30_000));
}

/** sentAt and receivedAt for an event delivered at `deliveredMs` (later than its timestamp when it arrived late). */
export function deliveryTimes(
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
