import { describe, expect, it } from 'vitest';
import type { SampleSession } from '../../../cli/report/aggregator.js';
import { layoutUserTimeline, niceTicks, topTable } from '../../../cli/report/charts.js';
import { binIndex, DURATION_BINS, EVENT_COUNT_BINS } from '../../../cli/report/histogram.js';
import { escapeHtml, html } from '../../../cli/report/html.js';
import { reportText } from '../../../cli/report/report-session.js';
import {
  daySeries,
  hourNumber,
  MAX_BINS,
  MAX_HOURLY_BINS,
  sessionSeries,
} from '../../../cli/report/time-series.js';
import { TopCounter } from '../../../cli/report/top-counter.js';

const DAY = 86_400_000;
const dayOf = (year: number, month: number, date: number) => Date.UTC(year, month, date) / DAY;

describe('binIndex', () => {
  it('puts bin edges in the upper bin and exact zero apart', () => {
    const label = (seconds: number) => DURATION_BINS[binIndex(DURATION_BINS, seconds)]?.label;
    expect(label(0)).toBe('0 s');
    expect(label(0.001)).toBe('< 10 s');
    expect(label(10)).toBe('10–30 s');
    expect(label(21_599.999)).toBe('2–6 h');
    expect(label(1e9)).toBe('≥ 6 h');
    expect(EVENT_COUNT_BINS[binIndex(EVENT_COUNT_BINS, 499)]?.label).toBe('100–499');
  });
});

describe('sessionSeries', () => {
  const hourOf = (year: number, month: number, date: number, hour: number) =>
    hourNumber(Date.UTC(year, month, date, hour));

  it('counts a daily export per hour, with the empty hours between', () => {
    const series = sessionSeries(
      new Map([
        [hourOf(2024, 0, 2, 8), 3],
        [hourOf(2024, 0, 2, 10), 1],
      ]),
    );
    expect(series).toEqual({
      unit: 'hour',
      bins: [
        { start: '2024-01-02 08:00', sessions: 3 },
        { start: '2024-01-02 09:00', sessions: 0 },
        { start: '2024-01-02 10:00', sessions: 1 },
      ],
    });
  });

  it('counts per day past two days of hours', () => {
    const first = hourOf(2024, 0, 1, 0);
    const within = sessionSeries(
      new Map([
        [first, 1],
        [first + MAX_HOURLY_BINS - 1, 1],
      ]),
    );
    expect(within.unit).toBe('hour');
    expect(within.bins).toHaveLength(MAX_HOURLY_BINS);

    const beyond = sessionSeries(
      new Map([
        [first, 1],
        [first + MAX_HOURLY_BINS, 2],
      ]),
    );
    expect(beyond).toEqual({
      unit: 'day',
      bins: [
        { start: '2024-01-01', sessions: 1 },
        { start: '2024-01-02', sessions: 0 },
        { start: '2024-01-03', sessions: 2 },
      ],
    });
  });
});

describe('daySeries', () => {
  it('switches to weeks starting on Monday when days would be too many bars', () => {
    const perDay = new Map([
      [dayOf(2024, 0, 3), 2], // a Wednesday
      [dayOf(2024, 0, 7), 1], // the Sunday after
      [dayOf(2025, 5, 30), 4],
    ]);

    const series = daySeries(perDay);

    expect(series.unit).toBe('week');
    expect(series.bins[0]).toEqual({ start: '2024-01-01', sessions: 3 });
    expect(series.bins.at(-1)).toEqual({ start: '2025-06-30', sessions: 4 });
    expect(series.bins.reduce((sum, bin) => sum + bin.sessions, 0)).toBe(7);
    expect(series.bins.length).toBeLessThanOrEqual(MAX_BINS);
  });

  it('labels the week holding 0000-01-01 by its whole Monday, which falls in year -1', () => {
    const yearZero = new Date(0);
    yearZero.setUTCFullYear(0, 0, 1); // a Saturday
    const series = daySeries(
      new Map([
        [yearZero.getTime() / DAY, 1],
        [yearZero.getTime() / DAY + 600, 1],
      ]),
    );

    expect(series.unit).toBe('week');
    expect(series.bins[0]).toEqual({ start: '-000001-12-27', sessions: 1 });
    expect(series.bins[1]?.start).toBe('0000-01-03');
  });

  it('uses months, then years, for longer spans', () => {
    expect(
      daySeries(
        new Map([
          [dayOf(2000, 0, 15), 1],
          [dayOf(2020, 6, 1), 1],
        ]),
      ).unit,
    ).toBe('month');
    const centuries = daySeries(
      new Map([
        [dayOf(1900, 0, 1), 1],
        [dayOf(2024, 0, 1), 2],
      ]),
    );
    expect(centuries.unit).toBe('year');
    expect(centuries.bins).toHaveLength(125);
  });

  it('lists only non-empty years when even years would be too many bars', () => {
    const early = new Date(0);
    early.setUTCFullYear(5, 0, 1);
    const series = daySeries(
      new Map([
        [early.getTime() / DAY, 1],
        [dayOf(2024, 0, 1), 1],
      ]),
    );
    expect(series).toEqual({
      unit: 'year',
      bins: [
        { start: '0005-01-01', sessions: 1 },
        { start: '2024-01-01', sessions: 1 },
      ],
    });
  });
});

