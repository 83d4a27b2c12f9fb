/// <reference lib="dom" />
import { type ApiClient, ApiError } from './api-client.js';
import type { Session } from './api-types.js';
import { h, notice } from './dom.js';
import { errorContent, isAbort, mayRetry } from './error-text.js';
import { formatCount, isolatedId } from './format.js';
import { type ParkedSession, parkSession, showParked } from './parked-session.js';
import { reloadSessionsButton, sessionGoneNotice } from './session-gone.js';
import { renderSessionDetail } from './session-panel.js';
import type { SessionTable } from './session-table.js';
import type { TimelineView } from './timeline-view.js';
import { stitchedUserLink } from './user-summary.js';

export interface SessionViewOptions {
  readonly client: ApiClient;
  readonly userId: string;
  readonly timeline: TimelineView;
  readonly table: SessionTable;
  /** Closes the session (the URL drops it). */
  readonly onClose: () => void;
  /** Loads the user's sessions again, for when the session's id answers no more. */
  readonly reloadSessions: () => void;
  /**
   * Told that a session's id answers 404: the timeline and the table let it go and read its time again.
   * False when it was not drawn (an id from a link, no session's).
   */
  readonly onGone: (sessionId: string) => boolean;
  /** Told the open session as its events say it is now (it may have grown since it was listed). */
  readonly onSession: (now: Session) => void;
  /**
   * Told that the open session is gone (its id answered 404, or a page lists it no more) and the panel says
   * so: the URL names it no more, so that Reload or a shared link does not open it again.
   */
  readonly onLeft: (sessionId: string) => void;
  /** Told what the panel's heading names (`Session 5`), null once it is hidden: the page's title says it too. */
  readonly onTitle: (title: string | null) => void;
  /** The session of this id among those the timeline has loaded, whose number names it while it loads. */
  readonly listed: (sessionId: string) => Session | undefined;
}

/** `Session 5`, or the session's id when it has no number (the numbers disagreed) or none is known yet. */
function sessionTitle(sessionId: string, sessionNumber: number | null | undefined): string {
  return sessionNumber == null ? `Session ${isolatedId(sessionId)}` : `Session ${formatCount(sessionNumber)}`;
}

/**
 * The panel of a user's open session: loads the session asked for by id, says why when it cannot, and
 * marks it on the timeline and in the table. One request at a time: opening another session, hiding the
 * panel or disposing of it drops the one on its way.
 */
export class SessionView {
  readonly element = h('section', {
    class: 'panel',
    id: 'session-panel',
    tabindex: -1,
    hidden: true,
    'aria-labelledby': 'session-heading',
  });
  private sessionId: string | null = null;
  private request: AbortController | null = null;
  /** The session was opened from its row in the table, where the keyboard goes back to when it closes. */
  private openedFromTable = false;
  /** The session shown, once its first events are in: what is parked when another opens or the panel hides. */
  private shown: Session | null = null;
  /** The session shown before, kept as it was left (events loaded, scroll) for Back or Forward to it. */
  private parked: ParkedSession | null = null;

  constructor(private readonly options: SessionViewOptions) {}

  /** The session shown or loading, null while the panel is hidden. */
  get openSessionId(): string | null {
    return this.sessionId;
  }

