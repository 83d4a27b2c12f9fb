/// <reference lib="dom" />
import { type ApiClient, ApiError } from './api-client.js';
import type { Session, UserSummary } from './api-types.js';
import { h, notice } from './dom.js';
import { errorText, mayRetry } from './error-text.js';
import { isolated, plural } from './format.js';
import { reloadSessionsButton } from './session-events.js';
import { SessionLoader } from './session-loader.js';
import { renderSessionDetail } from './session-panel.js';
import { SessionTable } from './session-table.js';
import { TimelineView } from './timeline-view.js';
import { EMPTY_LOCATION, locationSearch, readLocation, type ViewerLocation } from './url-state.js';
import { renderUserSummary } from './user-summary.js';

export interface AppElements {
  readonly form: HTMLFormElement;
  readonly input: HTMLInputElement;
  readonly status: HTMLElement;
  readonly content: HTMLElement;
}

interface OpenUser {
  readonly askedFor: string;
  readonly summary: UserSummary;
  readonly loader: SessionLoader;
  readonly timeline: TimelineView;
  readonly table: SessionTable;
  readonly panel: HTMLElement;
  openSessionId: string | null;
  sessionRequest: AbortController | null;
}

/** How the API's 404 for an unknown user begins when it goes on to say what the path likely meant. */
const NOT_FOUND_HINT = 'User not found; ';

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * The viewer's pages and their URLs: the start page, a user (`?user=`), a user with an open session
 * (`&session=`). Every change of what is shown goes through the history, so links can be shared and the
 * back button works; `apply` renders whatever the URL says.
 */
export class ViewerApp {
  private current: OpenUser | null = null;
  private location: ViewerLocation = EMPTY_LOCATION;
  private userRequest: AbortController | null = null;

  constructor(
    private readonly elements: AppElements,
    private readonly client: ApiClient,
  ) {}

