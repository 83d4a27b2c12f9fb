/// <reference lib="dom" />
// What the timeline says under its chart, and what of it a screen reader hears.
import { h } from './dom.js';
import { errorContent } from './error-text.js';
import { plural } from './format.js';
import type { SessionLoader } from './session-loader.js';
import { loadedText } from './session-numbering.js';
import { stitchedUserLink } from './user-summary.js';

/** How long the view must rest after a key or toolbar press before it is said: a burst of presses is said once. */
const SETTLE_MS = 500;

type LoaderState = Pick<SessionLoader, 'sessions' | 'loading' | 'error' | 'complete'>;

/** Sets `element`'s text only when it differs: a live region re-written with the same words says them again. */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * The status line under the chart: sessions in view and loaded, loading, and a failed load with a retry, or
 * with the user the id was stitched to, whose route the API sends every request to now. The line is drawn
 * again on every pan, zoom and arrow step, so it is no live region itself, which would have a screen reader
 * repeat it after each. The timeline's one live region (`live`, said whole, placed right after the line) says
 * the loaded count when more load, and a view moved by a key or the toolbar (`viewMoved`) once it rests and its
 * sessions have loaded: which range it shows and how many sessions are in it. Whatever the region holds the
 * line hides from screen readers, which find it there; a view it names is let go, unsaid, once the view moves
 * on (a drag, a step). A failure's alert is put in once, when the load fails.
 */
export class TimelineStatus {
  readonly element: HTMLElement;
  readonly live = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  private readonly inView = h('span');
  private readonly loaded = h('span', { class: 'loaded-count' });
  private readonly loadedPart = h('span', {}, ' · ', this.loaded);
  private readonly state = h('span');
  private shownState: { readonly loading: boolean; readonly error: unknown } | undefined;
  private drawn: { readonly range: string; readonly inView: number; readonly loaded: string } | undefined;
  /** A view moved by a key or the toolbar, not said yet; the timer runs while it may still move. */
  private viewToSay = false;
  private settling: ReturnType<typeof setTimeout> | undefined;
  private loading = false;
  /** The loaded count the live region last said, alone or with a view: said again only when it changes. */
  private saidLoaded: string | undefined;
  /** The view the live region's words name now, if any: they go (unsaid) once the view is another. */
  private liveView: { readonly range: string; readonly inView: number } | null = null;

  constructor(private readonly onRetry: () => void) {
    this.element = h('p', { class: 'timeline-status' }, this.inView, this.loadedPart, this.state);
  }

  /** Says the view, as `update` next draws it, once it has rested and what it needs has loaded. */
  viewMoved(): void {
    this.viewToSay = true;
    clearTimeout(this.settling);
    this.settling = setTimeout(() => {
      this.settling = undefined;
      this.say();
    }, SETTLE_MS);
  }

  update(range: string, inView: number, loader: LoaderState, sessionCount: number): void {
    const loaded = loadedText(loader.sessions.length, sessionCount, loader.complete);
    this.drawn = { range, inView, loaded };
    this.loading = loader.loading;
    setText(this.inView, `${plural(inView, 'session')} in view`);
    setText(this.loaded, loaded);
    this.say();
    const { loading, error } = loader;
    if (this.shownState?.loading === loading && this.shownState.error === error) return;
    this.shownState = { loading, error };
    this.state.replaceChildren(loading ? ' · loading…' : '');
    if (error === null) return;
    const retry = h('button', { type: 'button', class: 'link-button' }, 'Try again');
    retry.addEventListener('click', this.onRetry);
    this.state.append(
      h('span', { class: 'error-text', role: 'alert' }, ' · Loading failed: ', ...errorContent(error), ' '),
      // A retry drops the open cursor, which mends a refused one (a 400), but not a stitched user's 307.
      stitchedUserLink(error) ?? retry,
    );
  }

  destroy(): void {
    clearTimeout(this.settling);
  }

  private say(): void {
    if (this.drawn === undefined || this.settling !== undefined) return;
    const { range, inView, loaded } = this.drawn;
    // Loading on after the view rested: the counts as they grow, then the view with its sessions.
    if (this.viewToSay && !this.loading) {
      this.viewToSay = false;
      this.liveView = { range, inView };
      setText(this.live, `Showing ${range}: ${plural(inView, 'session')} in view, ${loaded}`);
    } else if (loaded !== this.saidLoaded) {
      this.liveView = null;
      setText(this.live, loaded);
    } else if (this.liveView !== null && (this.liveView.range !== range || this.liveView.inView !== inView)) {
      // A view it has left would be read where the region stands; emptied, it says nothing new.
      this.liveView = null;
      setText(this.live, '');
    }
    this.saidLoaded = loaded;
    this.hideSaid();
  }

  /**
   * A screen reader reading the page reads the live region's last words where they stand, right after the
   * line: what they say (the loaded count, the view's sessions) the line hides from it, so each is heard once.
   */
  private hideSaid(): void {
    const liveText = this.live.textContent ?? '';
    hide(this.loadedPart, liveText !== '');
    hide(this.inView, this.liveView !== null);
  }
}

function hide(element: HTMLElement, hidden: boolean): void {
  if (hidden) element.setAttribute('aria-hidden', 'true');
  else element.removeAttribute('aria-hidden');
}