  /** Opens the session; `fromHistory` (Back or Forward) shows it as it was left when it is the one parked. */
  async open(sessionId: string, fromHistory = false): Promise<void> {
    if (fromHistory && this.unpark(sessionId)) return;
    const { client, userId, timeline, table, reloadSessions, onSession, onTitle, onGone, onLeft } =
      this.options;
    this.park();
    this.request?.abort();
    // Opened again from inside the panel (Try again), it keeps where it was first opened from.
    const opener = document.activeElement;
    if (!this.element.contains(opener)) this.openedFromTable = table.element.contains(opener);
    const request = new AbortController();
    this.request = request;
    this.sessionId = sessionId;
    const close = h(
      'button',
      { type: 'button', class: 'close', 'aria-label': 'Close session (Escape)' },
      '×',
    );
    close.addEventListener('click', () => this.options.onClose());
    // Clicking the session's mark again changes no URL, so an error offers its own way to load it again.
    const retry = () => {
      const button = h('button', { type: 'button' }, 'Try again');
      button.addEventListener('click', () => {
        if (this.sessionId === sessionId) void this.open(sessionId);
      });
      return button;
    };
    const heading = h(
      'h2',
      { id: 'session-heading' },
      sessionTitle(sessionId, this.options.listed(sessionId)?.sessionNumber),
    );
    const panel = this.element;
    panel.hidden = false;
    panel.setAttribute('aria-busy', 'true');
    panel.replaceChildren(
      h('div', { class: 'panel-head' }, heading, close),
      notice('loading', 'Loading session…'),
    );
    panel.focus();
    onTitle(heading.textContent);
    try {
      const session = await client.getSession(userId, sessionId, request.signal);
      if (request.signal.aborted) return;
      heading.textContent = sessionTitle(sessionId, session.sessionNumber);
      onTitle(heading.textContent);
      // Later batches of its events come on the open's signal: opening another session, or closing this one,
      // drops a batch still on its way.
      const load = (cursor: string | null, signal: AbortSignal) =>
        client.getSession(userId, sessionId, signal, cursor);
      panel.replaceChildren(
        h('div', { class: 'panel-head' }, heading, close),
        h(
          'div',
          { class: 'panel-body', 'data-open-session-id': session.sessionId },
          ...renderSessionDetail(session, {
            load,
            signal: request.signal,
            reloadSessions,
            onSession,
            pastEvents: table.heading,
            onGone: () => {
              onGone(sessionId);
              onLeft(sessionId);
            },
          }),
        ),
      );
      timeline.select(session);
      table.select(session.sessionId);
      this.shown = session;
    } catch (error) {
      if (isAbort(error) || request.signal.aborted) return;
      // No session is open now: not the one asked for, nor the one shown before it.
      timeline.select(null);
      table.select(null);
      const gone = error instanceof ApiError && error.status === 404 ? error : undefined;
      const failure =
        gone !== undefined && onGone(sessionId)
          ? sessionGoneNotice(sessionId, gone, reloadSessions)
          : gone !== undefined
            ? notice(
                'error',
                `This user has no session ${isolatedId(sessionId)}. A late event that moves a session’s start ` +
                  'gives it another id: its sessions as they are now say where it went. ',
                reloadSessionsButton(reloadSessions),
              )
            : notice(
                'error',
                `Could not load session ${isolatedId(sessionId)}. `,
                ...errorContent(error),
                ' ',
                mayRetry(error) ? retry() : stitchedUserLink(error),
              );
      panel.replaceChildren(h('div', { class: 'panel-head' }, heading, close), failure);
      // An id the API refuses as no session id (a link cut or typed wrong) names no session either: the URL
      // and the title let it go as one no session has, so that Reload or a shared link does not ask again.
      const malformed = error instanceof ApiError && error.status === 400 && error.parameter === 'sessionId';
      if (gone !== undefined || malformed) onLeft(sessionId);
    } finally {
      if (this.request === request) panel.removeAttribute('aria-busy');
    }
  }

  /**
   * A page of the user's sessions no longer lists these, merged into another or moved by a late event: when
   * the open session is one, the panel says it is gone in place of what it showed (its later events would
   * answer 404), with the way to the user's sessions as they are now.
   */
  dropped(sessionIds: readonly string[]): void {
    if (this.parked !== null && sessionIds.includes(this.parked.sessionId)) this.dropParked();
    const sessionId = this.sessionId;
    if (sessionId === null || !sessionIds.includes(sessionId)) return;
    const { timeline, table, reloadSessions, onLeft } = this.options;
    const hadFocus = this.element.contains(document.activeElement);
    this.request?.abort();
    this.request = null;
    timeline.select(null);
    table.select(null);
    this.element.removeAttribute('aria-busy');
    this.element.replaceChildren(
      this.element.querySelector('.panel-head') ?? '',
      sessionGoneNotice(sessionId, null, reloadSessions),
    );
    if (hadFocus) this.element.focus();
    onLeft(sessionId);
  }

  /** Hides the panel; the keyboard goes back to the session's row when it was opened from it, else its mark. */
  hide(): void {
    const wasOpen = this.sessionId;
    const { timeline, table } = this.options;
    this.park();
    this.letGo();
    this.element.hidden = true;
    this.element.replaceChildren();
    timeline.select(null);
    table.select(null);
    this.options.onTitle(null);
    if (wasOpen !== null && !(this.openedFromTable && table.focusRow(wasOpen))) {
      timeline.focusSession(wasOpen);
    }
  }

  /** Drops the requests on their way, the parked session's too; a Try again shown before does nothing after. */
  dispose(): void {
    this.letGo();
    this.dropParked();
  }

  private letGo(): void {
    this.request?.abort();
    this.sessionId = null;
    this.shown = null;
  }

  private dropParked(): void {
    this.parked?.request.abort();
    this.parked = null;
  }

  /** Keeps the session shown, with its request (its next events come on it), in place of the one kept before. */
  private park(): void {
    if (this.shown === null || this.request === null || this.sessionId !== this.shown.sessionId) return;
    this.dropParked();
    this.parked = parkSession(this.element, this.shown, this.request, this.openedFromTable);
    this.request = null;
    this.shown = null;
  }

  /** Shows the parked session if it is `sessionId` and still listed; the one shown is parked in its place. */
  private unpark(sessionId: string): boolean {
    const parked = this.parked;
    if (parked === null || parked.sessionId !== sessionId) return false;
    const { timeline, table, listed, onTitle } = this.options;
    const now = listed(sessionId);
    this.parked = null;
    if (now === undefined) {
      parked.request.abort();
      return false;
    }
    this.park();
    this.letGo();
    this.sessionId = sessionId;
    this.request = parked.request;
    this.shown = parked.session;
    this.openedFromTable = parked.openedFromTable;
    this.element.hidden = false;
    this.element.removeAttribute('aria-busy');
    showParked(this.element, parked);
    this.element.focus();
    timeline.select(now);
    table.select(sessionId);
    onTitle(this.element.querySelector('#session-heading')?.textContent ?? null);
    return true;
  }
}
