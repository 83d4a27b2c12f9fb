import { plural } from '../output/plural.js';
import type { ReportData } from './aggregator.js';
import { barChart, histogramChart, topTable, userTimeline } from './charts.js';
import { formatCount, formatMinute, formatPercent, Html, html, NO_RATE } from './html.js';
import type { SeriesUnit } from './time-series.js';

/** Nothing may load: no scripts, fonts, images or requests; only the inline stylesheet applies. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

// Every bin is counted in UTC, days as hours: a session at 23:30 UTC is on a day a reader east of UTC calls
// the next one, so the heading says whose days they are.
const UNIT_HEADINGS = {
  hour: 'Sessions per hour (UTC)',
  day: 'Sessions per day (UTC)',
  week: 'Sessions per week (UTC, from Monday)',
  month: 'Sessions per month (UTC)',
  year: 'Sessions per year (UTC)',
};
/** The first column of a series' table of numbers: what its bins are, each named by its start. */
const UNIT_ROW_HEADINGS = {
  hour: 'Hour (UTC)',
  day: 'Day (UTC)',
  week: 'Week from Monday (UTC)',
  month: 'Month (UTC)',
  year: 'Year (UTC)',
};

/**
 * A bin as its bar, tooltip and row name it: by its start, a month by its month (`2024-03`, not `2024-03-01`)
 * and a year by its year (`2024`).
 */
function binName(unit: SeriesUnit, start: string): string {
  if (unit === 'year') return start.slice(0, -'-01-01'.length);
  return unit === 'month' ? start.slice(0, -'-01'.length) : start;
}

/** A bar's tooltip: `year 2024: 3 sessions`, `week of 2024-01-01: 5 sessions`. */
function binTooltip(unit: SeriesUnit, start: string, sessions: number): string {
  return `${unit === 'year' ? 'year' : `${unit} of`} ${binName(unit, start)}: ${plural(sessions, 'session')}`;
}

