/// <reference lib="dom" />
import { ApiError, VIEWER_EVENT_BATCH } from './api-client.js';
import type { Session, SessionDetail } from './api-types.js';
import { h, notice, skipLink, svg } from './dom.js';
import { errorContent, mayRetry } from './error-text.js';
import { eventItem, eventTick, moveTicks, STRIP_HEIGHT, STRIP_WIDTH } from './event-rows.js';
import { formatCount, formatSessionLength, plural } from './format.js';
import { sessionGoneNotice } from './session-gone.js';
import { stitchedUserLink } from './user-summary.js';

/** The session's next batch of events after `cursor`, or its first batch for null. */
export type EventLoader = (cursor: string | null, signal: AbortSignal) => Promise<SessionDetail>;

export interface SessionEventsOptions {
  readonly load: EventLoader;
  readonly signal: AbortSignal;
  /**
   * Told the session as it is whenever a batch says it anew (it may have grown since it was opened: more
   * events, a later end, more page views), so that every figure of it on the page agrees.
   */
  readonly onSession: (now: Session) => void;
  /** Loads the user's sessions again, for when this session's id answers no more. */
  readonly reloadSessions: () => void;
  /** Told that this session's id answers no more (a 404): the timeline and the table let it go. */
  readonly onGone: () => void;
  /** Where the keyboard goes past the events when nothing under them takes it (the sessions table's heading). */
  readonly pastEvents: HTMLElement;
}

/**
 * Most events the panel keeps on the page. Past it, each batch loaded lets the oldest go, so that walking a
 * bot's session of a million events to its end holds no more rows (and browser memory) than this many.
 */
export const MAX_SHOWN_EVENTS = 4 * VIEWER_EVENT_BATCH;

/** `1–5,000`: events by their 1-based place in the session. */
function span(first: number, last: number): string {
  return `${formatCount(first)}–${formatCount(last)}`;
}

/**
 * The open session's events: a strip of their times and their list, a batch at a time. The first batch comes
 * with the session; a person asks for each next one, which is appended, the oldest dropped past
 * MAX_SHOWN_EVENTS. A failed batch leaves what is shown and offers to try again from the same cursor.
 * Everything stops with `signal`: a batch answered after it is dropped unseen.
 */
export class SessionEvents {
  readonly element: HTMLElement;
  private readonly heading = h('h3', { tabindex: -1, id: 'events-heading' });
  private readonly strip: SVGSVGElement;
  private readonly axis = svg('line', {
    class: 'strip-axis',
    x1: 0,
    x2: STRIP_WIDTH,
    y1: STRIP_HEIGHT / 2,
    y2: STRIP_HEIGHT / 2,
  });
  // The list scrolls on its own (app.css): a tab stop, named by its heading, lets the keyboard scroll it in
  // every browser, not only those that make a scrolling box focusable themselves.
  private readonly list = h('ol', { class: 'events', tabindex: 0, 'aria-labelledby': 'events-heading' });
  // Each event's url is a link, a tab stop of its own (2,500 in a bot's first batch): past them, the keyboard
  // reaches the next batch's button (or a failed batch's Try again) at once.
  private readonly skip = skipLink(
    'Skip past the events',
    () => this.controls.querySelector<HTMLElement>('button, a') ?? this.options.pastEvents,
  );
  private readonly dropped = h('p', { class: 'events-dropped', hidden: true });
  private readonly status = h('p', { class: 'events-status', role: 'status', tabindex: -1 });
  private readonly controls = h('div', { class: 'events-controls' });
  private readonly showAnonymousId: boolean;
  /** How many events each batch on the page holds, oldest first; the strip has a group of ticks for each. */
  private readonly batches: number[] = [];
  /** Events of the session before the first on the page. */
  private before = 0;
  /** The session as the last batch said it, without its events; its eventCount never below those read. */
  private now: Session;
  private next: string | null = null;
  private loading = false;

