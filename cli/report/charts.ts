import { formatSessionLength } from '../../contract/duration-text.js';
import { isJsonText } from '../../contract/sent-text.js';
import { escapeControl, escapeControlOfEscaped } from '../../contract/visible-text.js';
import { plural } from '../output/plural.js';
import type { SampleSession } from './aggregator.js';
import type { HistogramBin } from './histogram.js';
import { escapeEntities, formatCount, formatMinute, Html, html } from './html.js';
import type { TopList } from './top-counter.js';

/** Drawing units across every chart; render.ts's minimum chart width depends on it. */
const WIDTH = 960;
const MARGIN = { left: 56, right: 12, top: 12, bottom: 34 };

/**
 * A chart in a region of its own that scrolls sideways when the chart is wider than the page (render.ts
 * gives charts a minimum width so their text stays readable on a phone), with a cue that shows only then;
 * its name says what it holds. No tabindex: the browser makes a region that scrolls (and holds nothing
 * focusable) a Tab stop itself (Chrome and Edge since 130, Firefox), and only while it scrolls, which the
 * report, without a script, could not; tabindex="0" stopped the keyboard on every chart at desktop width too.
 */
function scrollFrame(caption: string, svg: Html): Html {
  return html`<div class="chart-frame"><p class="scroll-hint">Scroll sideways for the whole chart →</p><div class="chart-scroll" role="group" aria-label="${`${caption} (scrolls sideways on a narrow screen)`}">${svg}</div></div>`;
}

/**
 * A chart's marks, their tooltips for the pointer alone. Chromium exposes a titled shape inside an SVG image
 * as a node of its own named by its title, so a screen reader met every bar and session of the image.
 */
function hiddenMarks(marks: readonly Html[]): Html {
  return html`<g aria-hidden="true">${marks}</g>`;
}

interface Bar {
  readonly label: string;
  readonly value: number;
  readonly tooltip: string;
}

/** Round gridline values: 1, 2 or 5 times a power of ten, about four of them up to `max`. */
export function niceTicks(max: number, target = 4): number[] {
  if (max <= 0) return [0];
  const rough = max / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  // Every chart counts sessions: a step under 1 would draw gridlines at half a session.
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? power * 10,
  );
  const ticks: number[] = [];
  for (let value = 0; value <= max + step / 2 && ticks.length < 20; value += step) ticks.push(value);
  if ((ticks.at(-1) ?? 0) < max) ticks.push((ticks.at(-1) ?? 0) + step);
  return ticks;
}

/**
 * A bar chart's counts as a table, one row per bar, folded away under it. The chart is one image to a screen
 * reader (its axis labels, not its bars' tooltips), and a tooltip needs a pointer that a phone does not have:
 * without it neither could read a count.
 */
