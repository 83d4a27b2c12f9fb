import { describe, expect, it } from 'vitest';
import {
  centerWindow,
  clampWindow,
  DAY,
  END_OF_TIME,
  FIRST_INSTANT,
  fitWindow,
  HOUR,
  historyLimits,
  MIN_SPAN,
  movesFrom,
  panWindow,
  span,
  timeTicks,
  timeToX,
  type WindowLimits,
  windowText,
  withinYears,
  xToTime,
  zoomWindow,
} from '../../../viewer/src/time-scale.js';

const T0 = Date.UTC(2024, 0, 1);
const YEAR = 365 * DAY;
const limits: WindowLimits = { bounds: { start: T0, end: T0 + 3 * YEAR }, minSpan: MIN_SPAN };

describe('fitWindow', () => {
  it('pads a history on both sides', () => {
    const window = fitWindow(T0, T0 + 100 * DAY, MIN_SPAN, 0.05);
    expect(window).toEqual({ start: T0 - 5 * DAY, end: T0 + 105 * DAY });
  });

  it('is at least the minimum span, centred on a single instant', () => {
    expect(fitWindow(T0, T0)).toEqual({ start: T0 - MIN_SPAN / 2, end: T0 + MIN_SPAN / 2 });
  });
});

describe('withinYears', () => {
  it('keeps the window of a history from year 0000 to 9999 inside those years, labels and all', () => {
    const whole = withinYears(fitWindow(FIRST_INSTANT, END_OF_TIME - 1));
    expect(whole).toEqual({ start: FIRST_INSTANT, end: END_OF_TIME });
    expect(new Date(whole.start).toISOString()).toBe('0000-01-01T00:00:00.000Z');
  });

  it('moves an hour around the last instant back inside, keeping it an hour wide', () => {
    const last = withinYears(fitWindow(END_OF_TIME - 1, END_OF_TIME - 1));
    expect(last).toEqual({ start: END_OF_TIME - HOUR, end: END_OF_TIME });
    const first = withinYears(fitWindow(FIRST_INSTANT, FIRST_INSTANT));
    expect(first).toEqual({ start: FIRST_INSTANT, end: FIRST_INSTANT + HOUR });
  });

  it('leaves a window inside the years as it is', () => {
    const window = fitWindow(Date.UTC(2024, 0, 1), Date.UTC(2024, 5, 1));
    expect(withinYears(window)).toEqual(window);
  });
});

describe('historyLimits', () => {
  it("spans the summary's history, widened by a loaded session that runs past it, padded", () => {
    const seen = { firstSeenAt: T0, lastSeenAt: T0 + 10 * DAY };
    const sessions = [
      { startedAt: T0 - DAY, endedAt: T0 },
      { startedAt: T0 + 10 * DAY, endedAt: T0 + 12 * DAY },
    ];
    expect(historyLimits(seen, sessions)).toEqual({
      bounds: fitWindow(T0 - DAY, T0 + 12 * DAY),
      minSpan: MIN_SPAN,
    });
    expect(historyLimits(seen, []).bounds).toEqual(fitWindow(T0, T0 + 10 * DAY));
  });

  it('is an hour around now for a user with no history, and stays within the years 0000 to 9999', () => {
    const now = Date.now();
    const { bounds } = historyLimits({ firstSeenAt: null, lastSeenAt: null }, []);
    expect(span(bounds)).toBe(MIN_SPAN);
    expect(Math.abs((bounds.start + bounds.end) / 2 - now)).toBeLessThan(60_000);
    const whole = historyLimits({ firstSeenAt: FIRST_INSTANT, lastSeenAt: END_OF_TIME - 1 }, []);
    expect(whole.bounds).toEqual({ start: FIRST_INSTANT, end: END_OF_TIME });
  });
});

