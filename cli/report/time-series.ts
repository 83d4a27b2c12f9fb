export type SeriesUnit = 'hour' | 'day' | 'week' | 'month' | 'year';

export interface SeriesBin {
  /**
   * Where the bin starts (UTC): `YYYY-MM-DD HH:00` for an hour, else its first day, `YYYY-MM-DD`; the week
   * of 0000-01-01 starts in year -1, written as ISO 8601's expanded years write it (`-000001-12-27`).
   */
  readonly start: string;
  readonly sessions: number;
}

export interface SessionSeries {
  readonly unit: SeriesUnit;
  readonly bins: readonly SeriesBin[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** More bars than this would be thinner than a pixel in the report. */
export const MAX_BINS = 400;
/**
 * Sessions within two days (a daily export, with the evening before or the morning after) are counted per
 * hour: per day they would be one or two bars.
 */
export const MAX_HOURLY_BINS = 48;

/** Hours since 1970-01-01T00:00Z of an instant. */
export function hourNumber(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS);
}

type DayUnit = Exclude<SeriesUnit, 'hour'>;

/** Days since 1970-01-01 (UTC) of an instant. */
function dayNumber(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

function isoHour(hour: number): string {
  return `${new Date(hour * HOUR_MS).toISOString().slice(0, 13).replace('T', ' ')}:00`;
}

function isoDay(day: number): string {
  // Up to the `T`: a year before 0000 has a sign and six digits, which a cut at 10 characters halved.
  const iso = new Date(day * DAY_MS).toISOString();
  return iso.slice(0, iso.indexOf('T'));
}

/** The first day of the bin `day` falls in: itself, its Monday, its month's or year's first day. */
function binStart(day: number, unit: DayUnit): number {
  if (unit === 'day') return day;
  // 1970-01-01 was a Thursday, three days after a Monday.
  if (unit === 'week') return day - ((((day + 3) % 7) + 7) % 7);
  const date = new Date(day * DAY_MS);
  const start = new Date(0);
  start.setUTCFullYear(date.getUTCFullYear(), unit === 'month' ? date.getUTCMonth() : 0, 1);
  return dayNumber(start.getTime());
}

function nextBinStart(start: number, unit: DayUnit): number {
  if (unit === 'day') return start + 1;
  if (unit === 'week') return start + 7;
  const date = new Date(start * DAY_MS);
  const next = new Date(0);
  next.setUTCFullYear(
    date.getUTCFullYear() + (unit === 'year' ? 1 : 0),
    date.getUTCMonth() + (unit === 'month' ? 1 : 0),
    1,
  );
  return dayNumber(next.getTime());
}

const APPROXIMATE_DAYS: Record<DayUnit, number> = { day: 1, week: 7, month: 31, year: 366 };

/** The smallest and the largest key of a map that holds some. */
function keyRange(counts: ReadonlyMap<number, number>): [number, number] {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const key of counts.keys()) {
    first = Math.min(first, key);
    last = Math.max(last, key);
  }
  return [first, last];
}

/**
 * Sessions per hour (keys: {@link hourNumber}) when they span at most {@link MAX_HOURLY_BINS} hours, with the
 * empty hours between; else as {@link daySeries} counts them.
 */
export function sessionSeries(sessionsPerHour: ReadonlyMap<number, number>): SessionSeries {
  if (sessionsPerHour.size === 0) return { unit: 'day', bins: [] };
  const [first, last] = keyRange(sessionsPerHour);
  if (last - first + 1 <= MAX_HOURLY_BINS) {
    const bins: SeriesBin[] = [];
    for (let hour = first; hour <= last; hour++) {
      bins.push({ start: isoHour(hour), sessions: sessionsPerHour.get(hour) ?? 0 });
    }
    return { unit: 'hour', bins };
  }
  const sessionsPerDay = new Map<number, number>();
  for (const [hour, sessions] of sessionsPerHour) {
    const day = Math.floor(hour / 24);
    sessionsPerDay.set(day, (sessionsPerDay.get(day) ?? 0) + sessions);
  }
  return daySeries(sessionsPerDay);
}

/**
 * Sessions per day (keys: days since 1970-01-01 UTC), or per week, month or year when a day per bar would
 * make more than {@link MAX_BINS} bars. Empty bins between the first and last are included, except in a
 * span of more than MAX_BINS years (bad timestamps), where only non-empty years are listed.
 */
export function daySeries(sessionsPerDay: ReadonlyMap<number, number>): SessionSeries {
  if (sessionsPerDay.size === 0) return { unit: 'day', bins: [] };
  const [first, last] = keyRange(sessionsPerDay);
  const units: DayUnit[] = ['day', 'week', 'month', 'year'];
  const unit =
    units.find((candidate) => (last - first + 1) / APPROXIMATE_DAYS[candidate] <= MAX_BINS - 1) ?? 'year';
  const counts = new Map<number, number>();
  for (const [day, sessions] of sessionsPerDay) {
    const start = binStart(day, unit);
    counts.set(start, (counts.get(start) ?? 0) + sessions);
  }
  const starts = [...counts.keys()].sort((a, b) => a - b);
  const fill = (last - first + 1) / APPROXIMATE_DAYS[unit] <= MAX_BINS;
  const bins: SeriesBin[] = [];
  if (fill) {
    for (let start = binStart(first, unit); start <= last; start = nextBinStart(start, unit)) {
      bins.push({ start: isoDay(start), sessions: counts.get(start) ?? 0 });
    }
  } else {
    for (const start of starts) bins.push({ start: isoDay(start), sessions: counts.get(start) ?? 0 });
  }
  return { unit, bins };
}
