/// <reference lib="dom" />
import { type ApiClient, ApiError } from './api-client.js';
import type { Session, UserSummary } from './api-types.js';
import { isolatedId } from './format.js';
import { SessionLoader } from './session-loader.js';
import { SessionTable } from './session-table.js';
import { SessionView } from './session-view.js';
import { SessionsChangedNotice } from './sessions-changed.js';
import { TimelineView } from './timeline-view.js';
import type { ViewerLocation } from './url-state.js';

/** A user on show: the id asked for, what the API said of the user, and the parts of the page. */
export interface OpenUser {
  readonly askedFor: string;
  readonly summary: UserSummary;
  readonly loader: SessionLoader;
  readonly timeline: TimelineView;
  readonly panel: SessionView;
}

/** What a user's page asks of the app around it: the URL, and what to do when the user or a session goes. */
export interface UserPageOptions {
  readonly client: ApiClient;
  readonly summary: UserSummary;
  /** The id the user was asked for by: theirs, or an anonymousId stitched to them. */
  readonly askedFor: string;
  readonly signal: AbortSignal;
  /** The user on show now, which a later load may have replaced. */
  readonly current: () => OpenUser | null;
  readonly navigate: (location: ViewerLocation) => void;
  readonly closeSession: () => void;
  /** Loads the user afresh, keeping the open session. */
  readonly reloadUser: () => void;
  /** The user's sessions answer 404: the API knows the user no more (erased since). */
  readonly userGone: (error: ApiError) => void;
  readonly reloadSessions: (user: OpenUser) => void;
  readonly unnameSession: (user: OpenUser, sessionId: string) => void;
}

/** A user's page, its parts in the order they are shown (under the user's header), and the user it shows. */
export interface UserPage {
  readonly user: OpenUser;
  readonly elements: readonly HTMLElement[];
  /** Says whether the sessions changed since the user was opened: called once the page is shown. */
  readonly showChanged: () => void;
  /** Titles the page by the user and the open session: for when the page is shown again after another's. */
  readonly showTitle: () => void;
}

/**
 * Loads a user's latest sessions and builds the page that shows them: the timeline, the open session's panel
 * and the table, wired to one loader: `'no sessions'` when the user has none to show, null when `signal`
 * aborted first (another load took its place).
 */
export async function loadUserPage(options: UserPageOptions): Promise<UserPage | 'no sessions' | null> {
  const { client, summary, signal } = options;
  // The user's sessions may change while on show: the notice offers to load them again, the open one kept.
  const changed = new SessionsChangedNotice(options.reloadUser);
  const loader = new SessionLoader(
    client,
    summary.userId,
    () => {
      options.current()?.timeline.refresh();
      if (options.current()?.loader !== loader) return;
      changed.update(loader, summary.sessionCount);
      // A list answers 404 only for a user it does not know (erased since): a retry would meet it again.
      const { error } = loader;
      if (error instanceof ApiError && error.status === 404) options.userGone(error);
    },
    (sessionIds) => {
      const current = options.current();
      if (current?.loader === loader) current.panel.dropped(sessionIds);
    },
  );
  await loader.loadLatest();
  if (signal.aborted) return null;
  if (loader.sessions.length === 0) return 'no sessions';
  const table = new SessionTable(summary.userId);
  const timeline = new TimelineView({
    loader,
    summary,
    onOpen: (session: Session) => options.navigate({ user: summary.userId, session: session.sessionId }),
    onRetry: () => loader.retry(),
    onView: (inView) => table.show(inView),
  });
  const panel = new SessionView({
    client,
    userId: summary.userId,
    timeline,
    table,
    onClose: options.closeSession,
    reloadSessions: () => options.reloadSessions(user),
    onSession: (now) => loader.update(now),
    onGone: (sessionId) => loader.forget(sessionId),
    listed: (sessionId) => loader.sessions.find((session) => session.sessionId === sessionId),
    onLeft: (sessionId) => options.unnameSession(user, sessionId),
    onTitle: (title) => {
      // A session that loads while another user is on show (this page parked for Back) titles no page.
      panelTitle = title;
      if (options.current()?.loader === loader) showTitle();
    },
  });
  let panelTitle: string | null = null;
  const showTitle = () => {
    document.title = `${panelTitle === null ? '' : `${panelTitle} · `}${isolatedId(summary.userId)} · Sessionizer`;
  };
  const user: OpenUser = { askedFor: options.askedFor, summary, loader, timeline, panel };
  return {
    user,
    // The open session's panel right under the timeline, where its mark is; the table below both.
    elements: [changed.element, timeline.element, panel.element, table.element],
    showChanged: () => changed.update(loader, summary.sessionCount),
    showTitle,
  };
}
