import { BASE64_ID_PREFIX } from '../../contract/index.js';
import type { SessionSummary } from '../domain/sessions/summary.js';
import type { SessionReader, UserSummary } from '../domain/store/ports.js';
import { toSessionView } from '../domain/views/session-view.js';
import type { CursorBinding, CursorCodec, CursorPosition } from './cursor.js';
import { eventPage, eventsWanted, resumeIndex } from './event-page.js';
import { type MatchedRoute, userPath } from './paths.js';
import {
  knownQuery,
  LIST_PARAMETERS,
  listQuerySchema,
  parse,
  SESSION_PARAMETERS,
  sessionIdParam,
  sessionQuerySchema,
} from './query-params.js';
import { type ApiResponse, badRequest, errorResponse, notFound } from './responses.js';
import { parseUserId } from './user-id.js';
import { userSummaryView } from './views.js';

export type { MatchedRoute } from './paths.js';
export { matchRoute } from './paths.js';

export interface RouteDeps {
  readonly reader: SessionReader;
  readonly cursors: CursorCodec;
  readonly pathsDecoded: boolean;
}

const TAILS: Readonly<Record<MatchedRoute['name'], (route: MatchedRoute) => string>> = {
  getUser: () => '',
  listSessions: () => '/sessions',
  getSession: (route) => `/sessions/${'sessionId' in route ? route.sessionId : ''}`,
};

/**
 * The query string without its `cursor`: a cursor names a place in the anonymousId's own walk, which the
 * user's route refuses (it is signed for one user), so the user's walk starts over.
 */
function withoutCursor(rawQueryString: string): string {
  return rawQueryString
    .split('&')
    .filter((pair) => !new URLSearchParams(pair).has('cursor'))
    .join('&');
}

/** An anonymousId stitched to a user answers with where its events went (rule 8): 307 to that user. */
function stitchedRedirect(
  route: MatchedRoute,
  anonymousId: string,
  user: string,
  rawQueryString: string,
): ApiResponse {
  const kept = route.name === 'getUser' ? '' : withoutCursor(rawQueryString);
  const query = kept === '' ? '' : `?${kept}`;
  return {
    status: 307,
    headers: { location: `${userPath(user, TAILS[route.name](route))}${query}` },
    body: {
      error: {
        code: 'stitched',
        message: `${JSON.stringify(anonymousId)} is an anonymousId stitched to user ${JSON.stringify(user)}; its events are that user's`,
        userId: user,
      },
    },
  };
}

const SESSION_TAIL = /^(.+)\/sessions\/([^/]*)$/s;

/**
 * A path read as an unknown user because its session id is misshapen (`/users/alice/sessions/latest`): the
 * 400 that id deserves when the user before the tail exists. Read from the path as sent, so a session id
 * sent percent-encoded is misshapen too (it is not a route's tail as sent), and an owner in the `~b64.` form
 * is decoded as a user id of its own. Read only once a user was not found.
 */
async function misshapenSessionId(route: MatchedRoute, deps: RouteDeps): Promise<ApiResponse | undefined> {
  const tail = SESSION_TAIL.exec(route.userId);
  if (tail === null) return undefined;
  const [, rawOwner, sessionId] = tail as unknown as [string, string, string];
  const owner = parseUserId(rawOwner, deps.pathsDecoded);
  if (!owner.ok || (await deps.reader.getUserSummary(owner.userId)) === undefined) return undefined;
  const parsed = parse(sessionIdParam, sessionId, 'sessionId');
  return parsed.ok ? undefined : parsed.response;
}

/**
 * The same for a user in the `~b64.` form (`/users/~b64.YWxpY2U/sessions/latest`), whose path does not parse
 * as one user id at all: base64url has no `/`, so a tail after the form is a misshapen session id's.
 */
async function misshapenSessionIdAfterBase64Id(
  route: MatchedRoute,
  deps: RouteDeps,
): Promise<ApiResponse | undefined> {
  if (route.name !== 'getUser' || !route.userId.startsWith(BASE64_ID_PREFIX)) return undefined;
  const tail = SESSION_TAIL.exec(route.userId);
  // An owner that is no user id either: the whole id's 400 stands.
  if (tail === null || !parseUserId(tail[1] as string, deps.pathsDecoded).ok) return undefined;
  return (await misshapenSessionId(route, deps)) ?? notFound('User not found');
}

/** The summary of a user with sessions of its own, or the redirect or 404 its id calls for. */
async function userOrRedirect(
  route: MatchedRoute,
  userId: string,
  rawQueryString: string,
  reader: SessionReader,
): Promise<{ summary: UserSummary } | { response: ApiResponse }> {
  const summary = await reader.getUserSummary(userId);
  if (summary === undefined) return { response: notFound('User not found') };
  if (summary.sessionCount === 0 && summary.stitchedTo !== undefined) {
    return { response: stitchedRedirect(route, userId, summary.stitchedTo, rawQueryString) };
  }
  return { summary };
}

