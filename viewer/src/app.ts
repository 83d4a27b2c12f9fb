/// <reference lib="dom" />
import { type ApiClient, ApiError } from './api-client.js';
import { listenForNavigation } from './app-input.js';
import { h, notice } from './dom.js';
import { isAbort } from './error-text.js';
import { isolatedId, plural } from './format.js';
import { dispose, type ParkedPage, shows } from './parked-page.js';
import { unknownUserNotice } from './unknown-user.js';
import { UrlHistory } from './url-history.js';
import { EMPTY_LOCATION, readLocation, sameLocation, type ViewerLocation } from './url-state.js';
import { loadFailedNotice, noSessionsNotice } from './user-notices.js';
import { loadUserPage, type OpenUser, type UserPage } from './user-page.js';
import { renderUserSummary } from './user-summary.js';

export interface AppElements {
  readonly form: HTMLFormElement;
  readonly input: HTMLInputElement;
  readonly status: HTMLElement;
  readonly content: HTMLElement;
}

/**
 * The viewer's pages and their URLs: the start page, a user (`?user=`), a user with an open session
 * (`&session=`). Every change of what is shown goes through the history, so links can be shared and the
 * back button works; `apply` renders whatever the URL says.
 */
export class ViewerApp {
  /** The user's page on show, kept whole for parking. */
  private currentPage: UserPage | null = null;
  /** The page shown before `currentPage`, not yet rebuilt: Back or Forward to its user shows it as it was left. */
  private parked: ParkedPage | null = null;
  private location: ViewerLocation = EMPTY_LOCATION;
  private userRequest: AbortController | null = null;
  private readonly history = new UrlHistory();

  constructor(
    private readonly elements: AppElements,
    private readonly client: ApiClient,
  ) {}

  /** The user on show: `currentPage`'s. */
  private get current(): OpenUser | null {
    return this.currentPage?.user ?? null;
  }

  start(): void {
    const { form, input } = this.elements;
    listenForNavigation({
      form,
      input,
      navigate: (location) => this.navigate(location),
      closeSession: () => this.current?.panel.openSessionId != null && this.closeSession(),
    });
    this.history.listen(
      (location) => void this.apply(location, true),
      (location) => this.showing(location),
    );
    void this.apply(readLocation(window.location.search));
  }

  private navigate(location: ViewerLocation): void {
    // Asking again for what is on show (its mark clicked again, the user searched again) adds no entry, after
    // which Back would seem to do nothing.
    if (!sameLocation(location, this.location)) this.history.push(location);
    void this.apply(location);
  }

  /** Whether `location` is what the page shows now, so that applying it would change nothing. */
  private showing(location: ViewerLocation): boolean {
    const open = this.current?.panel.openSessionId ?? null;
    return sameLocation(location, this.location) && (open === null || open === location.session);
  }

  /**
   * Shows what `location` says; `fromHistory` (Back or Forward) shows the page parked for its user, and the
   * session parked by its panel, if any.
   */
  private async apply(location: ViewerLocation, fromHistory = false): Promise<void> {
    this.location = location;
    if (location.user === null) return this.showStart();
    const current =
      fromHistory && !shows(this.current, location.user) ? this.unpark(location.user) : this.current;
    if (current === null || !shows(current, location.user)) {
      return this.loadUser(location.user, location.session);
    }
    if (location.session === null) current.panel.hide();
    else if (location.session !== current.panel.openSessionId) {
      await current.panel.open(location.session, fromHistory);
    }
  }

  /**
   * Shows the parked page of `user` as it was left (its view, open session and loaded sessions, which a load
   * afresh would read again behind a "Loading user…"); the page on show is parked in its place. Null when no
   * page of `user` is parked.
   */
  private unpark(user: string): OpenUser | null {
    const parked = this.parked;
    if (parked === null || !shows(parked.page.user, user)) return null;
    const hadFocus = this.elements.content.contains(document.activeElement);
    this.parked = null;
    this.reset();
    this.currentPage = parked.page;
    this.showInField(parked.page.user.askedFor);
    parked.page.showTitle();
    this.elements.content.replaceChildren(...parked.nodes);
    this.elements.status.textContent = parked.status;
    parked.page.user.timeline.refresh();
    // What its loader learnt while parked (the sessions changed) is said now.
    parked.page.showChanged();
    if (hadFocus) this.elements.content.querySelector<HTMLElement>('#user-heading')?.focus();
    return parked.page.user;
  }

  private showStart(): void {
    // The keyboard on what the start page replaces (Back from a user's timeline) goes to the search field.
    const hadFocus = this.elements.content.contains(document.activeElement);
    this.reset();
    this.showInField('');
    document.title = 'Sessionizer';
    this.elements.content.replaceChildren(
      h(
        'p',
        { class: 'intro' },
        'Paste a userId or anonymousId above to see that user’s sessions over time.',
      ),
    );
    if (hadFocus) this.elements.input.focus();
  }

  /** Puts the id shown in the search field, which then names someone: no complaint of spaces stays. */
  private showInField(value: string): void {
    this.elements.input.value = value;
    this.elements.input.setCustomValidity('');
  }

  /**
   * Takes the user's page off show. It is parked, for Back or Forward to show again, unless `drop` (the user
   * is gone) or it is `reloading` that user afresh; the page parked before it is let go.
   */
  private reset(options: { readonly drop?: boolean; readonly reloading?: string } = {}): void {
    const { content, status } = this.elements;
    const page = this.currentPage;
    const keep = page !== null && options.drop !== true && !shows(page.user, options.reloading ?? null);
    if (keep) {
      dispose(this.parked?.page.user ?? null);
      this.parked = {
        page,
        nodes: Array.from(content.childNodes),
        status: status.textContent ?? '',
      };
    } else {
      dispose(this.current);
    }
    // Screen readers hear the status: it names only the user on show, none while another loads or fails.
    status.textContent = '';
    this.userRequest?.abort();
    this.currentPage = null;
  }