describe('zoomWindow', () => {
  const window = { start: T0 + YEAR, end: T0 + YEAR + 10 * DAY };

  it('keeps the anchor instant at the same place on screen', () => {
    const anchor = window.start + 2 * DAY;
    const zoomed = zoomWindow(window, 0.5, anchor, limits);
    expect(span(zoomed)).toBe(5 * DAY);
    expect(timeToX(anchor, zoomed, 1000)).toBeCloseTo(timeToX(anchor, window, 1000), 6);
  });

  it('zooms from years down to an hour and no further', () => {
    let zoomed = limits.bounds;
    for (let i = 0; i < 40; i++) zoomed = zoomWindow(zoomed, 0.5, T0 + YEAR, limits);
    expect(span(zoomed)).toBe(HOUR);
  });

  it('never zooms out past the whole history', () => {
    expect(zoomWindow(window, 1000, window.start, limits)).toEqual(limits.bounds);
  });
});

describe('panWindow and centerWindow', () => {
  it('moves by a share of the width', () => {
    const window = { start: T0 + YEAR, end: T0 + YEAR + 10 * DAY };
    expect(panWindow(window, -0.5, limits)).toEqual({
      start: window.start - 5 * DAY,
      end: window.end - 5 * DAY,
    });
  });

  it('stops at the edges of the history', () => {
    const window = { start: T0 + DAY, end: T0 + 11 * DAY };
    expect(panWindow(window, -5, limits)).toEqual({ start: T0, end: T0 + 10 * DAY });
    expect(centerWindow(window, limits.bounds.end, limits)).toEqual({
      start: limits.bounds.end - 10 * DAY,
      end: limits.bounds.end,
    });
  });
});

describe('clampWindow', () => {
  it('centres a minimum-width window on bounds narrower than that', () => {
    const narrow: WindowLimits = { bounds: { start: T0, end: T0 + 60_000 }, minSpan: HOUR };
    expect(clampWindow({ start: T0 + 5 * HOUR, end: T0 + 5 * HOUR }, narrow)).toEqual({
      start: T0 + 30_000 - HOUR / 2,
      end: T0 + 30_000 + HOUR / 2,
    });
  });
});

describe('timeToX and xToTime', () => {
  it('are inverse', () => {
    const window = { start: T0, end: T0 + DAY };
    expect(timeToX(T0 + 6 * HOUR, window, 800)).toBe(200);
    expect(xToTime(200, window, 800)).toBe(T0 + 6 * HOUR);
  });
});

