/// <reference lib="dom" />
import type { Session } from './api-types.js';
import { svg } from './dom.js';
import { bidiBalanced } from './format.js';
import type { SessionMark } from './timeline-layout.js';
import { sessionLabel } from './timeline-parts.js';

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
  readonly layer: SVGGElement = svg('g', { class: 'marks' });
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
        this.layer.append(rect);
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
    let next = this.layer.firstElementChild;
    for (const mark of marks) {
      const rect = this.rects.get(mark.sessionId) as SVGRectElement;
      if (rect === next) next = rect.nextElementSibling;
      else this.layer.insertBefore(rect, next);
    }
    if (focused instanceof SVGElement && focused.isConnected && document.activeElement !== focused)
      focused.focus();
  }
}
