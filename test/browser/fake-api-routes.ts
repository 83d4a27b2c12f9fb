// The fake lookup API's answers: its routes, JSON shapes, status codes and cursors, for the canned users.
import type { Lookup } from '../../functions/api/near-miss-slips.js';
import { malformedIdNearMiss, unknownUserNearMiss } from '../../functions/api/near-misses.js';
import { type MatchedRoute, matchRoute, routePathFor } from '../../functions/api/paths.js';
import {
  LIST_CURSOR_REFUSED,
  type RouteQueries,
  routeQuery as realRouteQuery,
  SESSION_CURSOR_REFUSED,
} from '../../functions/api/query-params.js';
import type { ParseResult } from '../../functions/api/query-string.js';
import type { ApiResponse } from '../../functions/api/responses.js';
import { namesNoUser, refusedId, unnamedUserAnswer } from '../../functions/api/unnamed-user.js';
import { parseUserId } from '../../functions/api/user-id.js';
import type { SessionReader } from '../../functions/domain/store/ports.js';
import type { FakeUser } from './fixtures.js';

/** What the fake API knows. */
export interface FakeApiData {
  readonly users: readonly FakeUser[];
  /** anonymousId → the user it is stitched to: every route of it answers a 307 to the same route of that user. */
  readonly stitched?: Readonly<Record<string, string>>;
  /** User ids whose every request fails with the API's 500. */
  readonly failing?: readonly string[];
  /**
   * Paths of sessions gone since (`/users/<user>/sessions/<id>`, as the viewer sends them): each answers
   * `404 Session not found`, and the user's list and count leave it out, as the real API's do once a late
   * event merged the session into another or moved its start.
   */
  readonly gone?: ReadonlySet<string>;
}

export function error(status: number, code: string, message: string, extra: Record<string, string> = {}) {
  return { status, body: { error: { code, message, ...extra } } };
}

export type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** The real API's answer as the fake's. */
function asAnswer(response: ApiResponse): Answer {
  return { status: response.status, body: response.body };
}

type ListQuery = RouteQueries['listSessions'];
type SessionQuery = RouteQueries['getSession'];
/** The query of a list or of a session's route; a user's summary takes none. */
type RouteQuery = { readonly list?: ListQuery; readonly session?: SessionQuery };

/**
 * The route's query as the real API reads it, or the real API's own refusal (query-params.ts): checked before
 * anything is looked up, as there, so that a viewer sending a query the API refuses fails every test that makes
 * it, with the words the API would answer.
 */
function routeQuery(route: MatchedRoute, rawQuery: string): ParseResult<RouteQuery> {
  switch (route.name) {
    case 'getUser': {
      const query = realRouteQuery('getUser', rawQuery);
      return query.ok ? { ok: true, data: {} } : query;
    }
    case 'listSessions': {
      const query = realRouteQuery('listSessions', rawQuery);
      return query.ok ? { ok: true, data: { list: query.data } } : query;
    }
    case 'getSession': {
      const query = realRouteQuery('getSession', rawQuery);
      return query.ok ? { ok: true, data: { session: query.data } } : query;
    }
  }
}

/** A place in the ordered list (a session's start, an event's offset), tied to its query as the real API's cursors are. */
function encodeCursor(binding: string, offset: number): string {
  return Buffer.from(JSON.stringify({ binding, offset })).toString('base64url');
}

function decodeCursor(cursor: string, binding: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return parsed.binding === binding && Number.isInteger(parsed.offset) ? parsed.offset : undefined;
  } catch {
    return undefined;
  }
}

/** What a list's cursor is tied to, as the real API's are: its user, order and filters, and the signing key. */
function listBinding(userId: string, { order, from, to, bounce, campaignSource }: ListQuery): string {
  return `${cursorKey}|${userId}|${order}|${from}|${to}|${bounce}|${campaignSource}`;
}

/** What a session's cursor is tied to: its user and session, and the signing key. */
function sessionBinding(userId: string, sessionId: string): string {
  return `${cursorKey}|${userId} ${sessionId}`;
}

/**
 * The real API's refusal of a cursor not issued for this user and query, which it answers before it reads
 * anything: for an unknown user too (a cursor issued before the user was erased still reads on, to the 404).
 */
