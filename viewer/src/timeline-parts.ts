/// <reference lib="dom" />
// The timeline's furniture: the time axis, the legend, the toolbar and the words a session mark is read out
// with.
import type { Session } from './api-types.js';
import { h, svg } from './dom.js';
import { formatCount, formatDateTime, formatSessionLength, plural } from './format.js';
import { type TimeWindow, timeTicks, timeToX } from './time-scale.js';
import { keyCommand, type TimelineCommand } from './timeline-input.js';
import { COLOUR_LEVELS } from './timeline-layout.js';

/** What a mark says to a screen reader and in its tooltip. */
export function sessionLabel(session: Session): string {
  const number = session.sessionNumber === null ? 'Session' : `Session ${formatCount(session.sessionNumber)}`;
  const pageViews = session.pageViews === null ? '' : `, ${plural(session.pageViews, 'page view')}`;
  return `${number}: ${formatDateTime(session.startedAt)} UTC, ${formatSessionLength(session.startedAt, session.endedAt)}, ${plural(session.eventCount, 'event')}${pageViews}`;
}

/** Baseline, gridlines and labels for `window` on a chart `width` wide, labels below `baseline`. */
export function axisParts(window: TimeWindow, width: number, baseline: number): SVGElement[] {
  const ticks = timeTicks(window, Math.max(2, Math.floor(width / 80)));
  return [
    svg('line', { class: 'baseline', x1: 0, x2: width, y1: baseline, y2: baseline }),
    ...ticks.flatMap((tick) => {
      const x = timeToX(tick.time, window, width);
      // A label that would run off the right edge ends at its tick instead.
      const nearEdge = x > width - 8 * tick.label.length;
      return [
        svg('line', { class: 'tick', x1: x, x2: x, y1: 0, y2: baseline + 4 }),
        svg(
          'text',
          { x: nearEdge ? x - 3 : x + 3, y: baseline + 18, 'text-anchor': nearEdge ? 'end' : 'start' },
          tick.label,
        ),
      ];
    }),
  ];
}

/**
 * What a mark's length, height, colour and pointer stand for, and grey (no page views known) while a mark
 * drawn is grey: `showUnknown` says whether one is. A screen reader hears each picture named by what it shows
 * (the swatches' shades, with the words around them, and the pointer), and the grey swatch as the word, so
 * the legend reads whole.
 */
export function timelineLegend(): { readonly element: HTMLElement; showUnknown(shown: boolean): void } {
  const swatches = Array.from({ length: COLOUR_LEVELS }, (_, level) =>
    svg('rect', { class: `pv-${level}`, x: level * 14, y: 0, width: 12, height: 12, rx: 2 }),
  );
  const hidden = (text: string) => h('span', { 'aria-hidden': 'true' }, text);
  // A session the API gave no page views for is drawn grey (pv-unknown), its label naming none.
  const unknown = h(
    'span',
    { class: 'legend-unknown', hidden: true },
    ', ',
    h('span', { class: 'visually-hidden' }, 'grey '),
    svg(
      'svg',
      { width: 12, height: 12, 'aria-hidden': 'true' },
      svg('rect', { class: 'pv-unknown', x: 0, y: 0, width: 12, height: 12, rx: 2 }),
    ),
    ' when not known',
  );
  const element = h(
    'p',
    { class: 'legend' },
    'Length: duration · height: events · colour: page views, ',
    hidden('none '),
    svg(
      'svg',
      {
        width: COLOUR_LEVELS * 14,
        height: 12,
        role: 'img',
        'aria-label': 'lightest for none to darkest for the most',
      },
      ...swatches,
    ),
    hidden(' most'),
    unknown,
    ' · ',
    svg(
      'svg',
      { width: 10, height: 8, role: 'img', 'aria-label': 'a triangle above' },
      svg('path', { class: 'open-pointer', d: 'M0 0h10L5 7Z' }),
    ),
    ' the open session',
  );
  return { element, showUnknown: (shown) => unknown.toggleAttribute('hidden', !shown) };
}

/**
 * The buttons that pan and zoom the timeline, each naming its key, which works with the keyboard on the
 * toolbar as on the chart; and `update` to say which of them would change nothing (aria-disabled, not
 * disabled: a button that reaches the view's limit keeps the keyboard).
 */
export function timelineToolbar(run: (command: TimelineCommand) => void): {
  readonly element: HTMLElement;
  update(moves: Partial<Record<TimelineCommand, boolean>>): void;
} {
  const buttons = new Map<TimelineCommand, HTMLElement>();
  const button = (command: TimelineCommand, label: string, text: string, keys: string) => {
    const element = h(
      'button',
      { type: 'button', 'aria-label': label, title: `${label} (${keys})`, 'aria-keyshortcuts': keys },
      text,
    );
    element.addEventListener('click', () => run(command));
    buttons.set(command, element);
    return element;
  };
  const element = h(
    'div',
    { class: 'toolbar', role: 'group', 'aria-label': 'Timeline view' },
    button('earlier', 'Earlier', '◀', 'PageUp'),
    button('zoom-out', 'Zoom out', '−', '-'),
    button('zoom-in', 'Zoom in', '+', '+'),
    button('later', 'Later', '▶', 'PageDown'),
    button('whole', 'Whole history', 'Whole history', '0'),
  );
  element.addEventListener('keydown', (event) => {
    const command = keyCommand(event);
    // Enter and Space press the button itself.
    if (command === undefined || !buttons.has(command)) return;
    event.preventDefault();
    run(command);
  });
  return {
    element,
    update(moves) {
      for (const [command, button] of buttons) {
        button.setAttribute('aria-disabled', String(moves[command] === false));
      }
    },
  };
}
