/// <reference lib="dom" />
import type { Session } from './api-types.js';
import { panWindow, type TimeWindow, type WindowLimits, zoomWindow } from './time-scale.js';
import type { TimelineCommand } from './timeline-input.js';

/** What one press of zoom in/out multiplies the window's span by (the toolbar greys out past the limits). */
export const ZOOM_STEP = 2;
/** Share of the window one press of Earlier/Later moves it by. */
export const PAN_STEP = 0.5;

/** The timeline as the toolbar and the keys act on it. */
export interface CommandTarget {
  window(): TimeWindow;
  limits(): WindowLimits;
  setWindow(window: TimeWindow): void;
  step(direction: 1 | -1): void;
  moveFocus(toIndex: (current: number, count: number) => number): void;
  /** The session holding the timeline's tab stop, when it is loaded. */
  focusedSession(): Session | undefined;
  open(session: Session): void;
}

/** What each toolbar button and key does to the view. */
export function runCommand(command: TimelineCommand, target: CommandTarget): void {
  const pan = (share: number) => () => target.setWindow(panWindow(target.window(), share, target.limits()));
  const zoom = (factor: number) => () =>
    target.setWindow(zoomWindow(target.window(), factor, zoomAnchor(target), target.limits()));
  const commands: Record<TimelineCommand, () => void> = {
    next: () => target.step(1),
    previous: () => target.step(-1),
    first: () => target.moveFocus(() => 0),
    last: () => target.moveFocus((_, count) => count - 1),
    earlier: pan(-PAN_STEP),
    later: pan(PAN_STEP),
    'zoom-in': zoom(1 / ZOOM_STEP),
    'zoom-out': zoom(ZOOM_STEP),
    whole: () => target.setWindow(target.limits().bounds),
    open: () => {
      const focused = target.focusedSession();
      if (focused !== undefined) target.open(focused);
    },
  };
  commands[command]();
}

/**
 * Whether `command` moves the view for its own sake, which is then said (TimelineStatus.viewMoved). A step,
 * Home, End and Enter move the keyboard to a mark or the panel, which names its session; the view only follows.
 */
export function movesView(command: TimelineCommand): boolean {
  return !['next', 'previous', 'first', 'last', 'open'].includes(command);
}

/** Zooms around the focused session when a session has focus, else around the middle. */
function zoomAnchor(target: CommandTarget): number {
  const focused = target.focusedSession();
  const onMark = document.activeElement?.getAttribute('data-session-id') === focused?.sessionId;
  if (focused !== undefined && onMark) return focused.startedAt;
  const window = target.window();
  return (window.start + window.end) / 2;
}
