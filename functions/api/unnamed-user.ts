/**
 * A path whose user id is no id only through escapes that are no UTF-8 (`/users/%ZZ/x`, `/users/%ff/sessions`,
 * `/users/alice/%ZZ`, `/users/nobody/sessions/%ZZ/more`), or only through what follows a `/sessions/` after a
 * user id being over the id limit (`/users/nobody/sessions/` and 600 characters). Behind API Gateway the
 * greedy route `/users/{proxy+}` takes such a path and hands `%ZZ` on as text, so the rest is an unknown
 * user's id; the encoded reading answers the same: the route's query checked as for any user, then the 404 or
 * what the path likely meant (docs/api.md, User ids in paths). An id in the `~b64.` form followed by such a
 * segment is refused as API Gateway's text makes it, a `~b64.` form that does not parse.
 */
import { BASE64_ID_PREFIX } from '../../contract/index.js';
import { isIdTooLong } from '../domain/rules/identity.js';
import type { Lookup } from './near-miss-slips.js';
import { otherRouteOfUnknownUser, unknownUserNearMiss } from './near-misses.js';
import type { MatchedRoute } from './paths.js';
import { LIST_CURSOR_REFUSED, routeQuery, SESSION_CURSOR_REFUSED } from './query-params.js';
import { type ApiResponse, badRequest, notFound } from './responses.js';
import { decodedSegment, parseUserId } from './user-id.js';

/** The user id before the first `/sessions/` that has something after it. */
const FIRST_OWNER = /^(.+?)\/sessions\/[\s\S]/;

/**
 * A route's id as API Gateway hands it on: decoded, each segment that is no percent-encoded UTF-8 kept as text
 * (`%ZZ/x` is `%ZZ/x`, `a%20b/%ZZ` is `a b/%ZZ`). An id that arrived decoded is that text already.
 */
export function idAsGatewayReadsIt(rawUserId: string, pathsDecoded: boolean): string {
  if (pathsDecoded) return rawUserId;
  return rawUserId
    .split('/')
    .map((segment) => decodedSegment(segment, false) ?? segment)
    .join('/');
}

/**
 * Whether a route's id, which did not parse, names no user: read as API Gateway hands it on, an id that is
 * no UTF-8 only through escapes that it keeps as text, or an id over the limit only through what follows a
 * `/sessions/` (see above). A `~b64.` form, followed by anything, is read as that form (near-misses.ts).
 */
export function namesNoUser(route: MatchedRoute, pathsDecoded: boolean): boolean {
  const id = idAsGatewayReadsIt(route.userId, pathsDecoded);
  if (id.startsWith(BASE64_ID_PREFIX)) return false;
  if (!isIdTooLong(id)) return id !== '' && decodedSegment(route.userId, pathsDecoded) === undefined;
  const owner = FIRST_OWNER.exec(route.userId)?.[1];
  return owner !== undefined && parseUserId(idAsGatewayReadsIt(owner, pathsDecoded), true).ok;
}

/**
 * The 400 for a route's id that did not parse and does not just name no user: what is wrong with it as API Gateway hands
 * it on (so `~b64.eA/%ZZ` is worded as the `~b64.` form it is there, not as percent-encoding).
 */
export function refusedId(
  route: MatchedRoute,
  pathsDecoded: boolean,
): { problem: string; response: ApiResponse } {
  const read = parseUserId(idAsGatewayReadsIt(route.userId, pathsDecoded), true);
  // One that parses read so names no user (namesNoUser), and is not refused.
  return read.ok ? { problem: 'is invalid', response: badRequest('userId', 'is invalid') } : read;
}

/** The answer of a route for a user who does not exist, given a path whose id names none (see above). */
export async function unnamedUserAnswer(
  route: MatchedRoute,
  rawQueryString: string,
  lookup: Lookup,
): Promise<ApiResponse> {
  switch (route.name) {
    case 'getUser': {
      const query = routeQuery('getUser', rawQueryString);
      if (!query.ok) return (await otherRouteOfUnknownUser(route, undefined, lookup)) ?? query.response;
      break;
    }
    case 'listSessions': {
      const query = routeQuery('listSessions', rawQueryString);
      if (!query.ok) return query.response;
      // A cursor is signed for one user: none is valid for a user who does not exist.
      if (query.data.cursor !== undefined) return LIST_CURSOR_REFUSED;
      break;
    }
    case 'getSession': {
      const query = routeQuery('getSession', rawQueryString);
      if (!query.ok) return query.response;
      if (query.data.cursor !== undefined) return SESSION_CURSOR_REFUSED;
      break;
    }
  }
  return (await unknownUserNearMiss(route, undefined, lookup)) ?? notFound('User not found');
}
