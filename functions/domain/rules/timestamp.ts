/**
 * Timestamps as the rules define them (docs/rules.md, "Timestamps"): `YYYY-MM-DD`, then `T`, `t` or one
 * space, then `HH:MM` or `HH:MM:SS` with an optional `.`/`,` fraction (truncated to the millisecond), then
 * `Z`, `z`, `±HH:MM`, `±HHMM`, `±HH` or nothing (UTC, never local time). Read with one hand-written pass:
 * this runs once per event.
 */

export type TimestampResult = number | 'unparsable' | 'out of range';

const MS_PER_DAY = 86_400_000;

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants the rules accept. */
export const MIN_INSTANT_MS = daysFromCivil(0, 1, 1) * MS_PER_DAY;
export const MAX_INSTANT_MS = daysFromCivil(10_000, 1, 1) * MS_PER_DAY - 1;

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm; no Date, so year 0 is year 0). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The UTC instant of a checked date and time at an offset east of UTC; not yet held to the accepted range. */
function epochMsOf(
  year: number,
  month: number,
  day: number,
  minuteOfDay: number,
  second: number,
  millis: number,
  offsetMinutes: number,
): number {
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((minuteOfDay - offsetMinutes) * 60 + second) * 1000 +
    millis
  );
}

function isAccepted(epochMs: number): boolean {
  return epochMs >= MIN_INSTANT_MS && epochMs <= MAX_INSTANT_MS;
}