function refusedCursor(userId: string, sessionId: string | undefined, { list, session }: RouteQuery) {
  if (list?.cursor !== undefined && decodeCursor(list.cursor, listBinding(userId, list)) === undefined) {
    return asAnswer(LIST_CURSOR_REFUSED);
  }
  if (session?.cursor === undefined || sessionId === undefined) return undefined;
  const binding = sessionBinding(userId, sessionId);
  return decodeCursor(session.cursor, binding) === undefined ? asAnswer(SESSION_CURSOR_REFUSED) : undefined;
}

function listSessions(user: FakeUser, query: ListQuery): Answer {
  const { from, to, order, limit, cursor, bounce, campaignSource } = query;
  const matching = user.sessions.filter((session) => {
    const start = Date.parse(session.startedAt);
    return (
      (from === undefined || start >= from) &&
      (to === undefined || start <= to) &&
      (bounce === undefined || session.bounce === bounce) &&
      (campaignSource === undefined || session.campaign?.source === campaignSource)
    );
  });
  if (order === 'desc') matching.reverse();
  const binding = listBinding(user.summary.userId, query);
  // A list cursor holds the start of the last session handed out, as the real API's holds its key: sessions
  // merged or moved since then shift none of the sessions after it onto the page before.
  const after = cursor === undefined ? null : decodeCursor(cursor, binding);
  if (after === undefined) return asAnswer(LIST_CURSOR_REFUSED);
  const rest =
    after === null
      ? matching
      : matching.filter((session) => Date.parse(session.startedAt) < after === (order === 'desc'));
  const sessions = rest.slice(0, limit);
  const last = sessions.at(-1);
  return {
    status: 200,
    body: {
      userId: user.summary.userId,
      sessions,
      nextCursor:
        rest.length > limit && last !== undefined ? encodeCursor(binding, Date.parse(last.startedAt)) : null,
    },
  };
}

/** Changes when the cursors in flight are invalidated, as a replaced signing key would. */
let cursorKey = 0;

/** Every cursor handed out so far becomes a `400`, as when the API's signing key is replaced. */
export function invalidateCursors(): void {
  cursorKey++;
}

/**
 * The real API's 404 for a user not found, with what the path likely meant (a number as an export writes it,
 * spaces around an id) when a slip away from it is a user this fake knows.
 */
async function userNotFound(options: FakeApiData, rawPath: string, userId: string): Promise<Answer> {
  const route = matchRoute(rawPath);
  const nearMiss =
    route === undefined ? undefined : await unknownUserNearMiss(route, userId, nearMissLookup(options));
  return nearMiss === undefined
    ? error(404, 'not_found', 'User not found')
    : { status: nearMiss.status, body: nearMiss.body };
}

/** What the real API's near misses read: whether an id is a user (all they ask), of paths as sent. */
function nearMissLookup(options: FakeApiData): Lookup {
  const reader = {
    getUserSummary: async (id: string) =>
      options.users.some((user) => user.summary.userId === id) ? { userId: id } : undefined,
  } as unknown as SessionReader;
  return { reader, pathsDecoded: false };
}

/**
 * A path whose id the fake's segments do not read as the API does: its last segment after `/sessions/` is
 * no session id as sent (`latest`, `%ZZ`, a percent-encoded id, nothing), something follows a session id's
 * place (`/sessions/%ZZ/more`), a segment after the id is no route's (`/sesions`, `%ZZ`), or its id is malformed. The real API reads the whole rest as one user id,
 * unknown here, and answers what that calls for: the sessionId `400` when the user before `/sessions/`
 * exists, the 404 with what was meant, or the `userId` `400` (docs/api.md, "User ids in paths"), as
 * routes.ts's handleRoute does, from the same near misses.
 */
async function restAsOneUserId(options: FakeApiData, route: MatchedRoute, query: string): Promise<Answer> {
  const lookup = nearMissLookup(options);
  const whole = parseUserId(route.userId, false);
  const response = whole.ok
    ? await unknownUserNearMiss(route, whole.userId, lookup)
    : namesNoUser(route, false)
      ? await unnamedUserAnswer(route, query, lookup)
      : await refusedIdAnswer(route, lookup);
  return response === undefined
    ? error(404, 'not_found', 'User not found')
    : { status: response.status, body: response.body };
}

