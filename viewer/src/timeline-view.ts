/// <reference lib="dom" />
import type { Session, UserSummary } from './api-types.js';
import { h, svg } from './dom.js';
import { formatCount, formatDateTime, formatDuration, formatMinute, plural } from './format.js';
import type { SessionLoader } from './session-loader.js';
import {
  centerWindow,
  clampWindow,
  fitWindow,
  MIN_SPAN,
  panWindow,
  span,
  type TimeWindow,
  timeTicks,
  timeToX,
  type WindowLimits,
  xToTime,
  zoomWindow,
} from './time-scale.js';
import { COLOUR_LEVELS, layoutSessions } from './timeline-layout.js';

const HEIGHT = 132;
const AXIS_HEIGHT = 26;
const TRACK = { top: 10, height: HEIGHT - AXIS_HEIGHT - 18 };
const ZOOM_STEP = 2;
const PAN_STEP = 0.5;
/** Share of the window loaded beyond each edge, so a short pan shows sessions at once. */
const PREFETCH = 0.25;
/** A pointer that moved further than this is dragging, not clicking. */
const DRAG_THRESHOLD_PX = 4;

export interface TimelineViewOptions {
  readonly loader: SessionLoader;
  readonly summary: UserSummary;
  readonly onOpen: (session: Session) => void;
  readonly onRetry: () => void;
}

function sessionLabel(session: Session): string {
  const number = session.sessionNumber === null ? 'Session' : `Session ${session.sessionNumber}`;
  const pageViews = session.pageViews === null ? '' : `, ${plural(session.pageViews, 'page view')}`;
  return `${number}: ${formatDateTime(session.startedAt)} UTC, ${formatDuration(session.durationSeconds)}, ${plural(session.eventCount, 'event')}${pageViews}`;
}

/**
 * The picture of a user's sessions over time: one mark per session, zoomed and panned with the wheel, a
 * pinch, a drag, the toolbar or the keyboard, loading sessions from the API as the view reaches them.
 * Marks are keyed by session id and updated in place, so the focused one keeps focus while the view moves.
 */
export class TimelineView {
  readonly element: HTMLElement;
  private readonly chart: SVGSVGElement;
  private readonly axis: SVGGElement;
  private readonly marksLayer: SVGGElement;
  private readonly rangeText: HTMLElement;
  private readonly statusText: HTMLElement;
  private readonly marks = new Map<string, SVGRectElement>();
  private readonly resizeObserver: ResizeObserver;
  private readonly pointers = new Map<number, { x: number; startX: number }>();
  private limits: WindowLimits;
  private window: TimeWindow;
  private width = 0;
  private activeId: string | null = null;
  private selectedId: string | null = null;
  private dragged = false;
  private frame = 0;

  constructor(private readonly options: TimelineViewOptions) {
    this.limits = this.computeLimits();
    this.window = this.limits.bounds;
    this.rangeText = h('p', { class: 'range' });
    this.statusText = h('p', { class: 'timeline-status', 'aria-live': 'polite' });
    this.axis = svg('g', { class: 'axis', 'aria-hidden': 'true' });
    this.marksLayer = svg('g', { class: 'marks' });
    this.chart = svg(
      'svg',
      { class: 'chart', role: 'group', 'aria-label': 'Sessions timeline', height: HEIGHT, tabindex: -1 },
      svg('line', {
        class: 'track',
        x1: 0,
        x2: '100%',
        y1: TRACK.top + TRACK.height / 2,
        y2: TRACK.top + TRACK.height / 2,
      }),
      this.axis,
      this.marksLayer,
    );
    this.element = h(
      'section',
      { class: 'timeline', 'aria-labelledby': 'timeline-heading' },
      h(
        'div',
        { class: 'timeline-head' },
        h('h2', { id: 'timeline-heading' }, 'Sessions over time'),
        this.rangeText,
      ),
      this.toolbar(),
      h('div', { class: 'chart-frame' }, this.chart),
      this.statusText,
      this.legend(),
    );
    this.chart.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.chart.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    this.chart.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    this.chart.addEventListener('pointermove', (event) => this.onPointerMove(event));
    this.chart.addEventListener('pointerup', (event) => this.onPointerUp(event));
    this.chart.addEventListener('pointercancel', (event) => this.onPointerUp(event));
    this.chart.addEventListener('click', (event) => this.onClick(event));
    this.chart.addEventListener('focusin', (event) => {
      const id = (event.target as Element).getAttribute('data-session-id');
      if (id !== null) this.setActive(id);
    });
    this.resizeObserver = new ResizeObserver(() => this.render());
    this.resizeObserver.observe(this.chart);
  }