function numbersTable(chartId: string, bars: readonly Bar[], caption: string, rowHeading: string): Html {
  const rows = bars.map(
    (bar) => html`<tr><th scope="row">${bar.label}</th><td class="count">${formatCount(bar.value)}</td></tr>`,
  );
  // Each summary names its chart for a screen reader: three alike ("The numbers as a table") could not be told
  // apart in a list of the page's controls. What shows is the same: the chart is just above.
  return html`<details class="chart-data"><summary aria-label="${`The numbers as a table: ${caption}`}">The numbers as a table</summary><table class="numbers" data-chart-table="${chartId}" aria-label="${`${caption}, as a table`}"><thead><tr><th scope="col">${rowHeading}</th><th scope="col" class="count">Sessions</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

/**
 * A vertical bar chart as inline SVG: every bar a `rect.bar` with a tooltip, labels under at most
 * `maxLabels` of them, and gridlines on round values; its counts follow as a table headed `rowHeading`.
 */
export function barChart(
  chartId: string,
  bars: readonly Bar[],
  options: { height?: number; maxLabels?: number; caption: string; rowHeading: string },
): Html {
  const height = options.height ?? 220;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const ticks = niceTicks(Math.max(0, ...bars.map((bar) => bar.value)));
  const top = ticks.at(-1) || 1;
  const slot = plotWidth / Math.max(bars.length, 1);
  const gap = slot > 6 ? Math.min(slot * 0.15, 6) : 0;
  const labelEvery = Math.max(1, Math.ceil(bars.length / (options.maxLabels ?? 12)));
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const grid = ticks.map(
    (tick) =>
      html`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}"/><text class="axis" x="${MARGIN.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${formatCount(tick)}</text>`,
  );
  const x = (i: number) => MARGIN.left + i * slot + gap / 2;
  const rects = bars.map(
    (bar, i) =>
      html`<rect class="bar" x="${x(i).toFixed(2)}" y="${y(bar.value).toFixed(2)}" width="${Math.max(slot - gap, 0.5).toFixed(2)}" height="${((bar.value / top) * plotHeight).toFixed(2)}"><title>${bar.tooltip}</title></rect>`,
  );
  const labels = bars.flatMap((bar, i) =>
    i % labelEvery === 0
      ? // 20 below the baseline, so a label under the first bar clears the `0` of the y axis beside it.
        [
          html`<text class="axis" x="${(x(i) + (slot - gap) / 2).toFixed(1)}" y="${height - MARGIN.bottom + 20}" text-anchor="middle">${bar.label}</text>`,
        ]
      : [],
  );
  const chart = scrollFrame(
    options.caption,
    html`<svg class="chart" data-chart="${chartId}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${options.caption}">${grid}${hiddenMarks(rects)}${labels}<line class="baseline" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(0)}" y2="${y(0)}"/></svg>`,
  );
  return html`${chart}${numbersTable(chartId, bars, options.caption, options.rowHeading)}`;
}

export function histogramChart(
  chartId: string,
  bins: readonly HistogramBin[],
  /** The word after a bin's label in its tooltip: `10–30 s long`, `1 event`. */
  unitAfter: (label: string) => string,
  caption: string,
  rowHeading: string,
): Html {
  return barChart(
    chartId,
    bins.map((bin) => ({
      label: bin.label,
      value: bin.count,
      tooltip: `${bin.label} ${unitAfter(bin.label)}: ${plural(bin.count, 'session')}`,
    })),
    { caption, maxLabels: bins.length, height: 180, rowHeading },
  );
}

/**
 * How a row's key (a sent value, as reportText gives it) is escaped: JSON text (`{"p":"a\tb"}`, `" a "`)
 * keeps its escapes, made visible only where JSON leaves a character raw, so a tab never shows as `\\t`.
 */
function visibleKey(key: string): (text: string) => Html {
  const visible = isJsonText(key) ? escapeControlOfEscaped : escapeControl;
  return (text) => new Html(escapeEntities(visible(text)));
}

/** A ranked table with a bar per row, scaled to the first. */
export function topTable(tableId: string, list: TopList, heading: string, emptyText: string): Html {
  if (list.items.length === 0) return html`<p class="empty" data-table="${tableId}">${emptyText}</p>`;
  const max = list.items[0]?.count ?? 1;
  const rows = list.items.map((item) => {
    // Whole (the pipeline cuts a text at 1,024 code units), wrapping anywhere: cut to a label with the rest in
    // a tooltip, two pages differing past the cut read alike on a phone, to the keyboard and to a screen reader.
    const shown = visibleKey(item.key);
    return html`<tr><th scope="row" class="key">${shown(item.key)}</th><td class="count">${formatCount(item.count)}</td><td class="meter"><svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect class="bar" width="${((item.count / max) * 100).toFixed(2)}" height="10"/></svg></td></tr>`;
  });
  const note = list.approximate
    ? html`<p class="note">Counts are lower bounds, short by at most ${formatCount(list.maxUndercount)}: this export has more distinct values than the report tracks exactly.</p>`
    : null;
  // Named by its section's heading (`${tableId}-heading`); each row's key is its row header.
  return html`<table class="top" data-table="${tableId}" aria-labelledby="${tableId}-heading"><thead><tr><th scope="col">${heading}</th><th scope="col" class="count">Sessions</th><th scope="col"><span class="visually-hidden">Share</span></th></tr></thead><tbody>${rows}</tbody></table>${note}`;
}