  start(): void {
    this.elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const user = this.elements.input.value.trim();
      if (user !== '') this.navigate({ user, session: null });
    });
    window.addEventListener('popstate', () => void this.apply(readLocation(window.location.search)));
    document.addEventListener('keydown', (event) => {
      // In a text field Escape is the field's own (a search field clears itself with it).
      const inField = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
      if (event.key === 'Escape' && !inField && this.current?.openSessionId != null) {
        event.preventDefault();
        this.closeSession();
      }
    });
    document.addEventListener('click', (event) => {
      const link = (event.target as Element).closest('a[data-internal]');
      if (link === null || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      void this.navigate(readLocation(new URL((link as HTMLAnchorElement).href).search));
    });
    void this.apply(readLocation(window.location.search));
  }

  private navigate(location: ViewerLocation): void {
    window.history.pushState(null, '', `${window.location.pathname}${locationSearch(location)}`);
    void this.apply(location);
  }

  private async apply(location: ViewerLocation): Promise<void> {
    this.location = location;
    if (location.user === null) return this.showStart();
    const current = this.current;
    if (
      current === null ||
      (location.user !== current.askedFor && location.user !== current.summary.userId)
    ) {
      return this.loadUser(location.user, location.session);
    }
    if (location.session === null) this.hidePanel(current);
    else if (location.session !== current.openSessionId) await this.openSession(current, location.session);
  }

  private showStart(): void {
    this.reset();
    this.elements.input.value = '';
    document.title = 'Sessionizer';
    this.elements.content.replaceChildren(
      h(
        'p',
        { class: 'intro' },
        'Paste a userId or anonymousId above to see that user’s sessions over time.',
      ),
    );
  }

  private reset(): void {
    // Screen readers hear the status: it names only the user on show, none while another loads or fails.
    this.elements.status.textContent = '';
    this.userRequest?.abort();
    this.current?.sessionRequest?.abort();
    this.current?.loader.dispose();
    this.current?.timeline.destroy();
    this.current = null;
  }

  private notice(kind: 'loading' | 'empty' | 'error', ...children: (Node | string | null)[]): HTMLElement {
    return notice(kind, ...children);
  }

  private async loadUser(userId: string, sessionId: string | null): Promise<void> {
    this.reset();
    const request = new AbortController();
    this.userRequest = request;
    this.elements.input.value = userId;
    document.title = `${isolated(userId)} · Sessionizer`;
    const { content } = this.elements;
    content.setAttribute('aria-busy', 'true');
    content.replaceChildren(this.notice('loading', 'Loading user…'));
    try {
      const { summary } = await this.client.getUser(userId, request.signal);
      const askedFor = summary.userId === userId ? null : userId;
      if (askedFor !== null) {
        // The URL names the user the id is stitched to, so a shared link skips the redirect.
        window.history.replaceState(
          null,
          '',
          `${window.location.pathname}${locationSearch({ user: summary.userId, session: sessionId })}`,
        );
        this.location = { user: summary.userId, session: sessionId };
        document.title = `${isolated(summary.userId)} · Sessionizer`;
      }
      const header = renderUserSummary(summary, askedFor);
      if (summary.sessionCount === 0) {
        content.replaceChildren(header, this.notice('empty', 'This user has no sessions yet.'));
        return;
      }
      const loader = new SessionLoader(this.client, summary.userId, () => this.current?.timeline.refresh());
      await loader.loadLatest();
      if (request.signal.aborted) return;
      if (loader.sessions.length === 0) {
        content.replaceChildren(header, this.notice('empty', 'This user has no sessions yet.'));
        return;
      }
      const table = new SessionTable(summary.userId);
      const user: OpenUser = {
        askedFor: userId,
        summary,
        loader,
        timeline: new TimelineView({
          loader,
          summary,
          onOpen: (session: Session) => this.navigate({ user: summary.userId, session: session.sessionId }),
          onRetry: () => loader.retry(),
          onView: (inView) => table.show(inView),
        }),
        table,
        panel: h('section', {
          class: 'panel',
          id: 'session-panel',
          tabindex: -1,
          hidden: true,
          'aria-labelledby': 'session-heading',
        }),
        openSessionId: null,
        sessionRequest: null,
      };
      this.current = user;
      // The open session's panel right under the timeline, where its mark is; the table below both.
      content.replaceChildren(header, user.timeline.element, user.panel, user.table.element);
      user.timeline.showInitialWindow();
      this.elements.status.textContent = `Showing ${isolated(summary.userId)}: ${plural(summary.sessionCount, 'session')}.`;
      if (sessionId !== null) await this.openSession(user, sessionId);
    } catch (error) {
      if (isAbort(error) || request.signal.aborted) return;
      if (error instanceof ApiError && error.status === 404) {
        // The API says which id exists when one is a slip away (a number as an export writes it, stored as
        // JavaScript writes it): that, not a typo, is then why.
        const hint = error.message.startsWith(NOT_FOUND_HINT)
          ? error.message.slice(NOT_FOUND_HINT.length)
          : '';
        content.replaceChildren(
          this.notice(
            'empty',
            'No user or anonymousId ',
            h('code', {}, userId),
            hint === ''
              ? ' is known to the API. Ids are case-sensitive; check for a typo.'
              : ` is known to the API: ${isolated(hint)}.`,
          ),
        );
      } else {
        const retry = h('button', { type: 'button' }, 'Try again');
        retry.addEventListener('click', () => void this.loadUser(userId, sessionId));
        content.replaceChildren(
          this.notice(
            'error',
            `Could not load ${isolated(userId)}. ${errorText(error)} `,
            mayRetry(error) ? retry : null,
          ),
        );
      }
    } finally {
      if (this.userRequest === request) content.removeAttribute('aria-busy');
    }
  }

  private async openSession(user: OpenUser, sessionId: string): Promise<void> {
    user.sessionRequest?.abort();
    const request = new AbortController();
    user.sessionRequest = request;
    user.openSessionId = sessionId;
    const close = h(
      'button',
      { type: 'button', class: 'close', 'aria-label': 'Close session (Escape)' },
      '×',
    );
    close.addEventListener('click', () => this.closeSession());
    // Clicking the session's mark again changes no URL, so an error offers its own way to load it again.
    const retry = () => {
      const button = h('button', { type: 'button' }, 'Try again');
      button.addEventListener('click', () => {
        if (this.current === user && user.openSessionId === sessionId) void this.openSession(user, sessionId);
      });
      return button;
    };
    // The session's id answers no more (its start moved): the URL drops it, which no Back can bring back.
    const { userId } = user.summary;
    const reloadSessions = () => {
      if (this.current !== user) return;
      const location = { user: userId, session: null };
      window.history.replaceState(null, '', `${window.location.pathname}${locationSearch(location)}`);
      this.location = location;
      void this.loadUser(userId, null);
    };
    const heading = h('h2', { id: 'session-heading' }, `Session ${isolated(sessionId)}`);
    user.panel.hidden = false;
    user.panel.setAttribute('aria-busy', 'true');
    user.panel.replaceChildren(
      h('div', { class: 'panel-head' }, heading, close),
      this.notice('loading', 'Loading session…'),
    );
    user.panel.focus();
    try {
      const session = await this.client.getSession(user.summary.userId, sessionId, request.signal);
      if (request.signal.aborted) return;
      heading.textContent =
        session.sessionNumber === null
          ? `Session ${isolated(sessionId)}`
          : `Session ${session.sessionNumber}`;
      // Later batches of its events come on the open's signal: opening another session, or closing this one,
      // drops a batch still on its way.
      const load = (cursor: string | null, signal: AbortSignal) =>
        this.client.getSession(userId, sessionId, signal, cursor);
      user.panel.replaceChildren(
        h('div', { class: 'panel-head' }, heading, close),
        h(
          'div',
          { class: 'panel-body', 'data-open-session-id': session.sessionId },
          ...renderSessionDetail(session, { load, signal: request.signal, reloadSessions }),
        ),
      );
      user.timeline.select(session);
      user.table.select(session.sessionId);
    } catch (error) {
      if (isAbort(error) || request.signal.aborted) return;
      // No session is open now: not the one asked for, nor the one shown before it.
      user.timeline.select(null);
      user.table.select(null);
      const notice =
        error instanceof ApiError && error.status === 404
          ? this.notice(
              'error',
              `This user has no session ${isolated(sessionId)}. A late event that moves a session’s start ` +
                'gives it another id: its sessions as they are now say where it went. ',
              reloadSessionsButton(reloadSessions),
            )
          : this.notice(
              'error',
              `Could not load session ${isolated(sessionId)}. ${errorText(error)} `,
              mayRetry(error) ? retry() : null,
            );
      user.panel.replaceChildren(h('div', { class: 'panel-head' }, heading, close), notice);
    } finally {
      if (user.sessionRequest === request) user.panel.removeAttribute('aria-busy');
    }
  }

  private closeSession(): void {
    const user = this.current;
    if (user === null) return;
    this.navigate({ user: user.summary.userId, session: null });
  }

  private hidePanel(user: OpenUser): void {
    const wasOpen = user.openSessionId;
    user.sessionRequest?.abort();
    user.openSessionId = null;
    user.panel.hidden = true;
    user.panel.replaceChildren();
    user.timeline.select(null);
    user.table.select(null);
    if (wasOpen !== null) user.timeline.focusSession(wasOpen);
  }
}