describe('timeTicks', () => {
  it('puts hour ticks on round hours for a few hours', () => {
    const ticks = timeTicks({ start: T0 + 10 * 60_000, end: T0 + 4 * HOUR }, 8);
    expect(ticks.map((tick) => tick.label)).toEqual([
      '00:30',
      '01:00',
      '01:30',
      '02:00',
      '02:30',
      '03:00',
      '03:30',
      '04:00',
    ]);
    expect(ticks.every((tick) => tick.time % (30 * 60_000) === 0)).toBe(true);
  });

  it('labels midnight with the day', () => {
    const ticks = timeTicks({ start: T0 - 3 * HOUR, end: T0 + 3 * HOUR }, 6);
    expect(ticks.find((tick) => tick.time === T0)?.label).toBe('1 Jan');
  });

  it('puts week ticks on Mondays', () => {
    const ticks = timeTicks({ start: T0, end: T0 + 60 * DAY }, 10);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.every((tick) => new Date(tick.time).getUTCDay() === 1)).toBe(true);
  });

  it('puts month and year ticks on their first day, with the year at January', () => {
    const months = timeTicks({ start: T0 + DAY, end: T0 + YEAR }, 12);
    expect(months.every((tick) => new Date(tick.time).getUTCDate() === 1)).toBe(true);
    expect(months[0]?.label).toBe('Feb');
    const years = timeTicks({ start: T0 - 10 * YEAR, end: T0 + 10 * YEAR }, 8);
    expect(years.every((tick) => new Date(tick.time).getUTCMonth() === 0)).toBe(true);
    expect(years.map((tick) => tick.label)).toEqual(['2015', '2020', '2025', '2030']);
  });

  it('writes every year in four digits, as the dates of the table and the panel do', () => {
    const yearZero = FIRST_INSTANT;
    const years = timeTicks({ start: yearZero, end: yearZero + 40 * YEAR }, 8);
    expect(years.map((tick) => tick.label).slice(0, 3)).toEqual(['0000', '0005', '0010']);
    const months = timeTicks({ start: yearZero, end: yearZero + YEAR / 2 }, 12);
    expect(months[0]?.label).toBe('Jan 0000');
  });

  it('never returns more ticks than asked for', () => {
    for (const width of [HOUR, DAY, 30 * DAY, YEAR, 50 * YEAR]) {
      for (const maxTicks of [2, 5, 12]) {
        expect(timeTicks({ start: T0, end: T0 + width }, maxTicks).length).toBeLessThanOrEqual(maxTicks + 1);
      }
    }
  });

  it('puts no tick at year 10000, the end of the years 0000 to 9999, which no timestamp can have', () => {
    for (const maxTicks of [4, 8, 12]) {
      const ticks = timeTicks({ start: FIRST_INSTANT, end: END_OF_TIME }, maxTicks);
      expect(ticks.at(-1)?.time).toBeLessThan(END_OF_TIME);
      expect(ticks.map((tick) => tick.label)).not.toContain('10000');
      expect(ticks[0]?.label).toBe('0000');
    }
  });

  it('never returns more ticks than asked for over the longest history, years 0000 to 9999', () => {
    for (const window of [
      { start: FIRST_INSTANT, end: END_OF_TIME },
      { start: Date.UTC(2000, 0, 1) - 2023 * YEAR, end: Date.UTC(2025, 0, 1) },
    ]) {
      for (const maxTicks of [2, 4, 14]) {
        const ticks = timeTicks(window, maxTicks);
        expect(ticks.length).toBeGreaterThan(0);
        expect(ticks.length).toBeLessThanOrEqual(maxTicks + 1);
      }
    }
  });
});

describe('windowText', () => {
  it('ends the whole of years 0000 to 9999 at their last minute, not at year 10000', () => {
    expect(windowText({ start: FIRST_INSTANT, end: END_OF_TIME })).toBe(
      '0000-01-01 00:00 – 9999-12-31 23:59 UTC',
    );
    expect(windowText({ start: END_OF_TIME - HOUR, end: END_OF_TIME })).toBe(
      '9999-12-31 23:00 – 9999-12-31 23:59 UTC',
    );
  });

  it('says any other window from its first to its last minute, as before', () => {
    const start = Date.UTC(2024, 0, 5, 9, 3, 27);
    expect(windowText({ start, end: start + HOUR })).toBe('2024-01-05 09:03 – 2024-01-05 10:03 UTC');
    // The end instant is in the view (a session starting there is drawn): its minute is shown.
    expect(windowText({ start: T0, end: T0 + DAY })).toBe('2024-01-01 00:00 – 2024-01-02 00:00 UTC');
  });
});

describe('movesFrom', () => {
  it('says which of the toolbar’s moves would change the window: none past the limits', () => {
    const whole = limits.bounds;
    expect(movesFrom(whole, limits, 0.5, 2)).toEqual({
      earlier: false,
      later: false,
      'zoom-in': true,
      'zoom-out': false,
      whole: false,
    });
    const first = { start: T0, end: T0 + DAY };
    expect(movesFrom(first, limits, 0.5, 2)).toEqual({
      earlier: false,
      later: true,
      'zoom-in': true,
      'zoom-out': true,
      whole: true,
    });
    const narrowest = { start: T0 + YEAR, end: T0 + YEAR + MIN_SPAN };
    expect(movesFrom(narrowest, limits, 0.5, 2)).toMatchObject({ earlier: true, 'zoom-in': false });
  });
});
