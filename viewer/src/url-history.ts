/// <reference lib="dom" />
import { locationSearch, readLocation, type ViewerLocation } from './url-state.js';

/** What the viewer keeps in each of its history entries: the entry's place, so a popstate tells Back from Forward. */
interface EntryState {
  readonly viewerIndex: number;
}

function indexOf(state: unknown): number | null {
  const index = (state as Partial<EntryState> | null)?.viewerIndex;
  return typeof index === 'number' && Number.isInteger(index) ? index : null;
}

function url(location: ViewerLocation): string {
  return `${window.location.pathname}${locationSearch(location)}`;
}

/**
 * The tab's history as the viewer writes it: an entry pushed for each change of what is shown, and the
 * current one replaced when what it named turns out otherwise (an anonymousId stitched to a user, a session
 * gone). A replaced entry can come to say what the entry before it says, which Back would then show again
 * with nothing changed; `listen` passes over such an entry in the direction it was reached.
 */
export class UrlHistory {
  private index: number;

  constructor() {
    const index = indexOf(window.history.state);
    this.index = index ?? 0;
    if (index === null) window.history.replaceState(this.state(), '', window.location.href);
  }

  push(location: ViewerLocation): void {
    this.index++;
    window.history.pushState(this.state(), '', url(location));
  }

  replace(location: ViewerLocation): void {
    window.history.replaceState(this.state(), '', url(location));
  }

  /**
   * Tells `show` the location of each entry Back or Forward lands on, unless `unchanged` says showing it
   * would change nothing: then the next entry that way is gone to instead.
   */
  listen(show: (location: ViewerLocation) => void, unchanged: (location: ViewerLocation) => boolean): void {
    window.addEventListener('popstate', (event) => {
      const location = readLocation(window.location.search);
      const index = indexOf(event.state);
      const step = index === null ? 0 : Math.sign(index - this.index);
      // An entry not of the viewer's making (a `#fragment` followed or typed) was just added after the current
      // one: its place is the next.
      this.index = index ?? this.index + 1;
      if (index === null) window.history.replaceState(this.state(), '', window.location.href);
      if (step !== 0 && unchanged(location)) window.history.go(step);
      else show(location);
    });
  }

  private state(): EntryState {
    return { viewerIndex: this.index };
  }
}