  private async loadUser(userId: string, sessionId: string | null): Promise<void> {
    // The keyboard was on what this load replaces (a failure's button, a mark of the user shown before): once
    // the load shows something, it goes there, instead of staying fallen to the page's body.
    const hadFocus = this.elements.content.contains(document.activeElement);
    this.reset({ reloading: userId });
    const request = new AbortController();
    this.userRequest = request;
    const refocus = (target: HTMLElement | null) => {
      const active = document.activeElement;
      if (hadFocus && this.userRequest === request && (active === null || active === document.body)) {
        target?.focus();
      }
    };
    this.showInField(userId);
    document.title = `${isolatedId(userId)} · Sessionizer`;
    const { content } = this.elements;
    content.setAttribute('aria-busy', 'true');
    content.replaceChildren(notice('loading', 'Loading user…'));
    try {
      const { summary } = await this.client.getUser(userId, request.signal);
      const askedFor = summary.userId === userId ? null : userId;
      if (askedFor !== null) {
        // The URL names the user the id is stitched to, so a shared link skips the redirect.
        this.replaceLocation({ user: summary.userId, session: sessionId });
        document.title = `${isolatedId(summary.userId)} · Sessionizer`;
      }
      const header = renderUserSummary(summary, askedFor);
      const heading = header.querySelector<HTMLElement>('#user-heading');
      if (summary.sessionCount === 0) {
        this.showNoSessions(header, summary.userId, sessionId);
        return refocus(heading);
      }
      const page = await loadUserPage({
        client: this.client,
        summary,
        askedFor: userId,
        signal: request.signal,
        current: () => this.current,
        navigate: (location) => this.navigate(location),
        closeSession: () => this.closeSession(),
        reloadUser: () => void this.loadUser(summary.userId, this.location.session),
        userGone: (gone) => this.showUserGone(summary.userId, gone),
        reloadSessions: (user) => this.reloadSessions(user),
        unnameSession: (user, id) => this.unnameSession(user, id),
      });
      if (page === null) return;
      if (page === 'no sessions') {
        this.showNoSessions(header, summary.userId, sessionId);
        return refocus(heading);
      }
      this.currentPage = page;
      content.replaceChildren(header, ...page.elements);
      page.showChanged();
      refocus(heading);
      page.user.timeline.showInitialWindow();
      this.elements.status.textContent = `Showing ${isolatedId(summary.userId)}: ${plural(summary.sessionCount, 'session')}.`;
      if (sessionId !== null) await page.user.panel.open(sessionId);
    } catch (error) {
      if (isAbort(error) || request.signal.aborted) return;
      if (error instanceof ApiError && error.status === 404) {
        // No such user has the session either: the URL names it no more, as for a user without sessions.
        if (sessionId !== null) this.replaceLocation({ user: userId, session: null });
        const unknown = unknownUserNotice(userId, error.said ?? error.message);
        unknown.tabIndex = -1;
        content.replaceChildren(unknown);
        refocus(unknown);
      } else {
        const failed = loadFailedNotice(userId, error, () => void this.loadUser(userId, sessionId));
        content.replaceChildren(failed.notice);
        refocus(failed.wayOn);
      }
    } finally {
      if (this.userRequest === request) content.removeAttribute('aria-busy');
    }
  }

  /**
   * A user without sessions. A session the URL asks for is not found, as the open session's panel says of one
   * the API does not know, and the URL names it no more, as there.
   */
  private showNoSessions(header: HTMLElement, userId: string, sessionId: string | null): void {
    if (sessionId !== null) this.replaceLocation({ user: userId, session: null });
    this.elements.content.replaceChildren(
      header,
      noSessionsNotice(sessionId, () => this.dropSession(userId)),
    );
  }

  /** The user on show is no longer known to the API: said as for a user opened afresh, the URL naming no session. */
  private showUserGone(userId: string, error: ApiError): void {
    const hadFocus = this.elements.content.contains(document.activeElement);
    this.reset({ drop: true });
    this.replaceLocation({ user: userId, session: null });
    const unknown = unknownUserNotice(userId, error.said ?? error.message, { wasShown: true });
    unknown.tabIndex = -1;
    this.elements.content.replaceChildren(unknown);
    if (hadFocus) unknown.focus();
  }

  /** The open session's id answers no more (its start moved): the URL drops it. */
  private reloadSessions(user: OpenUser): void {
    if (this.current === user) this.dropSession(user.summary.userId);
  }

  /** The URL and title stop naming a session that is gone, which no Back brings back; the panel says so. */
  private unnameSession(user: OpenUser, sessionId: string): void {
    if (this.current !== user || this.location.session !== sessionId) return;
    this.replaceLocation({ user: user.summary.userId, session: null });
    document.title = `${isolatedId(user.summary.userId)} · Sessionizer`;
  }

  /** Loads the user again without the session the URL named, which no Back can bring back. */
  private dropSession(userId: string): void {
    this.replaceLocation({ user: userId, session: null });
    void this.loadUser(userId, null);
  }

  /** The URL says `location` in place of what it said, with no history entry of its own. */
  private replaceLocation(location: ViewerLocation): void {
    this.location = location;
    this.history.replace(location);
  }

  private closeSession(): boolean {
    const user = this.current;
    if (user === null) return false;
    this.navigate({ user: user.summary.userId, session: null });
    return true;
  }
}
