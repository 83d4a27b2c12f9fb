import { describe, expect, it } from 'vitest';
import { createReportAggregator, type ReportData } from '../../../cli/report/aggregator.js';
import { formatPercent } from '../../../cli/report/html.js';
import { REPORT_CSP, renderHtmlReport } from '../../../cli/report/render.js';
import { sessionView, syntheticSessions } from './sessions.js';

const T0 = Date.UTC(2024, 0, 1, 9);
const HOSTILE = `<img src=x onerror=alert(1)>"'&`;

function report(): ReportData {
  const aggregator = createReportAggregator({
    title: `Report ${HOSTILE}`,
    sampleUsers: [HOSTILE],
    topCount: 100,
  });
  aggregator.add(
    sessionView(HOSTILE, T0, {
      entryPage: { url: null, path: `/p/${HOSTILE}`, title: null, referrer: null },
      campaign: { source: `src${HOSTILE}`, medium: null, name: null, term: null, content: null },
    }),
  );
  for (const session of syntheticSessions(50, 20)) aggregator.add(session);
  return aggregator.finish();
}

describe('renderHtmlReport', () => {
  it('is one file that loads nothing: CSP meta, no script, no external reference', () => {
    const page = renderHtmlReport(report());

    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP.replace(/'/g, '&#39;')}">`,
    );
    expect(REPORT_CSP).toMatch(/^default-src 'none';/);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    // Attribute values hold escaped data (which may spell "src="); only attribute names matter here.
    const tags = page.replace(/"[^"]*"/g, '""');
    expect(tags).not.toMatch(/<[a-z]+[^>]*\s(src|href|xlink:href)=/i);
  });

  it('says what the totals leave out: rejected events and files not read to their end, escaped', () => {
    const page = renderHtmlReport(report(), {
      rejected: 1,
      unreadable: [{ file: `cut${HOSTILE}.gz`, reason: 'truncated gzip; reading stopped after line 28' }],
    });
    expect(page).toContain('1 event was rejected and left out');
    expect(page).toContain(
      '<li><code>cut&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;.gz</code>: truncated gzip; reading stopped after line 28</li>',
    );
    expect(renderHtmlReport(report(), { rejected: 2, unreadable: [] })).toContain('2 events were rejected');
    // A missing file was not read at all: no heading may say it was read up to a break.
    const missing = renderHtmlReport(report(), {
      rejected: 0,
      unreadable: [{ file: 'gone.ndjson', reason: 'no such file' }],
    });
    expect(missing).toContain("Not read, or not to the end (a file's events before a break count):");
    expect(missing).not.toContain('Not read to the end');
    for (const clean of [
      renderHtmlReport(report()),
      renderHtmlReport(report(), { rejected: 0, unreadable: [] }),
    ]) {
      expect(clean).not.toContain('id="input"');
    }
  });

  it('counts a sample user in words that agree with the numbers', () => {
    const aggregator = createReportAggregator({ sampleUsers: ['solo'] });
    aggregator.add(sessionView('solo', T0));
    expect(renderHtmlReport(aggregator.finish())).toMatch(/1 session · \d+ events?</);
  });

  it('says one session, event and page view in the singular wherever it counts them, and long durations in hours and days', () => {
    const aggregator = createReportAggregator();
    aggregator.add(sessionView('solo', T0, { minutes: 43_190, eventCount: 2 }));
    const page = renderHtmlReport(aggregator.finish());

    expect(page).not.toMatch(/\b1 (sessions|events|page views)\b/);
    expect(page).toContain('Session 1: 2024-01-01 09:00 UTC, 29 d 23 h, 2 events, 1 page view');
    expect(page).toMatch(/: 1 session</);
    expect(page).toContain('The user with most sessions');
  });

  it('says a session’s length to the second, as the viewer does: 40 s is not 1 min, nor 0', () => {
    const aggregator = createReportAggregator({ sampleUsers: ['short'] });
    for (const [index, minutes] of [40 / 60, 125 / 60, 63].entries())
      aggregator.add(sessionView('short', T0 + index * 86_400_000, { minutes, sessionNumber: index + 1 }));
    const page = renderHtmlReport(aggregator.finish());

    expect(page).toContain('Session 1: 2024-01-01 09:00 UTC, 40 s,');
    expect(page).toContain('Session 2: 2024-01-02 09:00 UTC, 2 min 5 s,');
    expect(page).toContain('Session 3: 2024-01-03 09:00 UTC, 1 h 3 min,');
  });

  it('counts a session’s length in whole seconds as a clock reads its start and end, as the viewer does', () => {
    // 08:00:00.137 to 08:25:00.096: 1,499.959 s, which read 24 min 59 s from a start of 08:00:00 to 08:25:00.
    const aggregator = createReportAggregator({ sampleUsers: ['clock'] });
    aggregator.add(
      sessionView('clock', Date.UTC(2024, 0, 2, 8, 0, 0, 137), {
        endedAt: '2024-01-02T08:25:00.096Z',
        durationSeconds: 1499.959,
      }),
    );
    const page = renderHtmlReport(aggregator.finish());

    expect(page).toContain('Session 1: 2024-01-02 08:00 UTC, 25 min,');
  });

  it('writes a session’s number as its other counts are written, as the viewer does: 1,234', () => {
    const aggregator = createReportAggregator({ sampleUsers: ['busy'] });
    aggregator.add(sessionView('busy', T0, { sessionNumber: 1234, eventCount: 1500 }));
    const page = renderHtmlReport(aggregator.finish());

    expect(page).toContain('Session 1,234: 2024-01-01 09:00 UTC, 10 min, 1,500 events,');
  });

  it('never shows a share that is not all as 100.0%, nor one that is not none as 0.0%', () => {
    const aggregator = createReportAggregator();
    for (let index = 0; index < 1999; index++)
      aggregator.add(sessionView(`u${index}`, T0 + index * 1000, { eventCount: 1, minutes: 0 }));
    aggregator.add(sessionView('busy', T0, { eventCount: 3 }));
    const page = renderHtmlReport(aggregator.finish());

    expect(page).toContain('1,999 of 2,000 sessions (&gt;99.9%) had a single event');
    expect(page).not.toContain('100.0%');
  });

  it('quotes a campaign source or path that white space starts or ends, so it reads apart from the one without', () => {
    const aggregator = createReportAggregator();
    for (const source of ['google', 'google ', ' '])
      aggregator.add(
        sessionView(`u-${source}`, T0, {
          campaign: { source, medium: 'cpc', name: null, term: null, content: null },
        }),
      );
    const page = renderHtmlReport(aggregator.finish());

    expect(page).toContain('>google</th>');
    expect(page).toContain('>&quot;google &quot;</th>');
    expect(page).toContain('>&quot; &quot;</th>');
  });

  it('says that its days, weeks, months and years are UTC ones, as its hours, and where a week starts', () => {
    const DAY = 86_400_000;
    const headingFor = (spanDays: number) => {
      const aggregator = createReportAggregator({});
      aggregator.add(sessionView('u', T0));
      aggregator.add(sessionView('u', T0 + spanDays * DAY));
      return /<section id="sessions-over-time">\n<h2>([^<]*)<\/h2>/.exec(
        renderHtmlReport(aggregator.finish()),
      )?.[1];
    };
    // A session at 23:30 UTC counts on a day a reader east of UTC calls the next one.
    expect(headingFor(1)).toBe('Sessions per hour (UTC)');
    expect(headingFor(30)).toBe('Sessions per day (UTC)');
    expect(headingFor(1_000)).toBe('Sessions per week (UTC, from Monday)');
    expect(headingFor(5_000)).toBe('Sessions per month (UTC)');
    expect(headingFor(200_000)).toBe('Sessions per year (UTC)');
  });

  it('counts a session in the length bar whose range holds the length its mark says', () => {
    // 08:00:00.900 to 08:00:10.100 is 9.2 s, which a clock reads as 10 s (08:00:00 to 08:00:10); 08:00:00.100
    // to 08:00:00.900, 0.8 s, reads 0 s.
    const aggregator = createReportAggregator({ sampleUsers: ['edge'] });
    const start = Date.UTC(2024, 0, 2, 8, 0, 0, 900);
    aggregator.add(
      sessionView('edge', start, {
        endedAt: '2024-01-02T08:00:10.100Z',
        durationSeconds: 9.2,
        eventCount: 2,
      }),
    );
    aggregator.add(
      sessionView('edge', start + 3_600_000 - 800, {
        endedAt: '2024-01-02T09:00:00.900Z',
        durationSeconds: 0.8,
        eventCount: 2,
      }),
    );
    const data = aggregator.finish();
    const page = renderHtmlReport(data);

    expect(page).toContain('Session 1: 2024-01-02 08:00 UTC, 10 s,');
    expect(page).toContain('Session 1: 2024-01-02 09:00 UTC, 0 s,');
    const lengths = Object.fromEntries(data.durationHistogram.map((bin) => [bin.label, bin.count]));
    expect(lengths).toMatchObject({ '0 s': 1, '< 10 s': 0, '10–30 s': 1 });
    expect(page).toContain('<title>10–30 s long: 1 session</title>');
  });

  it('names a year by its year: its bar, tooltip, caption and row in the table', () => {
    const aggregator = createReportAggregator({});
    aggregator.add(sessionView('u', Date.UTC(2024, 5, 1)));
    aggregator.add(sessionView('u', Date.UTC(2424, 5, 1)));
    const data = aggregator.finish();
    expect(data.sessionsOverTime.unit).toBe('year');
    const page = renderHtmlReport(data);
    const chart = /<section id="sessions-over-time">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';

    expect(chart).not.toContain('-01-01');
    expect(chart).toContain('<title>year 2024: 1 session</title>');
    expect(chart).toContain('aria-label="Sessions per year (UTC), 2024 to 2424"');
    expect(chart).toMatch(/text-anchor="middle">2024<\/text>/);
    const rows = [...chart.matchAll(/<tr><th scope="row">([^<]*)<\/th>/g)].map(([, year]) => year);
    expect(rows).toHaveLength(401);
    expect([rows[0], rows[1], rows.at(-1)]).toEqual(['2024', '2025', '2424']);
  });

  it('names a month by its month: its bar, tooltip, caption and row in the table', () => {
    const aggregator = createReportAggregator({});
    aggregator.add(sessionView('u', Date.UTC(2024, 2, 15)));
    aggregator.add(sessionView('u', Date.UTC(2038, 4, 15)));
    const data = aggregator.finish();
    expect(data.sessionsOverTime.unit).toBe('month');
    const page = renderHtmlReport(data);
    const chart = /<section id="sessions-over-time">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';

    expect(chart).not.toMatch(/\d{4}-\d\d-01/);
    expect(chart).toContain('<title>month of 2024-03: 1 session</title>');
    expect(chart).toContain('aria-label="Sessions per month (UTC), 2024-03 to 2038-05"');
    const rows = [...chart.matchAll(/<tr><th scope="row">([^<]*)<\/th>/g)].map(([, month]) => month);
    expect([rows[0], rows[1], rows.at(-1)]).toEqual(['2024-03', '2024-04', '2038-05']);
  });

  it('escapes every string from the data', () => {
    const page = renderHtmlReport(report());

    expect(page).not.toContain(HOSTILE);
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(page).toContain('<title>Report &lt;img');
  });

  it('draws every chart: one bar per day and bin, top tables, bounce share and the sample timelines', () => {
    const data = report();
    const page = renderHtmlReport(data);
    const chart = (id: string) =>
      page.match(new RegExp(`<svg[^>]*data-chart="${id}"[\\s\\S]*?</svg>`, 'g')) ?? [];
    const bars = (svg: string | undefined) => (svg?.match(/<rect class="bar"/g) ?? []).length;

    expect(bars(chart('sessions-over-time')[0])).toBe(data.sessionsOverTime.bins.length);
    expect(bars(chart('session-length')[0])).toBe(data.durationHistogram.length);
    expect(bars(chart('events-per-session')[0])).toBe(data.eventCountHistogram.length);
    expect(chart('bounces')).toHaveLength(1);
    expect(chart('user-timeline')).toHaveLength(1);
    expect(page).toMatch(/<table class="top" data-table="entry-pages"[^>]*>[\s\S]*\/p\/&lt;img/);
    // Each ranked table is named by its section's heading, and its keys are row headers.
    expect(page).toContain('<h2 id="entry-pages-heading">Top entry pages</h2>');
    expect(page).toContain('data-table="entry-pages" aria-labelledby="entry-pages-heading"');
    expect(page).toContain('<h2 id="campaign-sources-heading">Top campaign sources</h2>');
    expect(page).toMatch(/<tbody><tr><th scope="row" class="key"/);
    expect(page).toContain(`${data.bounceCount} of ${data.sessionCount.toLocaleString('en-US')} sessions`);
    expect(page).toContain(
      `${data.topCampaignSources.total} of ${data.sessionCount.toLocaleString('en-US')} sessions have a campaign source.`,
    );
  });

  it('gives each bar chart its numbers as a table, for screen readers and screens without hover', () => {
    // A chart is an image to assistive technology, and its bars' tooltips need a pointer: the counts are
    // in a table under it, one row per bar, named after the chart.
    const data = report();
    const page = renderHtmlReport(data);
    const table = (chart: string) => {
      const found = page.match(
        new RegExp(
          `<details class="chart-data"><summary[^>]*>[^<]+</summary><table[^>]*data-chart-table="${chart}"[\\s\\S]*?</table></details>`,
        ),
      );
      const rows = [
        ...(found?.[0] ?? '').matchAll(
          /<tr><th scope="row">([^<]*)<\/th><td class="count">([^<]*)<\/td><\/tr>/g,
        ),
      ];
      return rows.map(([, label, count]) => [label?.replace(/&lt;/g, '<').replace(/&gt;/g, '>'), count]);
    };
    const counts = (bins: readonly { label?: string; start?: string; count?: number; sessions?: number }[]) =>
      bins.map((bin) => [bin.label ?? bin.start, (bin.count ?? bin.sessions ?? 0).toLocaleString('en-US')]);
    expect(table('sessions-over-time')).toEqual(counts(data.sessionsOverTime.bins));
    expect(table('session-length')).toEqual(counts(data.durationHistogram));
    expect(table('events-per-session')).toEqual(counts(data.eventCountHistogram));
    expect(page).toContain('aria-label="Sessions by length, as a table"');
    expect(page).toMatch(/<th scope="col">Day \(UTC\)<\/th><th scope="col" class="count">Sessions<\/th>/);
  });

  it('says once, not twice, that no session has a campaign source', () => {
    const aggregator = createReportAggregator();
    for (const session of syntheticSessions(5, 2)) aggregator.add({ ...session, campaign: null });
    const page = renderHtmlReport(aggregator.finish());

    expect(page).toContain('No session has a campaign source.');
    expect(page).not.toContain('sessions have a campaign source');
  });

  it('never says no session has a page view when sessions have them, only not as entry pages', () => {
    // Screens count as page views but are never entry pages (rule 9); a page sending neither path nor url is
    // in no row either. A mobile app's export has page views and no entry-page rows at all.
    const screensOnly = createReportAggregator();
    screensOnly.add(sessionView('app-user', T0, { entryPage: null, pageViews: 3 }));
    const noRows = renderHtmlReport(screensOnly.finish());
    expect(noRows).not.toContain('No session has a page view.');
    expect(noRows).toContain('No session has an entry page with a path or url.');

    // Some sessions in rows, some not: the rows do not add up to the sessions, and the note says so.
    const mixed = createReportAggregator();
    mixed.add(sessionView('web-user', T0));
    mixed.add(sessionView('app-user', T0, { entryPage: null, pageViews: 3 }));
    mixed.add(
      sessionView('amplitude-user', T0, {
        entryPage: { url: null, path: null, title: null, referrer: null },
      }),
    );
    expect(renderHtmlReport(mixed.finish())).toContain(
      '1 of 3 sessions has an entry page with a path or url.',
    );

    const none = createReportAggregator();
    none.add(sessionView('reader', T0, { entryPage: null, pageViews: 0 }));
    const page = renderHtmlReport(none.finish());
    expect(page).toContain('No session has a page view.');
    expect(page).not.toContain('an entry page with a path or url');
  });

  it('renders an empty report without charts that divide by zero', () => {
    const page = renderHtmlReport(createReportAggregator().finish());

    expect(page).toContain('No sessions.');
    expect(page).toContain('No users.');
    expect(page).not.toContain('The 0 users');
    expect(page).not.toMatch(/NaN|Infinity/);
  });

  // Seen in Chromium: with no session both histograms drew a flat axis at 0 over every bin, and a table of
  // zeros, where every other section says there are none.
  it('draws no empty histogram for no sessions, and says there are none as the other sections do', () => {
    const page = renderHtmlReport(createReportAggregator().finish());
    for (const chart of ['session-length', 'events-per-session']) {
      const section = new RegExp(`<section id="${chart}">((?:(?!</section>).)*)</section>`, 's').exec(page);
      expect(section?.[1]).not.toContain('<svg');
      expect(section?.[1]).not.toContain('<table');
      expect(section?.[1]).toContain('<p class="empty">No sessions.</p>');
    }
    const one = createReportAggregator();
    one.add(sessionView('reader', T0, { eventCount: 2 }));
    expect(renderHtmlReport(one.finish())).toContain('data-chart="session-length"');
  });

  it('shows no bounce rate for no sessions, never 0%, and says why', () => {
    const page = renderHtmlReport(createReportAggregator().finish());
    const card = /<div class="value">((?:(?!<div).)*)<\/div><div class="label">bounce rate<\/div>/.exec(page);

    expect(card?.[1]).toBe(
      '<span aria-hidden="true" title="none: no sessions to rate">—</span><span class="visually-hidden">none: no sessions to rate</span>',
    );
    expect(page).toContain('No sessions, so no bounce rate.');
    expect(page).not.toContain('data-chart="bounces"');
    expect(page).not.toMatch(/\b0(\.0)?%/);
    expect(formatPercent(0, 0)).toBe('—');
    // One session is a rate again: 0% is then a share, not an absence.
    const one = createReportAggregator();
    one.add(sessionView('reader', T0, { eventCount: 2 }));
    expect(renderHtmlReport(one.finish())).toContain('0 of 1 session (0.0%) had a single event');
  });
});