  private readonly load: EventLoader;
  private readonly signal: AbortSignal;

  constructor(
    private readonly session: SessionDetail,
    private readonly options: SessionEventsOptions,
  ) {
    this.load = options.load;
    this.signal = options.signal;
    this.now = session;
    this.showAnonymousId = session.anonymousIds.length > 1;
    this.strip = svg(
      'svg',
      {
        class: 'event-strip',
        viewBox: `0 0 ${STRIP_WIDTH} ${STRIP_HEIGHT}`,
        preserveAspectRatio: 'none',
        role: 'img',
      },
      this.axis,
    );
    this.element = h(
      'div',
      { class: 'event-timeline' },
      this.heading,
      this.strip,
      this.dropped,
      this.skip,
      this.list,
      h('div', { class: 'events-more' }, this.status, this.controls),
    );
    this.append(session);
  }

  private get shown(): number {
    return this.batches.reduce((sum, size) => sum + size, 0);
  }

  private append(batch: SessionDetail): void {
    const { startedAt } = this.session;
    const { endedAt } = batch;
    // The session grew since the strip was drawn: its ticks go where they are in the session as it is now.
    if (endedAt !== this.now.endedAt) {
      moveTicks(Array.from(this.strip.querySelectorAll<SVGLineElement>('.event-tick')), endedAt - startedAt);
    }
    // Built apart and added at once: one layout for the batch, not one per row.
    const rows = document.createDocumentFragment();
    // The strip is one image to a screen reader: its rows below are the way to each event. Chromium exposes
    // an SVG image's titled shapes inside it, so unhidden every tick was a node named by its tooltip.
    const ticks = svg('g', { class: 'batch', 'aria-hidden': 'true' });
    for (const event of batch.events) {
      rows.append(eventItem(event, startedAt, this.showAnonymousId));
      ticks.append(eventTick(event, startedAt, endedAt));
    }
    this.list.append(rows);
    this.strip.append(ticks);
    this.batches.push(batch.events.length);
    while (this.shown > MAX_SHOWN_EVENTS && this.batches.length > 1) this.dropOldest();
    this.next = batch.nextCursor;
    const through = this.before + this.shown;
    // The session may have grown since it was opened: each batch says its count as it is now.
    const eventCount = this.next === null ? through : Math.max(batch.eventCount, through);
    const { events: _events, nextCursor: _next, ...now } = batch;
    this.now = { ...now, eventCount };
    this.render();
  }

  private dropOldest(): void {
    const size = this.batches.shift() ?? 0;
    const last = this.list.children[size - 1];
    if (last !== undefined) {
      const rows = document.createRange();
      rows.selectNodeContents(this.list);
      rows.setEndAfter(last);
      rows.deleteContents();
    }
    this.strip.querySelector('g.batch')?.remove();
    this.before += size;
  }

  /** What is on the page, in words: `the first 5,000 of 6,500`, `5,001–25,000 of 1,000,000`, `6,500`. */
  private shownText(): string {
    const { before, shown } = this;
    const total = this.now.eventCount;
    if (before === 0 && this.next === null) return formatCount(shown);
    if (before === 0) return `the first ${formatCount(shown)} of ${formatCount(total)}`;
    return `${span(before + 1, before + shown)} of ${formatCount(total)}`;
  }

