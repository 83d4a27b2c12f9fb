/// <reference lib="dom" />
import type { Session, UserSummary } from './api-types.js';
import { h, svg } from './dom.js';
import type { SessionLoader } from './session-loader.js';
import {
  centerWindow,
  clampWindow,
  fitWindow,
  historyLimits,
  movesFrom,
  panWindow,
  span,
  type TimeWindow,
  type WindowLimits,
  windowText,
  xToTime,
  zoomWindow,
} from './time-scale.js';
import { type CommandTarget, movesView, PAN_STEP, runCommand, ZOOM_STEP } from './timeline-commands.js';
import { TimelineFocus } from './timeline-focus.js';
import { attachGestures, keyCommand, type TimelineCommand } from './timeline-input.js';
import { layoutSessions } from './timeline-layout.js';
import { TimelineMarks } from './timeline-marks.js';
import { axisParts, timelineLegend, timelineToolbar } from './timeline-parts.js';
import { TimelineStatus } from './timeline-status.js';

const HEIGHT = 132;
const AXIS_HEIGHT = 26;
const TRACK = { top: 10, height: HEIGHT - AXIS_HEIGHT - 18 };
/** Share of the window loaded beyond each edge, so a short pan shows sessions at once. */
const PREFETCH = 0.25;

export interface TimelineViewOptions {
  readonly loader: SessionLoader;
  readonly summary: UserSummary;
  readonly onOpen: (session: Session) => void;
  readonly onRetry: () => void;
  /** Told the sessions in view, in start order, each time the view is drawn. */
  readonly onView?: (inView: readonly Session[]) => void;
}

/**
 * The picture of a user's sessions over time: one mark per session, zoomed and panned with the wheel, a
 * pinch, a drag, the toolbar or the keyboard, loading sessions from the API as the view reaches them. The
 * marks themselves are drawn by {@link TimelineMarks}, what each command does is {@link runCommand}'s, and
 * the keyboard's moves between sessions are {@link TimelineFocus}'s.
 */
export class TimelineView {
  readonly element: HTMLElement;
  private readonly chart: SVGSVGElement;
  private readonly axis: SVGGElement;
  private readonly marks = new TimelineMarks();
  private readonly rangeText: HTMLElement;
  private readonly status: TimelineStatus;
  private readonly toolbar = timelineToolbar((command) => this.run(command));
  private readonly resizeObserver: ResizeObserver;
  private readonly gestures: { readonly dragged: boolean };
  private limits: WindowLimits;
  private window: TimeWindow;
  private width = 0;
  private selectedId: string | null = null;
  private frame = 0;
  private readonly focus: TimelineFocus;
  private readonly commandTarget: CommandTarget;
  private readonly legend = timelineLegend();