/** The value of `count` ASCII digits at `at`, or -1 when any of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** `text` must already be trimmed. */
function parseTrimmed(text: string): TimestampResult {
  const length = text.length;
  if (length < 16 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return 'unparsable';
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const separator = text.charCodeAt(10);
  if (separator !== 84 /* T */ && separator !== 116 /* t */ && separator !== 32) return 'unparsable';
  const hour = digitsAt(text, 11, 2);
  if (text.charCodeAt(13) !== 58 /* : */) return 'unparsable';
  const minute = digitsAt(text, 14, 2);
  if (!isCalendarDate(year, month, day)) return 'unparsable';
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return 'unparsable';
  let at = 16;
  let second = 0;
  let millis = 0;
  if (text.charCodeAt(at) === 58) {
    second = digitsAt(text, at + 1, 2);
    if (second < 0 || second > 59) return 'unparsable';
    at += 3;
    const mark = text.charCodeAt(at);
    if (mark === 46 /* . */ || mark === 44 /* , */) {
      at++;
      const fractionStart = at;
      // Digits past the millisecond are truncated, never rounded.
      for (let digit = text.charCodeAt(at) - 48; digit >= 0 && digit <= 9; digit = text.charCodeAt(at) - 48) {
        const place = at - fractionStart;
        if (place < 3) millis += digit * (place === 0 ? 100 : place === 1 ? 10 : 1);
        at++;
      }
      if (at === fractionStart) return 'unparsable';
    }
  }
  let offsetMinutes = 0;
  if (at < length) {
    const zone = text.charCodeAt(at);
    if (zone === 90 /* Z */ || zone === 122 /* z */) {
      at++;
    } else if (zone === 43 /* + */ || zone === 45 /* - */) {
      const offsetHours = digitsAt(text, at + 1, 2);
      if (offsetHours < 0 || offsetHours > 23) return 'unparsable';
      at += 3;
      let offsetMins = 0;
      if (at < length) {
        if (text.charCodeAt(at) === 58) at++;
        offsetMins = digitsAt(text, at, 2);
        if (offsetMins < 0 || offsetMins > 59) return 'unparsable';
        at += 2;
      }
      offsetMinutes = (zone === 45 ? -1 : 1) * (offsetHours * 60 + offsetMins);
    } else {
      return 'unparsable';
    }
  }
  if (at !== length) return 'unparsable';
  const epochMs = epochMsOf(year, month, day, hour * 60 + minute, second, millis, offsetMinutes);
  return isAccepted(epochMs) ? epochMs : 'out of range';
}

/** UTC epoch milliseconds of a timestamp string, or why it is not one. */
export function parseTimestamp(text: string): TimestampResult {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  // Trimming allocates; nearly every timestamp starts with a digit and ends with one or `Z`.
  const needsTrim =
    !(first >= 48 && first <= 57) || !((last >= 48 && last <= 57) || last === 90 || last === 122);
  return parseTrimmed(needsTrim ? text.trim() : text);
}

/** The two ASCII digits at `at` as a number, or -1 when either is not a digit. */
function twoDigitsAt(bytes: Uint8Array, at: number): number {
  const tens = (bytes[at] as number) - 48;
  const ones = (bytes[at + 1] as number) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/**
 * `bytes[start, end)` read as `YYYY-MM-DDTHH:MM:SS`, then `.sss` or nothing, then `Z` or `±HH:MM`: the forms
 * nearly every export writes (`toISOString`'s among them), read without decoding them. The instant
 * {@link parseTimestamp} gives the same text; undefined for any other text, or one parseTimestamp refuses,
 * which parseTimestamp then reads.
 */
export function isoInstantAt(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (
    end - start < 20 ||
    bytes[start + 4] !== 45 /* - */ ||
    bytes[start + 7] !== 45 ||
    bytes[start + 10] !== 84 /* T */ ||
    bytes[start + 13] !== 58 /* : */ ||
    bytes[start + 16] !== 58
  )
    return undefined;
  const century = twoDigitsAt(bytes, start);
  const yearInCentury = twoDigitsAt(bytes, start + 2);
  if (century < 0 || yearInCentury < 0) return undefined;
  const year = century * 100 + yearInCentury;
  const month = twoDigitsAt(bytes, start + 5);
  const day = twoDigitsAt(bytes, start + 8);
  const hour = twoDigitsAt(bytes, start + 11);
  const minute = twoDigitsAt(bytes, start + 14);
  const second = twoDigitsAt(bytes, start + 17);
  if (!isCalendarDate(year, month, day)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let at = start + 19;
  let millis = 0;
  if (bytes[at] === 46 /* . */ && end - at >= 5) {
    const hundreds = (bytes[at + 1] as number) - 48;
    const rest = twoDigitsAt(bytes, at + 2);
    if (hundreds < 0 || hundreds > 9 || rest < 0) return undefined;
    millis = hundreds * 100 + rest;
    at += 4;
  }
  let offsetMinutes = 0;
  const zone = bytes[at];
  if (end - at === 6 && (zone === 43 /* + */ || zone === 45) && bytes[at + 3] === 58) {
    const offsetHours = twoDigitsAt(bytes, at + 1);
    const offsetMins = twoDigitsAt(bytes, at + 4);
    if (offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) return undefined;
    offsetMinutes = (zone === 45 ? -1 : 1) * (offsetHours * 60 + offsetMins);
  } else if (end - at !== 1 || zone !== 90 /* Z */) {
    return undefined;
  }
  const epochMs = epochMsOf(year, month, day, hour * 60 + minute, second, millis, offsetMinutes);
  return isAccepted(epochMs) ? epochMs : undefined;
}

/** An epoch-ms instant checked against the accepted range (Mixpanel's numeric times). */
export function checkInstant(epochMs: number): TimestampResult {
  // A number too large for a double (`1e400` in JSON) is past any year, not unreadable.
  if (Number.isNaN(epochMs)) return 'unparsable';
  return isAccepted(epochMs) ? epochMs : 'out of range';
}

/** `2024-01-02T08:30:00.000Z`: the one output form, four-digit years included (0000-9999). */
export function formatTimestamp(epochMs: number): string {
  const day = Math.floor(epochMs / MS_PER_DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    // Date formats the calendar part; the clock part below is plain arithmetic, much cheaper per call.
    prefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
    if (dayPrefixes.size >= MAX_CACHED_DAYS) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  const inDay = epochMs - day * MS_PER_DAY;
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  const millis = inDay % 1000;
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
}

const MAX_CACHED_DAYS = 4096;
const dayPrefixes = new Map<number, string>();
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
