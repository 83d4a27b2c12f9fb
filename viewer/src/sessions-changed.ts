/// <reference lib="dom" />
import { h } from './dom.js';
import type { SessionLoader } from './session-loader.js';
import { countChanged } from './session-numbering.js';

/**
 * Says, above the timeline, that the user's sessions changed while on show (the API renumbered them, or more
 * are loaded than the user had when opened), and offers to load the user again, which reads the count and
 * every number afresh. Said once for each change seen.
 */
export class SessionsChangedNotice {
  readonly element = h('p', { class: 'note sessions-changed', role: 'status', hidden: true });
  private shown: 'numbers' | 'count' | null = null;

  constructor(private readonly onReload: () => void) {}

  update(loader: Pick<SessionLoader, 'sessions' | 'complete' | 'renumbered'>, sessionCount: number): void {
    const change = loader.renumbered
      ? 'numbers'
      : countChanged(loader.sessions.length, sessionCount, loader.complete)
        ? 'count'
        : null;
    // Only ever more said: a renumbering once seen stays (its sessions keep no number).
    if (change === null || change === this.shown || this.shown === 'numbers') return;
    this.shown = change;
    const reload = h('button', { type: 'button', class: 'link-button' }, 'Reload the user');
    reload.addEventListener('click', this.onReload);
    this.element.hidden = false;
    this.element.replaceChildren(
      'This user’s sessions changed while on show',
      change === 'numbers' ? ' and were numbered anew: those loaded before show no number.' : '.',
      ' The user’s count of sessions is as it was when opened. ',
      reload,
    );
  }
}