  /** The view the timeline opens with: everything when it is loaded, else the newest page. */
  showInitialWindow(): void {
    this.limits = this.computeLimits();
    const { sessions } = this.options.loader;
    const oldest = sessions[0];
    const latest = this.options.summary.lastSeenAt ?? sessions.at(-1)?.endedAt;
    this.window =
      this.options.loader.complete || oldest === undefined || latest === undefined
        ? this.limits.bounds
        : clampWindow(fitWindow(oldest.startedAt, latest), this.limits);
    this.setWindow(this.window);
  }

  /** Called when the loader has more sessions or changed state. */
  refresh(): void {
    this.limits = this.computeLimits();
    this.scheduleRender();
  }

  /** Marks the open session and brings it into view. */
  select(session: Session | null): void {
    this.selectedId = session?.sessionId ?? null;
    if (session !== null) {
      this.activeId = session.sessionId;
      if (session.endedAt < this.window.start || session.startedAt > this.window.end) {
        this.setWindow(centerWindow(this.window, session.startedAt, this.limits));
      }
    }
    this.render();
  }

  /** Focuses the mark of a session when it is drawn, else the chart. */
  focusSession(sessionId: string | null): void {
    const mark = sessionId === null ? undefined : this.marks.get(sessionId);
    (mark ?? this.chart).focus();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
  }

  private computeLimits(): WindowLimits {
    const { summary, loader } = this.options;
    const first = Math.min(
      summary.firstSeenAt ?? Number.POSITIVE_INFINITY,
      loader.sessions[0]?.startedAt ?? Number.POSITIVE_INFINITY,
    );
    const last = Math.max(
      summary.lastSeenAt ?? Number.NEGATIVE_INFINITY,
      ...loader.sessions.slice(-1).map((s) => s.endedAt),
    );
    const bounds =
      Number.isFinite(first) && Number.isFinite(last)
        ? fitWindow(first, last)
        : fitWindow(Date.now(), Date.now());
    return { bounds, minSpan: MIN_SPAN };
  }

  private toolbar(): HTMLElement {
    const button = (label: string, text: string, action: () => void, keys: string) => {
      const element = h(
        'button',
        { type: 'button', 'aria-label': label, title: `${label} (${keys})`, 'aria-keyshortcuts': keys },
        text,
      );
      element.addEventListener('click', action);
      return element;
    };
    const middle = () => (this.window.start + this.window.end) / 2;
    return h(
      'div',
      { class: 'toolbar', role: 'group', 'aria-label': 'Timeline view' },
      button('Earlier', '◀', () => this.setWindow(panWindow(this.window, -PAN_STEP, this.limits)), 'PageUp'),
      button(
        'Zoom out',
        '−',
        () => this.setWindow(zoomWindow(this.window, ZOOM_STEP, middle(), this.limits)),
        '-',
      ),
      button(
        'Zoom in',
        '+',
        () => this.setWindow(zoomWindow(this.window, 1 / ZOOM_STEP, middle(), this.limits)),
        '+',
      ),
      button('Later', '▶', () => this.setWindow(panWindow(this.window, PAN_STEP, this.limits)), 'PageDown'),
      button('Whole history', 'Whole history', () => this.setWindow(this.limits.bounds), '0'),
    );
  }

  private legend(): HTMLElement {
    const swatches = Array.from({ length: COLOUR_LEVELS }, (_, level) =>
      svg('rect', { class: `pv-${level}`, x: level * 14, y: 0, width: 12, height: 12, rx: 2 }),
    );
    return h(
      'p',
      { class: 'legend' },
      'Length: duration · height: events · colour: page views, none ',
      svg('svg', { width: COLOUR_LEVELS * 14, height: 12, 'aria-hidden': 'true' }, ...swatches),
      ' most',
    );
  }

  private setWindow(window: TimeWindow): void {
    this.window = clampWindow(window, this.limits);
    const margin = span(this.window) * PREFETCH;
    this.options.loader.want({ from: this.window.start - margin, to: this.window.end + margin });
    this.render();
  }

