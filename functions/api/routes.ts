import { createHash } from 'node:crypto';
import type { SentValue } from '../domain/events/event.js';
import { rulesIdentity } from '../domain/rules/session-rules.js';
import type { SessionSummary } from '../domain/sessions/summary.js';
import type { SessionReader, UserSummary } from '../domain/store/ports.js';
import { toSessionView } from '../domain/views/session-view.js';
import type { CursorBinding, CursorCodec, CursorPosition } from './cursor.js';
import { eventPage, eventsWanted, resumeIndex } from './event-page.js';
import { malformedIdNearMiss, otherRouteOfUnknownUser, unknownUserNearMiss } from './near-misses.js';
import { type MatchedRoute, routePathFor } from './paths.js';
import { LIST_CURSOR_REFUSED, routeQuery, SESSION_CURSOR_REFUSED, sessionIdParam } from './query-params.js';
import { parse } from './query-string.js';
import { type ApiResponse, badRequest, errorResponse, notFound } from './responses.js';
import { countFitting } from './result-bytes.js';
import { namesNoUser, refusedId, unnamedUserAnswer } from './unnamed-user.js';
import { parseUserId } from './user-id.js';
import { userSummaryView } from './views.js';

export type { MatchedRoute } from './paths.js';
export { matchRoute } from './paths.js';

export interface RouteDeps {
  readonly reader: SessionReader;
  readonly cursors: CursorCodec;
  readonly pathsDecoded: boolean;
}

/** The one 404 for a user not found, which a near miss may then explain. */
const USER_NOT_FOUND = notFound('User not found');

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
    headers: { location: `${routePathFor(route, user)}${query}` },
    body: {
      error: {
        code: 'stitched',
        message: `${JSON.stringify(anonymousId)} is an anonymousId stitched to user ${JSON.stringify(user)}; its events are that user's`,
        userId: user,
      },
    },
  };
}

/** The summary of a user with sessions of its own, or the redirect or 404 its id calls for. */
async function userOrRedirect(
  route: MatchedRoute,
  userId: string,
  rawQueryString: string,
  reader: SessionReader,
): Promise<{ summary: UserSummary } | { response: ApiResponse }> {
  const summary = await reader.getUserSummary(userId);
  if (summary === undefined) return { response: USER_NOT_FOUND };
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
  if (!user.ok) {
    if (namesNoUser(route, deps.pathsDecoded)) return unnamedUserAnswer(route, rawQueryString, deps);
    const refused = refusedId(route, deps.pathsDecoded);
    const miss = await malformedIdNearMiss(route, refused.problem, deps);
    if (miss?.status !== 404) return miss ?? refused.response;
    // A `~b64.` form and a tail read as one unknown user's id: a user's route, whose query is checked before
    // its user is looked up, so a parameter it does not take is the 400 it is for any other id.
    const query = routeQuery('getUser', rawQueryString);
    return query.ok ? miss : query.response;
  }
  const response = await answer(route, user.userId, rawQueryString, deps);
  if (response !== USER_NOT_FOUND) return response;
  return (await unknownUserNearMiss(route, user.userId, deps)) ?? response;
}

async function answer(
  route: MatchedRoute,
  userId: string,
  rawQueryString: string,
  deps: RouteDeps,
): Promise<ApiResponse> {
  switch (route.name) {
    case 'getUser': {
      const query = routeQuery('getUser', rawQueryString);
      if (!query.ok) return (await otherRouteOfUnknownUser(route, userId, deps)) ?? query.response;
      const found = await userOrRedirect(route, userId, rawQueryString, deps.reader);
      return 'response' in found ? found.response : { status: 200, body: userSummaryView(found.summary) };
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
  const query = routeQuery('getSession', rawQueryString);
  if (!query.ok) return query.response;
  // Bound to the session, so that a list's cursor (or another session's) is refused here.
  const binding: CursorBinding = { userId, order: 'asc', filters: `events of ${sessionId.data}` };
  let resume: CursorPosition = { after: 0 };
  if (query.data.cursor !== undefined) {
    const position = deps.cursors.position(query.data.cursor, binding);
    if (position === undefined || position.after < 0) return SESSION_CURSOR_REFUSED;
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

/**
 * What a list cursor keeps of the rules its pages were cut under: a rebuild under new rules cuts the sessions
 * another way, and a walk that went on across it would show sessions overlapping those it already showed.
 * A digest, short enough for a cursor, of the rules' whole JSON, as they cut sessions (`rulesIdentity`): a
 * merge by an ingest running the same rules in another form rewrites the head's fingerprint, not the sessions.
 */
function rulesMark(fingerprint: string): string {
  return markOf(rulesIdentity(fingerprint));
}

/**
 * Whether a walk's mark is of the rules `fingerprint` cuts by: a cursor issued before rules were compared by
 * what they cut marks the fingerprint as written, which differs from its identity when it holds a
 * platform gap equal to the default; such a walk goes on while the head keeps that form.
 */
function sameWalkRules(walkRules: string, fingerprint: string): boolean {
  return walkRules === rulesMark(fingerprint) || walkRules === markOf(fingerprint);
}

function markOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/** Rule 9 keeps a source as sent: one sent as 42 or true is matched by its JSON text, as a session shows it. */
function sourceMatches(source: SentValue | undefined, wanted: string): boolean {
  if (source === undefined || source === null) return false;
  return typeof source === 'string' ? source === wanted : JSON.stringify(source) === wanted;
}

async function listSessions(
  route: MatchedRoute,
  userId: string,
  rawQueryString: string,
  deps: RouteDeps,
): Promise<ApiResponse> {
  const query = routeQuery('listSessions', rawQueryString);
  if (!query.ok) return query.response;
  const { from, to, order, limit, cursor, bounce, campaignSource } = query.data;
  const filters =
    bounce === undefined && campaignSource === undefined
      ? undefined
      : JSON.stringify([bounce ?? null, campaignSource ?? null]);
  const binding: CursorBinding = { userId, order, from, to, filters };
  let after: number | undefined;
  let walkRules: string | undefined;
  if (cursor !== undefined) {
    const position = deps.cursors.position(cursor, binding);
    after = position?.after;
    walkRules = position?.mark;
    if (after === undefined) return LIST_CURSOR_REFUSED;
  }
  const matches =
    filters === undefined
      ? undefined
      : (session: SessionSummary) =>
          (bounce === undefined || session.bounce === bounce) &&
          (campaignSource === undefined || sourceMatches(session.campaign?.source, campaignSource));
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
  const rules = page.rules === undefined ? undefined : rulesMark(page.rules);
  if (walkRules !== undefined && page.rules !== undefined && !sameWalkRules(walkRules, page.rules)) {
    return badRequest(
      'cursor',
      "belongs to a walk of this user's sessions as they were before they were cut again under new rules (a rebuild), which cut them another way: leave cursor out to start from the first page",
    );
  }
  const views = page.sessions.map(toSessionView);
  // Fifty sessions of the longest texts pass what Lambda can answer: then the page ends at the last that fits.
  const shown = countFitting(views);
  const cut = shown < views.length;
  const resumeAfter = cut
    ? page.sessions[shown - 1]?.startedAt
    : (page.resumeAfter ?? page.sessions[page.sessions.length - 1]?.startedAt);
  return {
    status: 200,
    body: {
      userId,
      sessions: views.slice(0, shown),
      nextCursor:
        (cut || page.hasMore) && resumeAfter !== undefined
          ? deps.cursors.encode(binding, resumeAfter, rules)
          : null,
    },
  };
}

export { errorResponse };