  constructor(private readonly options: TimelineViewOptions) {
    this.limits = historyLimits(this.options.summary, this.options.loader.sessions);
    this.window = this.limits.bounds;
    this.rangeText = h('p', { class: 'range' });
    this.status = new TimelineStatus(() => {
      // The Try again pressed goes with the failure it stood in: the keyboard goes back to the timeline, not
      // to the top of the page.
      const hadFocus = this.status.element.contains(document.activeElement);
      this.options.onRetry();
      if (hadFocus) this.focusSession(this.focus.activeId);
    });
    this.axis = svg('g', { class: 'axis', 'aria-hidden': 'true' });
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
      this.marks.layer,
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
      this.toolbar.element,
      h('div', { class: 'chart-frame' }, this.chart),
      this.status.element,
      this.status.live,
      this.legend.element,
    );
    this.chart.addEventListener('keydown', (event) => {
      const command = keyCommand(event);
      if (command === undefined) return;
      event.preventDefault();
      this.run(command);
    });
    this.gestures = attachGestures(this.chart, {
      pan: (share) => {
        this.focus.cancelStep();
        this.setWindow(panWindow(this.window, share, this.limits));
      },
      zoom: (factor, x) => {
        this.focus.cancelStep();
        this.setWindow(zoomWindow(this.window, factor, xToTime(x, this.window, this.width), this.limits));
      },
    });
    this.chart.addEventListener('click', (event) => this.onClick(event));
    this.chart.addEventListener('focusin', (event) => {
      const id = (event.target as Element).getAttribute('data-session-id');
      if (id !== null) this.focus.setActive(id);
    });
    this.focus = new TimelineFocus({
      loader: this.options.loader,
      marks: this.marks,
      window: () => this.window,
      limits: () => this.limits,
      setWindow: (window) => this.setWindow(window),
      render: () => this.render(),
      focusSession: (sessionId) => this.focusSession(sessionId),
    });
    this.commandTarget = {
      window: () => this.window,
      limits: () => this.limits,
      setWindow: (window) => this.setWindow(window),
      step: (direction) => this.focus.step(direction),
      moveFocus: (toIndex) => this.focus.moveFocus(toIndex),
      focusedSession: () =>
        this.options.loader.sessions.find((session) => session.sessionId === this.focus.activeId),
      open: (session) => this.options.onOpen(session),
    };
    this.resizeObserver = new ResizeObserver(() => this.render());
    this.resizeObserver.observe(this.chart);
  }

  /** The view the timeline opens with: everything when it is loaded, else the newest page. */
  showInitialWindow(): void {
    this.limits = historyLimits(this.options.summary, this.options.loader.sessions);
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
    this.limits = historyLimits(this.options.summary, this.options.loader.sessions);
    this.focus.resumeStep();
    this.scheduleRender();
  }

  /** Marks the open session and brings it into view. */
  select(session: Session | null): void {
    this.selectedId = session?.sessionId ?? null;
    if (session !== null) {
      this.focus.activeId = session.sessionId;
      if (session.endedAt < this.window.start || session.startedAt > this.window.end) {
        this.setWindow(centerWindow(this.window, session.startedAt, this.limits));
      }
    }
    this.render();
  }

  /** Focuses the mark of a session when it is drawn, else the chart. */
  focusSession(sessionId: string | null): void {
    (this.marks.get(sessionId) ?? this.chart).focus();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
    this.status.destroy();
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
    this.focus.keepInView(marks, this.selectedId);

    const sessionOf = (sessionId: string) => byId.get(sessionId) as Session;
    this.marks.draw(marks, sessionOf, { selectedId: this.selectedId, activeId: this.focus.activeId }, () =>
      this.chart.focus(),
    );
    this.chart.setAttribute('tabindex', marks.length === 0 ? '0' : '-1');
    // The keyboard fell to the chart when the view lost its session: back on a session as soon as one shows,
    // so Enter opens the one that shows the focus (a step still loading puts it where it goes itself).
    if (document.activeElement === this.chart && !this.focus.stepping) this.focusSession(this.focus.activeId);
    this.options.onView?.(marks.map((mark) => sessionOf(mark.sessionId)));
    this.legend.showUnknown(marks.some((mark) => mark.colourClass === 'pv-unknown'));
    this.axis.replaceChildren(...axisParts(this.window, this.width, HEIGHT - AXIS_HEIGHT));

    const range = windowText(this.window);
    this.rangeText.textContent = range;
    this.toolbar.update(movesFrom(this.window, this.limits, PAN_STEP, ZOOM_STEP));
    this.status.update(range, marks.length, loader, summary.sessionCount);
  }

  private run(command: TimelineCommand): void {
    // A step still waiting takes further steps' keys (they would start from a session not shown); any
    // other command takes its place.
    if (this.focus.stepping && (command === 'next' || command === 'previous')) return;
    this.focus.cancelStep();
    if (movesView(command)) this.status.viewMoved();
    runCommand(command, this.commandTarget);
  }

  private onClick(event: MouseEvent): void {
    if (this.gestures.dragged) return;
    const id = (event.target as Element).getAttribute('data-session-id');
    const session = id === null ? undefined : this.options.loader.sessions.find((s) => s.sessionId === id);
    if (session !== undefined) this.options.onOpen(session);
  }
}