  private scheduleRender(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.width = this.chart.clientWidth || this.width || 600;
    const { loader, summary } = this.options;
    const byId = new Map(loader.sessions.map((session) => [session.sessionId, session]));
    const marks = layoutSessions(loader.sessions, this.window, { width: this.width, ...TRACK });
    this.chart.setAttribute('viewBox', `0 0 ${this.width} ${HEIGHT}`);
    this.chart.setAttribute('data-view-start', new Date(this.window.start).toISOString());
    this.chart.setAttribute('data-view-end', new Date(this.window.end).toISOString());
    if (this.activeId === null || !marks.some((mark) => mark.sessionId === this.activeId)) {
      this.activeId =
        marks.find((mark) => mark.sessionId === this.selectedId)?.sessionId ??
        marks.at(-1)?.sessionId ??
        null;
    }

    const drawn = new Set<string>();
    for (const mark of marks) {
      const session = byId.get(mark.sessionId) as Session;
      let rect = this.marks.get(mark.sessionId);
      if (rect === undefined) {
        rect = svg(
          'rect',
          { 'data-session-id': mark.sessionId, role: 'button', rx: 2 },
          svg('title', {}, sessionLabel(session)),
        );
        rect.setAttribute('aria-label', sessionLabel(session));
        this.marks.set(mark.sessionId, rect);
        this.marksLayer.append(rect);
      }
      rect.setAttribute('x', mark.x.toFixed(1));
      rect.setAttribute('y', mark.y.toFixed(1));
      rect.setAttribute('width', mark.width.toFixed(1));
      rect.setAttribute('height', mark.height.toFixed(1));
      const selected = mark.sessionId === this.selectedId;
      rect.setAttribute('class', `session ${mark.colourClass}${selected ? ' selected' : ''}`);
      rect.setAttribute('tabindex', mark.sessionId === this.activeId ? '0' : '-1');
      if (selected) rect.setAttribute('aria-current', 'true');
      else rect.removeAttribute('aria-current');
      drawn.add(mark.sessionId);
    }
    for (const [id, rect] of this.marks) {
      if (drawn.has(id)) continue;
      if (document.activeElement === rect) this.chart.focus();
      rect.remove();
      this.marks.delete(id);
    }
    // Marks stay in start order in the DOM, which is the order assistive technology reads them in.
    if (
      marks.some(
        (mark, index) => this.marksLayer.children[index]?.getAttribute('data-session-id') !== mark.sessionId,
      )
    ) {
      this.marksLayer.append(...marks.map((mark) => this.marks.get(mark.sessionId) as SVGRectElement));
    }
    this.chart.setAttribute('tabindex', marks.length === 0 ? '0' : '-1');
    this.renderAxis();

    this.rangeText.textContent = `${formatMinute(this.window.start)} – ${formatMinute(this.window.end)} UTC`;
    this.statusText.replaceChildren(
      `${plural(marks.length, 'session')} in view · ${formatCount(loader.sessions.length)} of ${formatCount(summary.sessionCount)} loaded`,
      loader.loading ? ' · loading…' : '',
    );
    if (loader.error !== null) {
      const message = loader.error instanceof Error ? loader.error.message : String(loader.error);
      const retry = h('button', { type: 'button', class: 'link-button' }, 'Try again');
      retry.addEventListener('click', () => this.options.onRetry());
      this.statusText.append(
        h('span', { class: 'error-text', role: 'alert' }, ` · Loading failed: ${message} `),
        retry,
      );
    }
  }

  private renderAxis(): void {
    const ticks = timeTicks(this.window, Math.max(2, Math.floor(this.width / 80)));
    const baseline = HEIGHT - AXIS_HEIGHT;
    this.axis.replaceChildren(
      svg('line', { class: 'baseline', x1: 0, x2: this.width, y1: baseline, y2: baseline }),
      ...ticks.flatMap((tick) => {
        const x = timeToX(tick.time, this.window, this.width);
        // A label that would run off the right edge ends at its tick instead.
        const nearEdge = x > this.width - 8 * tick.label.length;
        return [
          svg('line', { class: 'tick', x1: x, x2: x, y1: 0, y2: baseline + 4 }),
          svg(
            'text',
            { x: nearEdge ? x - 3 : x + 3, y: baseline + 18, 'text-anchor': nearEdge ? 'end' : 'start' },
            tick.label,
          ),
        ];
      }),
    );
  }

  private setActive(sessionId: string): void {
    if (this.activeId === sessionId) return;
    this.marks.get(this.activeId ?? '')?.setAttribute('tabindex', '-1');
    this.activeId = sessionId;
    this.marks.get(sessionId)?.setAttribute('tabindex', '0');
  }