/** A malformed id's 400, worded as API Gateway's reading of it (routes.ts). */
async function refusedIdAnswer(route: MatchedRoute, lookup: Lookup): Promise<ApiResponse> {
  const refused = refusedId(route, false);
  return (await malformedIdNearMiss(route, refused.problem, lookup)) ?? refused.response;
}

/** The query without its `cursor` pairs, as the real API's redirect of a stitched anonymousId keeps it. */
function withoutCursor(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((pair) => !new URLSearchParams(pair).has('cursor'))
    .join('&');
}

/** The answer to `rawPath` with its query as sent (`rawQuery`, still percent-encoded, without `?`). */
export async function answer(options: FakeApiData, rawPath: string, rawQuery: string): Promise<Answer> {
  const [root, users, encodedUser, sessions, encodedSession, ...rest] = rawPath.split('/');
  const route = matchRoute(rawPath);
  if (root !== '' || users !== 'users' || encodedUser === undefined || route === undefined) {
    return error(404, 'not_found', 'Route not found');
  }
  // The id as the real API reads it: percent-encoded or in the `~b64.` form the viewer sends for some ids.
  const parsedId = parseUserId(encodedUser, false);
  // More than its first segment read as the route's user id (`alice/sesions/x`, `alice/%ZZ`): no user of the fake.
  if (!parsedId.ok || rest.length > 0 || route.userId !== encodedUser) {
    return restAsOneUserId(options, route, rawQuery);
  }
  const userId = parsedId.userId;
  const query = routeQuery(route, rawQuery);
  if (!query.ok) return asAnswer(query.response);
  const sessionId = encodedSession === undefined ? undefined : decodeURIComponent(encodedSession);
  const refused = refusedCursor(userId, sessionId, query.data);
  if (refused !== undefined) return refused;
  if (options.failing?.includes(userId)) return error(500, 'internal_error', 'Internal error');
  const stitchedTo = options.stitched?.[userId];
  if (stitchedTo !== undefined) {
    // As the real API: the list's and a session's query go along, without the cursor, the user route's not.
    const kept = sessions === undefined ? '' : withoutCursor(rawQuery);
    const location = `${routePathFor(route, stitchedTo)}${kept === '' ? '' : `?${kept}`}`;
    return {
      ...error(307, 'stitched', `${userId} is stitched to ${stitchedTo}`, { userId: stitchedTo }),
      headers: { location },
    };
  }
  const known = options.users.find((candidate) => candidate.summary.userId === userId);
  if (known === undefined) return userNotFound(options, rawPath, userId);
  const user = withoutGone(known, `/${users}/${encodedUser}/sessions/`, options.gone);
  if (query.data.list !== undefined) return listSessions(user, query.data.list);
  if (query.data.session === undefined || sessionId === undefined) {
    return { status: 200, body: user.summary };
  }
  const session = user.sessions.find((candidate) => candidate.sessionId === sessionId);
  if (session === undefined) return error(404, 'not_found', 'Session not found');
  return sessionPage(session, user.events(sessionId), sessionBinding(userId, sessionId), query.data.session);
}

/** The user as the API has it once the sessions under `sessionsPath` that `gone` names are gone. */
function withoutGone(user: FakeUser, sessionsPath: string, gone: ReadonlySet<string> | undefined): FakeUser {
  if (gone === undefined || gone.size === 0) return user;
  const sessions = user.sessions.filter(
    (session) => !gone.has(`${sessionsPath}${encodeURIComponent(session.sessionId)}`),
  );
  if (sessions.length === user.sessions.length) return user;
  const sessionCount = user.summary.sessionCount - (user.sessions.length - sessions.length);
  return { ...user, sessions, summary: { ...user.summary, sessionCount } };
}

/** A session with a page of its events, paged as the real API pages them. */
function sessionPage(
  session: object,
  events: readonly unknown[],
  binding: string,
  { limit, cursor }: SessionQuery,
): Answer {
  const from = cursor === undefined ? 0 : decodeCursor(cursor, binding);
  if (from === undefined) return asAnswer(SESSION_CURSOR_REFUSED);
  const end = Math.min(events.length, from + limit);
  const nextCursor = end < events.length ? encodeCursor(binding, end) : null;
  return { status: 200, body: { ...session, events: events.slice(from, end), nextCursor } };
}
