/// <reference lib="dom" />
import type { Session } from './api-types.js';
import type { TimeRange } from './coverage.js';
import type { SessionLoader } from './session-loader.js';
import { centerWindow, type TimeWindow, type WindowLimits } from './time-scale.js';
import type { SessionMark } from './timeline-layout.js';
import type { TimelineMarks } from './timeline-marks.js';
import { stepFrom, stepFromTime } from './timeline-step.js';

/** The timeline as the keyboard's moves between sessions need it. */
export interface FocusTarget {
  readonly loader: Pick<SessionLoader, 'sessions' | 'loading' | 'error' | 'missing'>;
  readonly marks: TimelineMarks;
  window(): TimeWindow;
  limits(): WindowLimits;
  setWindow(window: TimeWindow): void;
  render(): void;
  /** Focuses the mark of a session when it is drawn, else the chart. */
  focusSession(sessionId: string | null): void;
}

/**
 * Which session holds the timeline's tab stop, and the keyboard's moves between sessions: ←/→, Home, End,
 * and a step that waits for the sessions between it and its neighbour to load before it lands.
 */
export class TimelineFocus {
  /** The session whose mark is the chart's tab stop. */
  activeId: string | null = null;
  /** A ←/→ waiting for the sessions between its session and the neighbour to load. */
  private pendingStep: { readonly from: string | number; readonly direction: 1 | -1 } | null = null;

  constructor(private readonly target: FocusTarget) {}

  /** Whether a step is waiting for sessions to load (it puts the keyboard where it goes itself). */
  get stepping(): boolean {
    return this.pendingStep !== null;
  }

  /** Drops a step still waiting: another command or gesture took its place. */
  cancelStep(): void {
    this.pendingStep = null;
  }

  /** Takes up a waiting step once the loader has stopped loading, or drops it when the load failed. */
  resumeStep(): void {
    const { loader } = this.target;
    if (this.pendingStep === null || loader.loading) return;
    if (loader.error === null) this.step(this.pendingStep.direction, this.pendingStep.from);
    else this.pendingStep = null;
  }

  /** The tab stop stays on a session in view: the open one when it shows, else the latest shown. */
  keepInView(marks: readonly SessionMark[], selectedId: string | null): void {
    if (this.activeId !== null && marks.some((mark) => mark.sessionId === this.activeId)) return;
    this.activeId =
      marks.find((mark) => mark.sessionId === selectedId)?.sessionId ?? marks.at(-1)?.sessionId ?? null;
  }

  setActive(sessionId: string): void {
    if (this.activeId === sessionId) return;
    this.target.marks.moveTabStop(this.activeId, sessionId);
    this.activeId = sessionId;
  }

  moveFocus(toIndex: (current: number, count: number) => number): void {
    const { sessions } = this.target.loader;
    if (sessions.length === 0) return;
    const current = sessions.findIndex((session) => session.sessionId === this.activeId);
    const target = sessions[
      Math.min(Math.max(toIndex(current, sessions.length), 0), sessions.length - 1)
    ] as Session;
    const window = this.target.window();
    if (target.endedAt < window.start || target.startedAt > window.end) {
      this.target.setWindow(centerWindow(window, target.startedAt, this.target.limits()));
    }
    this.setActive(target.sessionId);
    this.target.render();
    this.target.marks.get(target.sessionId)?.focus();
  }

  /**
   * ←/→ from the focused session, or from the view's edge that way when it shows none (the keyboard on the
   * chart); `from` is where a step that waited for sessions to load started: a session's id, or that time.
   */
  step(direction: 1 | -1, from: string | number | null = this.activeId): void {
    this.pendingStep = null;
    const { loader } = this.target;
    const window = this.target.window();
    const history = this.target.limits().bounds;
    const session = typeof from === 'string' ? loader.sessions.find((s) => s.sessionId === from) : undefined;
    const edge = typeof from === 'number' ? from : direction > 0 ? window.end : window.start;
    const missing = (range: TimeRange) => loader.missing(range);
    const next =
      session === undefined
        ? stepFromTime(loader.sessions, edge, direction, window, history, missing)
        : stepFrom(loader.sessions, session, direction, window, history, missing);
    if (next.kind === 'load') {
      this.pendingStep = { from: session?.sessionId ?? edge, direction };
      this.target.setWindow(next.window);
      // Keys still reach the chart while its session is out of the view being loaded.
      if (session !== undefined) this.target.focusSession(session.sessionId);
      return;
    }
    // Nothing that way from a view without a session: the keyboard stays on the chart.
    const target = next.kind === 'focus' ? next.session : session;
    if (target !== undefined) this.moveFocus(() => loader.sessions.indexOf(target));
  }
}