  private moveFocus(toIndex: (current: number, count: number) => number): void {
    const { sessions } = this.options.loader;
    if (sessions.length === 0) return;
    const current = sessions.findIndex((session) => session.sessionId === this.activeId);
    const target = sessions[
      Math.min(Math.max(toIndex(current, sessions.length), 0), sessions.length - 1)
    ] as Session;
    if (target.endedAt < this.window.start || target.startedAt > this.window.end) {
      this.setWindow(centerWindow(this.window, target.startedAt, this.limits));
    }
    this.setActive(target.sessionId);
    this.render();
    this.marks.get(target.sessionId)?.focus();
  }

  private focusedSession(): Session | undefined {
    return this.options.loader.sessions.find((session) => session.sessionId === this.activeId);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const focused = this.focusedSession();
    const anchor =
      focused !== undefined && document.activeElement !== this.chart
        ? focused.startedAt
        : (this.window.start + this.window.end) / 2;
    const actions: Record<string, () => void> = {
      ArrowRight: () => this.moveFocus((index) => (index < 0 ? 0 : index + 1)),
      ArrowLeft: () => this.moveFocus((index, count) => (index < 0 ? count - 1 : index - 1)),
      Home: () => this.moveFocus(() => 0),
      End: () => this.moveFocus((_, count) => count - 1),
      PageUp: () => this.setWindow(panWindow(this.window, -PAN_STEP, this.limits)),
      PageDown: () => this.setWindow(panWindow(this.window, PAN_STEP, this.limits)),
      '+': () => this.setWindow(zoomWindow(this.window, 1 / ZOOM_STEP, anchor, this.limits)),
      '=': () => this.setWindow(zoomWindow(this.window, 1 / ZOOM_STEP, anchor, this.limits)),
      '-': () => this.setWindow(zoomWindow(this.window, ZOOM_STEP, anchor, this.limits)),
      '0': () => this.setWindow(this.limits.bounds),
      Enter: () => focused !== undefined && this.options.onOpen(focused),
      ' ': () => focused !== undefined && this.options.onOpen(focused),
    };
    const action = actions[event.key];
    if (action === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    action();
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const bounds = this.chart.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const lineScale = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 16 : 1;
    if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      const delta = (event.shiftKey ? event.deltaY : event.deltaX) * lineScale;
      this.setWindow(panWindow(this.window, delta / this.width, this.limits));
      return;
    }
    // A trackpad pinch arrives as a wheel event with ctrlKey and small deltas.
    const sensitivity = event.ctrlKey ? 0.01 : 0.002;
    const factor = Math.exp(event.deltaY * lineScale * sensitivity);
    this.setWindow(zoomWindow(this.window, factor, xToTime(x, this.window, this.width), this.limits));
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    const x = event.clientX - this.chart.getBoundingClientRect().left;
    this.pointers.set(event.pointerId, { x, startX: x });
    if (this.pointers.size === 1) this.dragged = false;
  }

  private onPointerMove(event: PointerEvent): void {
    const pointer = this.pointers.get(event.pointerId);
    if (pointer === undefined) return;
    const x = event.clientX - this.chart.getBoundingClientRect().left;
    if (Math.abs(x - pointer.startX) > DRAG_THRESHOLD_PX && !this.dragged) {
      this.dragged = true;
      this.chart.setPointerCapture(event.pointerId);
    }
    if (!this.dragged) return;
    if (this.pointers.size >= 2) {
      const [a, b] = [...this.pointers.values()];
      if (a === undefined || b === undefined) return;
      const before = Math.abs(a.x - b.x);
      pointer.x = x;
      const after = Math.abs(a.x - b.x);
      if (before > 0 && after > 0) {
        const anchor = xToTime((a.x + b.x) / 2, this.window, this.width);
        this.setWindow(zoomWindow(this.window, before / after, anchor, this.limits));
      }
      return;
    }
    const delta = x - pointer.x;
    pointer.x = x;
    this.setWindow(panWindow(this.window, -delta / this.width, this.limits));
  }

  private onPointerUp(event: PointerEvent): void {
    this.pointers.delete(event.pointerId);
  }

  private onClick(event: MouseEvent): void {
    if (this.dragged) return;
    const id = (event.target as Element).getAttribute('data-session-id');
    const session = id === null ? undefined : this.options.loader.sessions.find((s) => s.sessionId === id);
    if (session !== undefined) this.options.onOpen(session);
  }
}
