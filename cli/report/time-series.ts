export type SeriesUnit = 'day' | 'week' | 'month' | 'year';

export interface SeriesBin {
  /** The bin's first day, `YYYY-MM-DD` (UTC). */
  readonly start: string;
  readonly sessions: number;
}

export interface SessionSeries {
  readonly unit: SeriesUnit;
  readonly bins: readonly SeriesBin[];
}

const DAY_MS = 86_400_000;
/** More bars than this would be thinner than a pixel in the report. */
export const MAX_BINS = 400;

/** Days since 1970-01-01 (UTC) of an instant. */
export function dayNumber(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The first day of the bin `day` falls in: itself, its Monday, its month's or year's first day. */
function binStart(day: number, unit: SeriesUnit): number {
  if (unit === 'day') return day;
  // 1970-01-01 was a Thursday, three days after a Monday.
  if (unit === 'week') return day - ((((day + 3) % 7) + 7) % 7);
  const date = new Date(day * DAY_MS);
  const start = new Date(0);
  start.setUTCFullYear(date.getUTCFullYear(), unit === 'month' ? date.getUTCMonth() : 0, 1);
  return dayNumber(start.getTime());
}

function nextBinStart(start: number, unit: SeriesUnit): number {
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

const APPROXIMATE_DAYS: Record<SeriesUnit, number> = { day: 1, week: 7, month: 31, year: 366 };

/**
 * Sessions per day, or per week, month or year when a day per bar would make more than {@link MAX_BINS}
 * bars. Empty bins between the first and last are included, except in a span of more than MAX_BINS years
 * (bad timestamps), where only non-empty years are listed.
 */
export function sessionSeries(sessionsPerDay: ReadonlyMap<number, number>): SessionSeries {
  if (sessionsPerDay.size === 0) return { unit: 'day', bins: [] };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const day of sessionsPerDay.keys()) {
    first = Math.min(first, day);
    last = Math.max(last, day);
  }
  const units: SeriesUnit[] = ['day', 'week', 'month', 'year'];
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