export async function handleRoute(
  route: MatchedRoute,
  rawQueryString: string,
  deps: RouteDeps,
): Promise<ApiResponse> {
  const user = parseUserId(route.userId, deps.pathsDecoded);
  if (!user.ok) return (await misshapenSessionIdAfterBase64Id(route, deps)) ?? user.response;
  const userId = user.userId;
  switch (route.name) {
    case 'getUser': {
      const found = await userOrRedirect(route, userId, rawQueryString, deps.reader);
      if (!('response' in found)) return { status: 200, body: userSummaryView(found.summary) };
      if (found.response.status === 404) return (await misshapenSessionId(route, deps)) ?? found.response;
      return found.response;
    }
    case 'getSession':
      return getSession(route, userId, rawQueryString, deps);
    case 'listSessions':
      return listSessions(route, userId, rawQueryString, deps);
  }
}

/** One session with a page of its events: a session of any length answers in pages a response can hold. */
async function getSession(
  route: MatchedRoute,
  userId: string,
  rawQueryString: string,
  deps: RouteDeps,
): Promise<ApiResponse> {
  const sessionId = parse(sessionIdParam, 'sessionId' in route ? route.sessionId : '', 'sessionId');
  if (!sessionId.ok) return sessionId.response;
  const query = knownQuery(rawQueryString, SESSION_PARAMETERS, sessionQuerySchema);
  if (!query.ok) return query.response;
  // Bound to the session, so that a list's cursor (or another session's) is refused here.
  const binding: CursorBinding = { userId, order: 'asc', filters: `events of ${sessionId.data}` };
  let resume: CursorPosition = { after: 0 };
  if (query.data.cursor !== undefined) {
    const position = deps.cursors.position(query.data.cursor, binding);
    if (position === undefined || position.after < 0)
      return badRequest('cursor', 'is not a valid cursor for this user and session');
    resume = position;
  }
  const found = await deps.reader.getSession(userId, sessionId.data, eventsWanted(resume, query.data.limit));
  if (found === undefined) {
    const user = await userOrRedirect(route, userId, rawQueryString, deps.reader);
    return 'response' in user ? user.response : notFound('Session not found');
  }
  const page = eventPage(found, resumeIndex(found, resume), query.data.limit);
  return {
    status: 200,
    body: {
      ...toSessionView(found.session),
      events: page.events,
      nextCursor:
        page.next === undefined ? null : deps.cursors.encode(binding, page.next.after, page.next.mark),
    },
  };
}

async function listSessions(
  route: MatchedRoute,
  userId: string,
  rawQueryString: string,
  deps: RouteDeps,
): Promise<ApiResponse> {
  const query = knownQuery(rawQueryString, LIST_PARAMETERS, listQuerySchema);
  if (!query.ok) return query.response;
  const { from, to, order, limit, cursor, bounce, campaignSource } = query.data;
  const filters =
    bounce === undefined && campaignSource === undefined
      ? undefined
      : JSON.stringify([bounce ?? null, campaignSource ?? null]);
  const binding: CursorBinding = { userId, order, from, to, filters };
  let after: number | undefined;
  if (cursor !== undefined) {
    after = deps.cursors.decode(cursor, binding);
    if (after === undefined)
      return badRequest('cursor', 'is not a valid cursor for this user, order and filter');
  }
  const matches =
    filters === undefined
      ? undefined
      : (session: SessionSummary) =>
          (bounce === undefined || session.bounce === bounce) &&
          (campaignSource === undefined || session.campaign?.source === campaignSource);
  const read = () =>
    deps.reader.listSessions({ userId, from, to, order, limit, after, ...(matches && { matches }) });
  let page = await read();
  if (page.sessions.length === 0 && page.known !== true) {
    // An empty page of an id the reader did not find with sessions: an unknown user or a stitched
    // anonymousId, also one that was erased or stitched while a client walked its pages.
    const user = await userOrRedirect(route, userId, rawQueryString, deps.reader);
    if ('response' in user) return user.response;
    // A user with sessions and no filter: a merge committed between the two reads, so read the list again.
    const unfiltered = matches === undefined && from === undefined && to === undefined;
    if (unfiltered && after === undefined && user.summary.sessionCount > 0) page = await read();
  }
  const resumeAfter = page.resumeAfter ?? page.sessions[page.sessions.length - 1]?.startedAt;
  return {
    status: 200,
    body: {
      userId,
      sessions: page.sessions.map(toSessionView),
      nextCursor:
        page.hasMore && resumeAfter !== undefined ? deps.cursors.encode(binding, resumeAfter) : null,
    },
  };
}

export { errorResponse };
