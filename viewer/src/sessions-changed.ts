/// <reference lib="dom" />
import { h } from './dom.js';
import { plural } from './format.js';
import type { SessionLoader } from './session-loader.js';
import { countChanged } from './session-numbering.js';

/**
 * Says, above the timeline, that the user's sessions changed while on show (the API renumbered them, sessions
 * loaded before are gone, or more are loaded than the user had when opened), and offers to load the user
 * again, which reads the count and every number afresh. Said anew as more of it is seen.
 */
export class SessionsChangedNotice {
  readonly element = h('p', { class: 'note sessions-changed', role: 'status', hidden: true });
  private readonly reload = h('button', { type: 'button', class: 'link-button' }, 'Reload the user');
  /** What is said: only ever more (a renumbering once seen stays: its sessions keep no number). */
  private said = { numbers: false, removed: 0, count: false };

  constructor(onReload: () => void) {
    this.reload.addEventListener('click', onReload);
  }

  update(
    loader: Pick<SessionLoader, 'sessions' | 'complete' | 'renumbered' | 'removed'>,
    sessionCount: number,
  ): void {
    const now = {
      numbers: this.said.numbers || loader.renumbered,
      removed: Math.max(this.said.removed, loader.removed),
      count: this.said.count || countChanged(loader.sessions.length, sessionCount, loader.complete),
    };
    const { numbers, removed, count } = now;
    if (numbers === this.said.numbers && removed === this.said.removed && count === this.said.count) return;
    this.said = now;
    this.element.hidden = false;
    this.element.replaceChildren(
      'This user’s sessions changed while on show',
      numbers ? ' and were numbered anew: those loaded before show no number.' : '.',
      // A late event merged them into another session or moved their start (a new id), or the user was erased.
      removed > 0
        ? ` ${plural(removed, 'session')} shown before ${removed === 1 ? 'is' : 'are'} gone and no longer drawn: merged into another or moved by a late event, or erased.`
        : '',
      ' The user’s count of sessions is as it was when opened. ',
      this.reload,
    );
  }
}