export interface TimelineMark {
  readonly x: number;
  readonly width: number;
  readonly sessions: number;
  readonly events: number;
  readonly pageViews: number;
  readonly first: SampleSession;
  readonly last: SampleSession;
}

/**
 * One user's sessions along their own time range, `width` units wide: sessions falling on the same unit
 * merge into one mark, so a user with 50,000 sessions still draws at most `width` marks.
 */
export function layoutUserTimeline(sessions: readonly SampleSession[], width: number): TimelineMark[] {
  const first = sessions[0];
  const last = sessions.at(-1);
  if (first === undefined || last === undefined) return [];
  const start = first.startedAt;
  const span = Math.max(last.endedAt - start, 1);
  const marks: TimelineMark[] = [];
  for (const session of sessions) {
    const x = Math.min(Math.floor(((session.startedAt - start) / span) * width), width - 1);
    const end = ((session.endedAt - start) / span) * width;
    const previous = marks.at(-1);
    if (previous !== undefined && Math.floor(previous.x) === x) {
      marks[marks.length - 1] = {
        ...previous,
        width: Math.max(previous.width, end - previous.x),
        sessions: previous.sessions + 1,
        events: previous.events + session.eventCount,
        pageViews: previous.pageViews + session.pageViews,
        last: session,
      };
    } else {
      marks.push({
        x,
        width: Math.max(end - x, 1),
        sessions: 1,
        events: session.eventCount,
        pageViews: session.pageViews,
        first: session,
        last: session,
      });
    }
  }
  return marks;
}

export function userTimeline(sessions: readonly SampleSession[], userId: string): Html {
  const height = 64;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const marks = layoutUserTimeline(sessions, plotWidth);
  const maxEvents = Math.max(1, ...marks.map((mark) => mark.events));
  const first = sessions[0];
  const last = sessions.at(-1);
  const rects = marks.map((mark) => {
    const barHeight = 8 + Math.sqrt(mark.events / maxEvents) * 32;
    const tooltip =
      mark.sessions === 1
        ? `Session ${formatCount(mark.first.sessionNumber)}: ${formatMinute(mark.first.startedAt)} UTC, ${formatSessionLength(mark.first.startedAt, mark.first.endedAt)}, ${plural(mark.events, 'event')}, ${plural(mark.pageViews, 'page view')}`
        : `${plural(mark.sessions, 'session')}, ${formatMinute(mark.first.startedAt)} – ${formatMinute(mark.last.endedAt)} UTC, ${plural(mark.events, 'event')}`;
    return html`<rect class="session${mark.pageViews > 0 ? ' viewed' : ''}" x="${(MARGIN.left + mark.x).toFixed(1)}" y="${(24 - barHeight / 2 + 4).toFixed(1)}" width="${Math.max(mark.width, 2).toFixed(1)}" height="${barHeight.toFixed(1)}"><title>${tooltip}</title></rect>`;
  });
  const labels =
    first === undefined || last === undefined
      ? null
      : html`<text class="axis" x="${MARGIN.left}" y="${height - 4}">${formatMinute(first.startedAt)}</text><text class="axis" x="${WIDTH - MARGIN.right}" y="${height - 4}" text-anchor="end">${formatMinute(last.endedAt)} UTC</text>`;
  const caption = `Sessions of ${userId} over time`;
  return scrollFrame(
    caption,
    html`<svg class="chart timeline" data-chart="user-timeline" data-user-id="${userId}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${caption}"><line class="baseline" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="28" y2="28"/>${hiddenMarks(rects)}${labels}</svg>`,
  );
}
