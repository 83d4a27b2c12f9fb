/// <reference lib="dom" />
import { escapeControl } from '../../contract/visible-text.js';
import type { Session } from './api-types.js';
import { h } from './dom.js';
import { firstText, formatCount, formatMinute, formatSessionLength } from './format.js';
import { ScrollCue } from './scroll-cue.js';
import { deviceValue, joinedText } from './session-panel.js';
import { locationSearch } from './url-state.js';

/** Rows past this are left to zooming in: thousands of rows would bury the page under the timeline. */
export const MAX_TABLE_ROWS = 50;

const COLUMNS = [
  ['Session', ''],
  ['Started (UTC)', ''],
  ['Duration', 'number'],
  ['Events', 'number'],
  ['Page views', 'number'],
  ['Entry page', ''],
  ['Campaign', ''],
  ['Device', ''],
] as const;

function entryPage(session: Session): string {
  const page = session.entryPage;
  return (page === null ? null : firstText(page.path, page.url)) ?? '—';
}

function campaign(session: Session): string {
  const { campaign } = session;
  if (campaign === null) return '—';
  // Source, medium and name when it has any; a campaign may have only a term or a content (docs/rules.md,
  // rule 9), which then show instead of a `—` that would say it has none. A `""` is not one: a URL's
  // `?utm_source=&utm_term=shoes` gives a source of `""` and a term.
  const main = joinedText([campaign.source, campaign.medium, campaign.name]);
  return main === '—' ? joinedText([campaign.term, campaign.content]) : main;
}

/** A text column's cell, which app.css cuts with an ellipsis: its tooltip has the whole text. */
function textCell(text: string): HTMLTableCellElement {
  return h('td', { class: 'text', title: text }, text);
}

/** The entry page's path or url, shown as urlText shows one: left to right, its controls as escapes. */
function urlCell(text: string): HTMLTableCellElement {
  const shown = escapeControl(text);
  return h('td', { class: 'text', title: shown, dir: 'ltr' }, shown);
}

/**
 * The sessions in the timeline's view as a table, newest first, so that their attributes can be scanned and
 * compared at a glance; each row links to its session as the session's mark does.
 */
export class SessionTable {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly note: HTMLElement;
  private readonly scroll: ScrollCue;
  private readonly rows = new Map<string, HTMLTableRowElement>();
  /**
   * The sessions shown and how many are in view, so a redraw of the timeline that keeps the same sessions in
   * view costs nothing here; a session said anew (it grew) is another object, and redraws.
   */
  private shown: readonly Session[] = [];
  private inView = 0;
  private selectedId: string | null = null;

  readonly heading = h('h2', { id: 'session-table-heading', tabindex: -1 }, 'Sessions in view');

  constructor(private readonly userId: string) {
    this.body = h('tbody');
    this.note = h('p', { class: 'table-note', id: 'session-table-note' });
    const frame = h(
      'div',
      { class: 'table-frame' },
      h(
        'table',
        // Named by the heading above it, and described by the note under it (which sessions it leaves out).
        { 'aria-labelledby': 'session-table-heading', 'aria-describedby': 'session-table-note' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...COLUMNS.map(([column, kind]) => h('th', { scope: 'col', class: kind || null }, column)),
          ),
        ),
        this.body,
      ),
    );
    this.scroll = new ScrollCue(frame, 'Sessions in view, scrolling sideways');
    this.element = h(
      'section',
      { class: 'session-table', 'aria-labelledby': 'session-table-heading' },
      // Focusable, for the open session's skip link past its events.
      this.heading,
      this.scroll.hint,
      this.scroll.element,
      this.note,
    );
  }

  /** Shows the sessions in view (in start order, as the timeline holds them). */
  show(inView: readonly Session[]): void {
    const newest = inView.slice(-MAX_TABLE_ROWS).reverse();
    const same =
      inView.length === this.inView &&
      newest.length === this.shown.length &&
      newest.every((session, index) => session === this.shown[index]);
    if (same) return;
    this.shown = newest;
    this.inView = inView.length;
    this.rows.clear();
    this.body.replaceChildren(...newest.map((session) => this.row(session)));
    this.note.textContent =
      inView.length === 0
        ? 'No session in view: zoom out or move the timeline.'
        : inView.length > newest.length
          ? `The ${formatCount(newest.length)} latest of ${formatCount(inView.length)} sessions in view; zoom in for the others.`
          : '';
    this.scroll.update();
  }

  /** Marks the open session's row. */
  select(sessionId: string | null): void {
    this.selectedId = sessionId;
    for (const [id, row] of this.rows) {
      if (id === sessionId) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    }
  }

  /** Puts the keyboard on a session's row; false when the table has no row for it (not in view now). */
  focusRow(sessionId: string): boolean {
    const link = this.rows.get(sessionId)?.querySelector('a');
    link?.focus();
    return link !== undefined && link !== null;
  }

  private row(session: Session): HTMLTableRowElement {
    const label =
      session.sessionNumber === null ? session.sessionId : `#${formatCount(session.sessionNumber)}`;
    const link = h(
      'a',
      { href: locationSearch({ user: this.userId, session: session.sessionId }), 'data-internal': true },
      label,
    );
    const row = h(
      'tr',
      {
        'data-row-session-id': session.sessionId,
        'aria-current': session.sessionId === this.selectedId ? 'true' : null,
      },
      h('th', { scope: 'row' }, link),
      h('td', {}, formatMinute(session.startedAt)),
      h('td', { class: 'number' }, formatSessionLength(session.startedAt, session.endedAt)),
      h('td', { class: 'number' }, formatCount(session.eventCount)),
      h('td', { class: 'number' }, session.pageViews === null ? '—' : formatCount(session.pageViews)),
      urlCell(entryPage(session)),
      textCell(campaign(session)),
      textCell(deviceValue(session.device)),
    );
    this.rows.set(session.sessionId, row);
    return row;
  }
}