  private render(): void {
    const shown = this.shownText();
    this.heading.textContent = `Events (${shown})`;
    this.options.onSession(this.now);
    const over = `over ${formatSessionLength(this.now.startedAt, this.now.endedAt)}`;
    // A long session's strip holds only the events on the page: say so, as the heading does.
    this.strip.setAttribute(
      'aria-label',
      this.before === 0 && this.next === null
        ? `${plural(this.shown, 'event')} ${over}`
        : `${shown.replace(/^the first/, 'The first')} events ${over}`,
    );
    this.dropped.hidden = this.before === 0;
    // A list without links is one tab stop, with nothing to skip.
    this.skip.hidden = this.list.querySelector('a') === null;
    if (this.before > 0) {
      this.dropped.replaceChildren(
        `Events ${span(1, this.before)} are no longer on the page, which keeps at most ${formatCount(MAX_SHOWN_EVENTS)}. `,
        this.button('Back to the first events', null),
      );
    }
    const last = this.before + this.shown;
    this.status.textContent =
      this.next === null
        ? this.before === 0 && this.batches.length === 1
          ? ''
          : `Events ${span(this.before + 1, last)} shown, through the session’s last.`
        : `Events ${span(this.before + 1, last)} of ${formatCount(this.now.eventCount)} shown.`;
    const left = this.now.eventCount - last;
    this.showControls(
      this.next === null
        ? null
        : this.button(
            left > 0 && left < VIEWER_EVENT_BATCH
              ? `Load the last ${formatCount(left)} events`
              : `Load the next ${formatCount(VIEWER_EVENT_BATCH)} events`,
            this.next,
          ),
    );
  }

  /** Puts `content` where the controls are, keeping the keyboard's place there when it was. */
  private showControls(
    content: HTMLElement | null,
    hadFocus = this.controls.contains(document.activeElement),
  ): void {
    this.controls.replaceChildren(...(content === null ? [] : [content]));
    if (!hadFocus) return;
    // A stitched user's notice has a link to that user where the others have a button.
    (this.controls.querySelector<HTMLElement>('button, a') ?? this.status).focus();
  }

  /** A button that loads the batch after `cursor` (null: the first), while no other batch is on its way. */
  private button(label: string, cursor: string | null): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'events-load' }, label);
    button.addEventListener('click', () => {
      if (this.loading) return;
      // Kept in place and focusable while it loads, so the keyboard stays where it was.
      button.setAttribute('aria-disabled', 'true');
      button.textContent = 'Loading…';
      void this.loadBatch(cursor);
    });
    return button;
  }

  private async loadBatch(cursor: string | null): Promise<void> {
    this.loading = true;
    this.list.setAttribute('aria-busy', 'true');
    try {
      const batch = await this.load(cursor, this.signal);
      if (this.signal.aborted) return;
      if (cursor === null) this.restart();
      const wasBack = this.dropped.contains(document.activeElement);
      this.append(batch);
      // The button asked for is gone with the note it was in: the keyboard goes on from the events' heading.
      if (wasBack) this.heading.focus();
    } catch (error) {
      if (this.signal.aborted) return;
      const active = document.activeElement;
      const asked = this.dropped.contains(active) || this.controls.contains(active);
      this.render();
      const from = cursor === null ? 1 : this.before + this.shown + 1;
      const failed = `Could not load the events from ${formatCount(from)} on. `;
      // A refused cursor (a 400, as after the signing key is replaced) refuses again: start from the first.
      // A gone id (404) answers no better from the first: only the user's sessions say where the events went.
      // A user stitched to another answers no more at all: that user has the events now.
      const gone = error instanceof ApiError && error.status === 404 ? error : undefined;
      if (gone !== undefined) this.options.onGone();
      const stitched = stitchedUserLink(error);
      this.showControls(
        stitched !== null
          ? notice('error', failed, ...errorContent(error), ' ', stitched)
          : gone !== undefined
            ? sessionGoneNotice(this.session.sessionId, gone, this.options.reloadSessions, failed, 'opened')
            : notice(
                'error',
                failed,
                ...errorContent(error),
                ' ',
                mayRetry(error)
                  ? this.button('Try again', cursor)
                  : this.button('Start again from the first events', null),
              ),
        asked,
      );
    } finally {
      this.loading = false;
      this.list.removeAttribute('aria-busy');
    }
  }

  private restart(): void {
    this.list.replaceChildren();
    this.strip.replaceChildren(this.axis);
    this.batches.length = 0;
    this.before = 0;
    this.list.scrollTop = 0;
  }
}
