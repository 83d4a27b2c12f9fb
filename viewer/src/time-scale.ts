import { formatDay, formatMinute, monthName, yearText } from './format.js';

/** The stretch of time the timeline shows, in epoch ms. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** How far the view may go: never narrower than `minSpan`, never outside `bounds`. */
export interface WindowLimits {
  readonly bounds: TimeWindow;
  readonly minSpan: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The closest zoom: an hour across the whole width. */
export const MIN_SPAN = HOUR;

export const span = (window: TimeWindow) => window.end - window.start;

/** The window around a history, padded by a share of its span on each side and at least `minSpan` wide. */
export function fitWindow(start: number, end: number, minSpan = MIN_SPAN, padding = 0.04): TimeWindow {
  const width = Math.max(end - start, 0);
  const padded = Math.max(width * (1 + 2 * padding), minSpan);
  const middle = start + width / 2;
  return { start: middle - padded / 2, end: middle + padded / 2 };
}

/** 0000-01-01T00:00Z and 10000-01-01T00:00Z: no session starts or ends outside them (rule 1's years). */
export const FIRST_INSTANT = -62_167_219_200_000;
export const END_OF_TIME = 253_402_300_800_000;

/** `window` moved, and narrowed if it must be, to lie within the years 0000 to 9999. */
export function withinYears(window: TimeWindow): TimeWindow {
  const width = Math.min(span(window), END_OF_TIME - FIRST_INSTANT);
  const start = Math.min(Math.max(window.start, FIRST_INSTANT), END_OF_TIME - width);
  return { start, end: start + width };
}

/**
 * `2024-01-05 09:03 – 2024-01-05 10:03 UTC`: the window's first and last minute. The whole of the years ends at
 * END_OF_TIME, which is year 10000 and no timestamp's: its last minute is 9999-12-31 23:59.
 */
export function windowText(window: TimeWindow): string {
  const start = Math.max(window.start, FIRST_INSTANT);
  const end = Math.min(window.end, END_OF_TIME - 1);
  return `${formatMinute(start)} – ${formatMinute(end)} UTC`;
}

/**
 * How far a user's timeline may go: their history from the summary's first to last event, widened by the
 * sessions loaded (a session that began before the summary was read), padded; now when there is none.
 */
export function historyLimits(
  seen: { readonly firstSeenAt: number | null; readonly lastSeenAt: number | null },
  sessions: readonly { readonly startedAt: number; readonly endedAt: number }[],
): WindowLimits {
  const first = Math.min(
    seen.firstSeenAt ?? Number.POSITIVE_INFINITY,
    sessions[0]?.startedAt ?? Number.POSITIVE_INFINITY,
  );
  const last = Math.max(
    seen.lastSeenAt ?? Number.NEGATIVE_INFINITY,
    sessions.at(-1)?.endedAt ?? Number.NEGATIVE_INFINITY,
  );
  // The padding around a history that reaches year 0000 or 9999 would show years no session can have.
  const bounds = withinYears(
    Number.isFinite(first) && Number.isFinite(last)
      ? fitWindow(first, last)
      : fitWindow(Date.now(), Date.now()),
  );
  return { bounds, minSpan: MIN_SPAN };
}

/** Moves and narrows `window` until it fits the limits, keeping its middle where it can. */
export function clampWindow(window: TimeWindow, { bounds, minSpan }: WindowLimits): TimeWindow {
  const maxSpan = Math.max(span(bounds), minSpan);
  const width = Math.min(Math.max(span(window), minSpan), maxSpan);
  let start = (window.start + window.end) / 2 - width / 2;
  // When the bounds are narrower than minSpan the window overhangs them equally on both sides.
  const lowest = Math.min(bounds.start, (bounds.start + bounds.end) / 2 - width / 2);
  const highest = Math.max(bounds.end, (bounds.start + bounds.end) / 2 + width / 2) - width;
  start = Math.min(Math.max(start, lowest), highest);
  return { start, end: start + width };
}

/** Zooms by `factor` (below 1 zooms in) keeping the instant `anchor` at the same place on screen. */
export function zoomWindow(
  window: TimeWindow,
  factor: number,
  anchor: number,
  limits: WindowLimits,
): TimeWindow {
  const maxSpan = Math.max(span(limits.bounds), limits.minSpan);
  const width = Math.min(Math.max(span(window) * factor, limits.minSpan), maxSpan);
  const anchorShare = span(window) > 0 ? (anchor - window.start) / span(window) : 0.5;
  const start = anchor - anchorShare * width;
  return clampWindow({ start, end: start + width }, limits);
}

/** Shifts the window by `share` of its width (negative: towards the past). */
export function panWindow(window: TimeWindow, share: number, limits: WindowLimits): TimeWindow {
  const shift = span(window) * share;
  return clampWindow({ start: window.start + shift, end: window.end + shift }, limits);
}

/** The toolbar's moves that would change `window`: at the limits some change nothing (docs: viewer/README.md). */
export function movesFrom(
  window: TimeWindow,
  limits: WindowLimits,
  panShare: number,
  zoomFactor: number,
): Record<'earlier' | 'later' | 'zoom-in' | 'zoom-out' | 'whole', boolean> {
  const middle = (window.start + window.end) / 2;
  const { bounds } = limits;
  return {
    earlier: panWindow(window, -panShare, limits).start < window.start,
    later: panWindow(window, panShare, limits).start > window.start,
    'zoom-in': span(zoomWindow(window, 1 / zoomFactor, middle, limits)) < span(window),
    'zoom-out': span(zoomWindow(window, zoomFactor, middle, limits)) > span(window),
    whole: window.start !== bounds.start || window.end !== bounds.end,
  };
}

/** The window centred on an instant, as wide as now. */
export function centerWindow(window: TimeWindow, instant: number, limits: WindowLimits): TimeWindow {
  const half = span(window) / 2;
  return clampWindow({ start: instant - half, end: instant + half }, limits);
}

export function timeToX(instant: number, window: TimeWindow, width: number): number {
  return ((instant - window.start) / span(window)) * width;
}

export function xToTime(x: number, window: TimeWindow, width: number): number {
  return window.start + (x / width) * span(window);
}

export interface Tick {
  readonly time: number;
  readonly label: string;
}

type Step =
  | { readonly kind: 'fixed'; readonly ms: number; readonly offset?: number }
  | { readonly kind: 'months'; readonly months: number };

// 1970-01-01 was a Thursday; weeks start on Monday, four days later.
const MONDAY_OFFSET = 4 * DAY;

const STEPS: readonly Step[] = [
  ...[5, 10, 15, 30].map((minutes): Step => ({ kind: 'fixed', ms: minutes * MINUTE })),
  ...[1, 2, 3, 6, 12].map((hours): Step => ({ kind: 'fixed', ms: hours * HOUR })),
  { kind: 'fixed', ms: DAY },
  { kind: 'fixed', ms: 2 * DAY },
  { kind: 'fixed', ms: 7 * DAY, offset: MONDAY_OFFSET },
  // Up to five millennia: rule 1's years 0000 to 9999 fit two ticks (a .NET DateTime.MinValue beside today).
  ...[1, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12_000, 24_000, 60_000].map(
    (months): Step => ({ kind: 'months', months }),
  ),
];

const APPROXIMATE_MONTH = 30.44 * DAY;

function stepMs(step: Step): number {
  return step.kind === 'fixed' ? step.ms : step.months * APPROXIMATE_MONTH;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function tickLabel(time: number, step: Step): string {
  const date = new Date(time);
  if (step.kind === 'months') {
    if (step.months >= 12) return yearText(time);
    const month = monthName(date.getUTCMonth());
    return date.getUTCMonth() === 0 ? `${month} ${yearText(time)}` : month;
  }
  if (step.ms >= DAY) return formatDay(time).replace(/ \d+$/, '');
  const clock = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  return clock === '00:00' ? formatDay(time).replace(/ \d+$/, '') : clock;
}

function ticksFor(window: TimeWindow, step: Step): number[] {
  const times: number[] = [];
  if (step.kind === 'fixed') {
    const offset = step.offset ?? 0;
    for (
      let t = Math.ceil((window.start - offset) / step.ms) * step.ms + offset;
      t <= window.end;
      t += step.ms
    ) {
      times.push(t);
    }
    return times;
  }
  const first = new Date(window.start);
  let monthIndex = first.getUTCFullYear() * 12 + first.getUTCMonth();
  monthIndex = Math.ceil(monthIndex / step.months) * step.months;
  for (;;) {
    const year = Math.floor(monthIndex / 12);
    const date = new Date(Date.UTC(2000, monthIndex % 12, 1));
    date.setUTCFullYear(year); // Date.UTC reads years 0-99 as 1900-1999.
    const time = date.getTime();
    if (time > window.end) return times;
    if (time >= window.start) times.push(time);
    monthIndex += step.months;
  }
}

/** Axis ticks on round instants (hours, midnights, Mondays, month and year starts), at most `maxTicks`. */
export function timeTicks(window: TimeWindow, maxTicks: number): Tick[] {
  const width = span(window);
  const step = STEPS.find((candidate) => width / stepMs(candidate) <= maxTicks) ?? (STEPS.at(-1) as Step);
  // END_OF_TIME, the whole history's end, is year 10000, which no timestamp has: its tick would label it so.
  return ticksFor(window, step)
    .filter((time) => time < END_OF_TIME)
    .map((time) => ({ time, label: tickLabel(time, step) }));
}