// A constant, not data: written as is (inside <style> the browser would not decode escapes).
const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1c2330; background: #f3f5f8; line-height: 1.45; }
body { margin: 0; }
header, main { max-width: 1040px; margin: 0 auto; padding: 16px 20px; }
header { padding-bottom: 0; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.1rem; margin: 0 0 8px; }
h3 { font-size: 1rem; margin: 12px 0 2px; overflow-wrap: anywhere; }
.meta, .note, .empty { color: #545f70; margin: 0 0 8px; }
#input li, code { overflow-wrap: anywhere; }
section { background: #fff; border: 1px solid #d5dbe3; border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; background: none; border: none; padding: 0; }
.card { background: #fff; border: 1px solid #d5dbe3; border-radius: 8px; padding: 10px 14px; }
.card .value { font-size: 1.5rem; font-weight: 600; }
.card .label { color: #545f70; font-size: 0.9rem; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 16px; }
/* Chart text is 12 of the 960 units a chart is drawn in, so it shrinks with the chart: a chart as wide as a
   phone (about 330 px) drew it 4 px tall. 880 px keeps it at 11 px (12 x 880 / 960), the smallest text
   style iOS has (caption 2, 11 pt at the default size); a narrower page scrolls the chart in its own region
   and shows the hint, so the page itself never scrolls sideways. */
svg.chart { display: block; width: 100%; min-width: 880px; height: auto; }
.chart-frame { container: chart / inline-size; }
.chart-scroll { overflow-x: auto; }
.chart-scroll:focus-visible { outline: 2px solid #2f6bb0; outline-offset: 2px; }
.scroll-hint { display: none; margin: 0 0 4px; color: #545f70; font-size: 0.85rem; text-align: right; }
@container chart (max-width: 879.98px) { .scroll-hint { display: block; } }
.bar { fill: #2f6bb0; }
.bar:hover { fill: #163f72; }
.grid { stroke: #e6eaef; }
.baseline { stroke: #8a94a3; }
.axis { font-size: 12px; fill: #545f70; }
/* A session without page views is filled 2.2:1 against the page; its outline makes it 4:1, the 3:1 WCAG 1.4.11
   asks of a graphical object, as the viewer's marks. One with page views is 5:1 as it is: outlined too, a
   mark 2 units wide would look as grey as the other. */
.session { fill: #8fb3dc; stroke: #6b7f99; stroke-width: 1; }
.session.viewed { fill: #2f6bb0; stroke: #fff; stroke-width: 0.5; }
table.top { width: 100%; border-collapse: collapse; font-size: 0.92rem; }
table.top thead th { text-align: left; color: #545f70; font-weight: normal; border-bottom: 1px solid #d5dbe3; }
table.top thead th.count { text-align: right; }
table.top td, table.top tbody th { padding: 3px 6px 3px 0; border-bottom: 1px solid #eef1f5; }
table.top tbody th { text-align: left; font-weight: normal; }
.key { overflow-wrap: anywhere; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.88rem; }
.count { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.meter { width: 30%; }
td.meter svg { display: block; width: 100%; height: 10px; }
.share { display: block; width: 100%; height: 18px; }
.share .bounce { fill: #c2410c; }
.share .rest { fill: #d5dbe3; }
.chart-data { margin-top: 6px; font-size: 0.9rem; }
.chart-data summary { cursor: pointer; color: #2f6bb0; }
table.numbers { border-collapse: collapse; margin-top: 4px; font-variant-numeric: tabular-nums; }
table.numbers th, table.numbers td { padding: 2px 16px 2px 0; border-bottom: 1px solid #eef1f5; }
table.numbers th { text-align: left; font-weight: normal; }
table.numbers thead th { color: #545f70; border-bottom-color: #d5dbe3; }
table.numbers thead th.count { text-align: right; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
@media (max-width: 600px) { header, main { padding: 10px; } .pair { grid-template-columns: 1fr; } }
`;

/** A total; `why` explains a value that is no number ({@link NO_RATE}), in a tooltip and to a screen reader. */
function card(label: string, value: string, why?: string) {
  const shown =
    why === undefined
      ? value
      : html`<span aria-hidden="true" title="${why}">${value}</span><span class="visually-hidden">${why}</span>`;
  return html`<div class="card"><div class="value">${shown}</div><div class="label">${label}</div></div>`;
}

/** Why a share of no sessions shows {@link NO_RATE}. */
const NO_SESSIONS_RATE = 'none: no sessions to rate';
/** What a chart of sessions says for no sessions, in place of an empty chart (a flat axis at 0, a table of 0s). */
const NO_SESSIONS = html`<p class="empty">No sessions.</p>`;

/** What the report's data left out: events rejected and files not read, or not to their end (rules 1 and 4). */
export interface ReportInput {
  readonly rejected: number;
  readonly unreadable: readonly { readonly file: string; readonly reason: string }[];
}

/** A note on what the totals leave out, so a report never looks complete when its input was not. */
function inputNote(input: ReportInput | undefined): Html | string {
  if (input === undefined || (input.rejected === 0 && input.unreadable.length === 0)) return '';
  const rejected =
    input.rejected === 0
      ? ''
      : html`<p class="note" data-input="rejected">${plural(input.rejected, 'event was', 'events were')} rejected and left out; <code>--format json</code> or <code>table</code> lists each with its reason.</p>`;
  const unreadable =
    input.unreadable.length === 0
      ? ''
      : // A missing file or an empty folder is listed too: not read at all, not only cut short.
        html`<p class="note" data-input="unreadable">Not read, or not to the end (a file's events before a break count):</p><ul>${input.unreadable.map(
          ({ file, reason }) => html`<li><code>${file}</code>: ${reason}</li>`,
        )}</ul>`;
  return html`<section id="input" aria-label="Input left out">${rejected}${unreadable}</section>`;
}

/**
 * How many sessions the entry-page rows count, when not all: a screen is a page view but never an entry page,
 * and a page event sending neither path nor url (every one of Amplitude's and Mixpanel's) is in no row (rule 9).
 */
function entryPagesNote(data: ReportData): Html | string {
  const { total } = data.topEntryPages;
  if (total === 0 || total === data.sessionCount) return '';
  return html`<p class="note">${formatCount(total)} of ${plural(data.sessionCount, 'session')} ${total === 1 ? 'has' : 'have'} an entry page with a path or url.</p>`;
}

/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, nothing fetched (its CSP says
 * so), every string from the data escaped. Opens the same from disk, an email attachment or a CI artifact.
 */
export function renderHtmlReport(data: ReportData, input?: ReportInput): string {
  const span =
    data.firstStartedAt === null || data.lastEndedAt === null
      ? 'no sessions'
      : `${formatMinute(Date.parse(data.firstStartedAt))} – ${formatMinute(Date.parse(data.lastEndedAt))} UTC`;
  const series = data.sessionsOverTime;
  const bounceShare = data.sessionCount === 0 ? 0 : data.bounceCount / data.sessionCount;
  const sampleIntro =
    data.sample.rule === 'given'
      ? 'The users asked for, each on their own time range; a mark is a session (or several close together), darker when it has page views, taller with more events.'
      : `${data.sample.users.length === 1 ? 'The user' : `The ${formatCount(data.sample.users.length)} users`} with most sessions, each on their own time range; a mark is a session (or several close together), darker when it has page views, taller with more events.`;
  const users = data.sample.users.map(
    (user) =>
      html`<h3>${user.userId}</h3><p class="meta">${plural(user.sessionCount, 'session')} · ${plural(user.eventCount, 'event')}</p>${
        user.sessions.length > 0
          ? userTimeline(user.sessions, user.userId)
          : user.anonymousIdOf !== null
            ? // As the API answers for a stitched anonymousId: its events are in that user's sessions.
              html`<p class="empty">No sessions of its own: an anonymousId of user <code>${user.anonymousIdOf}</code>, whose sessions hold its events.</p>`
            : user.storedAs !== null
              ? // As the API's 404 says of such an id: the export's number names the user as JavaScript writes it.
                html`<p class="empty">No sessions for this user in the data; an id sent as a JSON number is read as JavaScript writes that number, and user <code>${user.storedAs}</code> has sessions.</p>`
              : html`<p class="empty">No sessions for this user in the data.</p>`
      }`,
  );

  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<title>${data.title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<header>
<h1>${data.title}</h1>
<p class="meta">${span}${data.generatedAt === null ? '' : ` · generated ${data.generatedAt}`}</p>
</header>
<main>
${inputNote(input)}
<section class="cards" aria-label="Totals">
${card('sessions', formatCount(data.sessionCount))}${card('users', formatCount(data.userCount))}${card('events', formatCount(data.eventCount))}${card('page views', formatCount(data.pageViewCount))}${card('bounce rate', formatPercent(data.bounceCount, data.sessionCount), data.sessionCount === 0 ? NO_SESSIONS_RATE : undefined)}
</section>
<section id="sessions-over-time">
<h2>${UNIT_HEADINGS[series.unit]}</h2>
${
  series.bins.length === 0
    ? NO_SESSIONS
    : barChart(
        'sessions-over-time',
        series.bins.map((bin) => ({
          label: binName(series.unit, bin.start),
          value: bin.sessions,
          tooltip: binTooltip(series.unit, bin.start, bin.sessions),
        })),
        {
          caption: `${UNIT_HEADINGS[series.unit]}, ${binName(series.unit, series.bins[0]?.start ?? '')} to ${binName(series.unit, series.bins.at(-1)?.start ?? '')}`,
          maxLabels: 8,
          rowHeading: UNIT_ROW_HEADINGS[series.unit],
        },
      )
}
</section>
<section id="session-length">
<h2>Session length</h2>
${data.sessionCount === 0 ? NO_SESSIONS : histogramChart('session-length', data.durationHistogram, () => 'long', 'Sessions by length', 'Length')}
</section>
<section id="events-per-session">
<h2>Events per session</h2>
${data.sessionCount === 0 ? NO_SESSIONS : histogramChart('events-per-session', data.eventCountHistogram, (label) => (label === '1' ? 'event' : 'events'), 'Sessions by number of events', 'Events')}
</section>
<section id="bounces">
<h2>Bounces</h2>
${
  data.sessionCount === 0
    ? // No 0% and no empty bar: with no session there is no share to draw, which the card says as NO_RATE.
      html`<p class="empty">No sessions, so no bounce rate.</p>`
    : html`<p>${formatCount(data.bounceCount)} of ${plural(data.sessionCount, 'session')} (${formatPercent(data.bounceCount, data.sessionCount)}) had a single event.</p>
<svg class="share" data-chart="bounces" viewBox="0 0 1000 18" preserveAspectRatio="none" role="img" aria-label="${`Bounce share ${formatPercent(data.bounceCount, data.sessionCount)}`}"><rect class="rest" width="1000" height="18"/><rect class="bounce" width="${(bounceShare * 1000).toFixed(1)}" height="18"/></svg>`
}
</section>
<div class="pair">
<section id="entry-pages">
<h2 id="entry-pages-heading">Top entry pages</h2>
${topTable('entry-pages', data.topEntryPages, 'Path (else url)', data.pageViewCount === 0 ? 'No session has a page view.' : 'No session has an entry page with a path or url.')}
${entryPagesNote(data)}
</section>
<section id="campaign-sources">
<h2 id="campaign-sources-heading">Top campaign sources</h2>
${topTable('campaign-sources', data.topCampaignSources, 'Source', 'No session has a campaign source.')}
${data.topCampaignSources.total === 0 ? '' : html`<p class="note">${formatCount(data.topCampaignSources.total)} of ${plural(data.sessionCount, 'session')} ${data.topCampaignSources.total === 1 ? 'has' : 'have'} a campaign source.</p>`}
</section>
</div>
<section id="user-timelines">
<h2>Sample users</h2>
${users.length === 0 ? html`<p class="empty">No users.</p>` : html`<p class="note">${sampleIntro}</p>${users}`}
</section>
</main>
</body>
</html>
`;
  return page.text;
}
