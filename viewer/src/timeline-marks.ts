/// <reference lib="dom" />
import type { Session } from './api-types.js';
import { svg } from './dom.js';
import { bidiBalanced } from './format.js';
import type { SessionMark } from './timeline-layout.js';
import { sessionLabel } from './timeline-parts.js';

/** The open session's pointer fits the 10 units above the track, where the tallest mark starts. */
const POINTER_HEIGHT = 7;
const POINTER_HALF_WIDTH = 5;

/** Which mark is the open session and which one is the chart's tab stop. */
export interface MarkStates {
  readonly selectedId: string | null;
  readonly activeId: string | null;
}

/**
 * The timeline's session marks, one SVG rect per session in view, keyed by session id and updated in place,
 * so that the focused one keeps focus while the view moves. One mark at a time is a tab stop (the active one);
 * the arrow keys move between them.
 */
export class TimelineMarks {
  private readonly rectLayer: SVGGElement = svg('g', { class: 'marks' });
  /**
   * A triangle above the open session's mark: the open mark and the keyboard's differ in shape, not only in
   * the colour and width of their outline. Decorative: the mark itself says it is open (aria-current).
   */
  private readonly openPointer = svg('path', {
    class: 'open-pointer',
    'aria-hidden': 'true',
    display: 'none',
  });
  readonly layer: SVGGElement = svg('g', {}, this.rectLayer, this.openPointer);
  private readonly rects = new Map<string, SVGRectElement>();
  /** The session each rect's label was written from: a session said anew (it grew) is labelled anew. */
  private readonly labelled = new WeakMap<SVGRectElement, Session>();

  /** The rect of a session drawn now. */
  get(sessionId: string | null): SVGRectElement | undefined {
    return sessionId === null ? undefined : this.rects.get(sessionId);
  }

  /**
   * Draws `marks` (in start order) and removes the rects of sessions no longer in view; `onFocusLost` is
   * called before a removed rect that had focus goes, so that focus can land somewhere else first.
   */
  draw(
    marks: readonly SessionMark[],
    sessionOf: (sessionId: string) => Session,
    { selectedId, activeId }: MarkStates,
    onFocusLost: () => void,
  ): void {
    const drawn = new Set<string>();
    for (const mark of marks) {
      const session = sessionOf(mark.sessionId);
      let rect = this.rects.get(mark.sessionId);
      if (rect === undefined) {
        rect = svg('rect', { 'data-session-id': mark.sessionId, role: 'button', rx: 2 }, svg('title'));
        this.rects.set(mark.sessionId, rect);
        this.rectLayer.append(rect);
      }
      if (this.labelled.get(rect) !== session) {
        const label = bidiBalanced(sessionLabel(session));
        rect.setAttribute('aria-label', label);
        (rect.firstElementChild as SVGTitleElement).textContent = label;
        this.labelled.set(rect, session);
      }
      rect.setAttribute('x', mark.x.toFixed(1));
      rect.setAttribute('y', mark.y.toFixed(1));
      rect.setAttribute('width', mark.width.toFixed(1));
      rect.setAttribute('height', mark.height.toFixed(1));
      const selected = mark.sessionId === selectedId;
      rect.setAttribute('class', `session ${mark.colourClass}${selected ? ' selected' : ''}`);
      rect.setAttribute('tabindex', mark.sessionId === activeId ? '0' : '-1');
      if (selected) rect.setAttribute('aria-current', 'true');
      else rect.removeAttribute('aria-current');
      drawn.add(mark.sessionId);
    }
    for (const [id, rect] of this.rects) {
      if (drawn.has(id)) continue;
      if (document.activeElement === rect) onFocusLost();
      rect.remove();
      this.rects.delete(id);
    }
    this.keepInOrder(marks);
    this.pointAt(marks.find((mark) => mark.sessionId === selectedId));
  }

  /** Puts the pointer above `mark`, its tip just clear of the mark's outline; hides it for none. */
  private pointAt(mark: SessionMark | undefined): void {
    if (mark === undefined) {
      this.openPointer.setAttribute('display', 'none');
      return;
    }
    const middle = mark.x + mark.width / 2;
    const tip = mark.y - 2;
    this.openPointer.setAttribute(
      'd',
      `M${(middle - POINTER_HALF_WIDTH).toFixed(1)} ${(tip - POINTER_HEIGHT).toFixed(1)}` +
        `h${2 * POINTER_HALF_WIDTH}L${middle.toFixed(1)} ${tip.toFixed(1)}Z`,
    );
    this.openPointer.removeAttribute('display');
  }

  /** Moves the tab stop from the mark of `fromId` to that of `toId`. */
  moveTabStop(fromId: string | null, toId: string): void {
    this.get(fromId)?.setAttribute('tabindex', '-1');
    this.get(toId)?.setAttribute('tabindex', '0');
  }

  /**
   * Marks stay in start order in the DOM, the order assistive technology reads them in. Only marks out of
   * place move (sessions that loaded go in before the ones drawn): moving a node takes its focus away.
   */
  private keepInOrder(marks: readonly SessionMark[]): void {
    const focused = document.activeElement;
    let next = this.rectLayer.firstElementChild;
    for (const mark of marks) {
      const rect = this.rects.get(mark.sessionId) as SVGRectElement;
      if (rect === next) next = rect.nextElementSibling;
      else this.rectLayer.insertBefore(rect, next);
    }
    if (focused instanceof SVGElement && focused.isConnected && document.activeElement !== focused)
      focused.focus();
  }
}