describe('TopCounter', () => {
  it('is exact up to its capacity', () => {
    const counter = new TopCounter(10);
    for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) counter.add(key);
    expect(counter.top(2)).toEqual({
      items: [
        { key: 'a', count: 3 },
        { key: 'b', count: 2 },
      ],
      total: 6,
      approximate: false,
      maxUndercount: 0,
    });
  });

  it('keeps the frequent keys past its capacity and bounds the error', () => {
    const counter = new TopCounter(100);
    for (let i = 0; i < 5000; i++) {
      counter.add(`unique-${i}`);
      if (i % 10 === 0) counter.add('/home');
      if (i % 25 === 0) counter.add('/pricing');
    }
    const top = counter.top(2);
    expect(top.items.map((item) => item.key)).toEqual(['/home', '/pricing']);
    expect(top.approximate).toBe(true);
    expect(top.items[0]?.count).toBeLessThanOrEqual(500);
    expect((top.items[0]?.count ?? 0) + top.maxUndercount).toBeGreaterThanOrEqual(500);
  });
});

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten and reaches the maximum', () => {
    expect(niceTicks(97)).toEqual([0, 50, 100]);
    expect(niceTicks(3000)).toEqual([0, 1000, 2000, 3000]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0)).toEqual([0]);
  });

  it('steps by whole sessions when there are few', () => {
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(2)).toEqual([0, 1, 2]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
  });
});

describe('layoutUserTimeline', () => {
  const session = (startedAt: number, minutes: number): SampleSession => ({
    sessionId: String(startedAt),
    sessionNumber: 1,
    startedAt,
    endedAt: startedAt + minutes * 60_000,
    eventCount: 2,
    pageViews: 1,
  });

  it('merges sessions that fall on the same unit, so marks never outnumber the width', () => {
    const sessions = Array.from({ length: 50_000 }, (_, i) => session(i * 600_000, 5));
    const marks = layoutUserTimeline(sessions, 900);
    expect(marks.length).toBeLessThanOrEqual(900);
    expect(marks.reduce((sum, mark) => sum + mark.sessions, 0)).toBe(50_000);
    expect(marks.reduce((sum, mark) => sum + mark.events, 0)).toBe(100_000);
  });

  it('keeps sessions apart when there is room, along the span from first start to last end', () => {
    const marks = layoutUserTimeline([session(0, 10), session(DAY, 10), session(2 * DAY, 10)], 900);
    const unitsPerDay = 900 / (2 + 10 / 1440);
    expect(marks.map((mark) => [mark.x, mark.sessions])).toEqual([
      [0, 1],
      [Math.floor(unitsPerDay), 1],
      [Math.floor(2 * unitsPerDay), 1],
    ]);
  });
});

describe('html', () => {
  it('escapes interpolated text for content and attributes but not nested html', () => {
    const name = `<script>alert("x")</script>' onload='`;
    expect(escapeHtml(name)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;');
    expect(html`<p title="${name}">${html`<b>${name}</b>`}</p>`.text).toBe(
      `<p title="${escapeHtml(name)}"><b>${escapeHtml(name)}</b></p>`,
    );
  });
});

describe('topTable', () => {
  it('escapes a key of JSON text once, keeping its escapes, and a plain key as the table does', () => {
    const counter = new TopCounter(10);
    for (const value of [{ p: 'a\tb\\c\u202e' }, '\ta\\b ', 'x\ty\\z</b>'])
      counter.add(reportText(value) as string);
    const table = topTable('t', counter.top(10), 'Key', 'none').text;
    expect(table).toContain('>{&quot;p&quot;:&quot;a\\tb\\\\c\\u202e&quot;}</th>');
    expect(table).toContain('>&quot;\\ta\\\\b &quot;</th>');
    expect(table).toContain('>x\\ty\\\\z&lt;/b&gt;</th>');
  });
});
