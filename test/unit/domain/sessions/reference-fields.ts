/**
 * The reference's reading of rule 1 and rule 3's canonical JSON: plain code over `JSON.parse` output, sharing
 * nothing with the production core (see reference-sessionizer.ts).
 */

export type Json = unknown;
export type JsonObject = Record<string, Json>;

export const isObject = (value: Json): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The member at a path, descending only into objects; undefined when any step is missing. */
export function get(value: Json, ...path: string[]): Json {
  let current = value;
  for (const step of path) {
    if (!isObject(current) || !Object.hasOwn(current, step)) return undefined;
    current = current[step];
  }
  return current;
}

export const has = (value: Json, ...path: string[]) => {
  const parent = path.length === 1 ? value : get(value, ...path.slice(0, -1));
  return isObject(parent) && Object.hasOwn(parent, path[path.length - 1] as string);
};

/** Rule 1 for identities and message ids. */
export function normalizedId(value: Json): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Canonical JSON: keys sorted at every level, no white space, strings and numbers as JSON.stringify writes. */
export function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function inRange(ms: number): number | undefined {
  const year = new Date(ms).getUTCFullYear();
  return Number.isFinite(ms) && year >= 0 && year <= 9999 ? ms : undefined;
}

/** The timestamp grammar of rule 1, read with a regular expression and the Date API. */
export function parseText(value: Json): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TIMESTAMP.exec(value.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, , sign, offsetHours, offsetMinutes] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s ?? '0'].map(Number) as number[];
  const monthDays = month === 2 && isLeap(year as number) ? 29 : DAYS[(month as number) - 1];
  if (monthDays === undefined || (day as number) < 1 || (day as number) > monthDays) return undefined;
  if ((hour as number) > 23 || (minute as number) > 59 || (second as number) > 59) return undefined;
  if (Number(offsetHours ?? 0) > 23 || Number(offsetMinutes ?? 0) > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year as number, (month as number) - 1, day as number);
  date.setUTCHours(
    hour as number,
    minute as number,
    second as number,
    Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  );
  const offset = (sign === '-' ? -1 : 1) * (Number(offsetHours ?? 0) * 60 + Number(offsetMinutes ?? 0));
  return inRange(date.getTime() - offset * 60_000);
}

export function parseEpoch(value: Json): number | undefined {
  if (typeof value !== 'number') return undefined;
  return inRange(value < 1e11 ? Math.round(value * 1000) : Math.trunc(value));
}
