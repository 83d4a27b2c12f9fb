/// <reference lib="dom" />
import { h } from './dom.js';

/** Past this many pixels of hidden width a frame counts as scrolling: rounding leaves a pixel now and then. */
const SLACK = 1;

/**
 * A frame that scrolls sideways when its content is wider (the session table on a phone), with a cue that it
 * does: a caption above it, shown only while something is hidden, and a fade at each edge that has more
 * (session-table.css, `data-more`), so a cut-off column never reads as the table's last; and a tab stop for
 * the keyboard to scroll it with.
 */
export class ScrollCue {
  /** The frame in a box the fades are drawn on: they stay put while the frame scrolls under them. */
  readonly element: HTMLElement;
  readonly hint = h(
    'p',
    { class: 'scroll-hint', hidden: true },
    'Scroll the table sideways for more columns.',
  );
  private readonly observer: ResizeObserver;

  /** `label` names the frame while it scrolls: `Sessions in view, scrolling sideways`. */
  constructor(
    private readonly frame: HTMLElement,
    private readonly label: string,
  ) {
    this.element = h('div', { class: 'scroll-box' }, frame);
    frame.addEventListener('scroll', () => this.update(), { passive: true });
    frame.addEventListener('blur', () => this.update());
    // The page's width changes (a phone turned, a window resized), and so does the table's with its rows.
    this.observer = new ResizeObserver(() => this.update());
    this.observer.observe(frame);
    if (frame.firstElementChild !== null) this.observer.observe(frame.firstElementChild);
  }

  /** Shows the cue when the frame's content is wider than the frame, and fades the edges that have more. */
  update(): void {
    const { scrollWidth, clientWidth, scrollLeft } = this.frame;
    const hidden = scrollWidth - clientWidth > SLACK;
    this.hint.hidden = !hidden;
    // Scrolled from the start or not yet to the end: each edge past which columns are hidden fades.
    const more = [
      hidden && scrollLeft > SLACK ? 'start' : '',
      hidden && scrollLeft < scrollWidth - clientWidth - SLACK ? 'end' : '',
    ]
      .filter(Boolean)
      .join(' ');
    if (more === '') this.element.removeAttribute('data-more');
    else this.element.setAttribute('data-more', more);
    this.keyboardStop(hidden || document.activeElement === this.frame);
  }

  /**
   * While something is hidden, the frame is a named region and a tab stop, from which the arrow keys scroll
   * it: Chromium makes a scrolling box focusable only when nothing in it is (the table's links are), Safari
   * never. Once all fits it is no stop, unless it has the keyboard then (a phone turned): it stays one until
   * left, not to drop the focus to the page's start.
   */
  private keyboardStop(on: boolean): void {
    if (!on) {
      for (const name of ['tabindex', 'role', 'aria-label']) this.frame.removeAttribute(name);
      return;
    }
    this.frame.setAttribute('tabindex', '0');
    this.frame.setAttribute('role', 'region');
    this.frame.setAttribute('aria-label', this.label);
  }
}
