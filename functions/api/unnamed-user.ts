/**
 * A path whose user id is no id only through what follows a `/sessions/` after a user id: over the id limit
 * (`/users/nobody/sessions/` and 600 characters) or with escapes that are no UTF-8 there
 * (`/users/nobody/sessions/%ZZ/more`); or only through a later segment's escapes that are no UTF-8, after a
 * user id (`/users/alice/%ZZ`, `/users/alice/sesions/%ZZ`). Such a rest names no user, as a short junk one
 * names none, so the path gets the answers of an unknown user's path, which is also how it is read behind API
 * Gateway (its greedy route takes it and hands `%ZZ` on as text): the route's query checked as for any user,
 * then the 404 or what the path likely meant (docs/api.md, User ids in paths). An owner that is no user id
 * itself keeps the `userId` 400.
 */
import { BASE64_ID_PREFIX } from '../../contract/index.js';
import { isIdTooLong } from '../domain/rules/identity.js';
import type { Lookup } from './near-miss-slips.js';
import { otherRouteOfUnknownUser, unknownUserNearMiss } from './near-misses.js';
import type { MatchedRoute } from './paths.js';
import { LIST_CURSOR_REFUSED, routeQuery, SESSION_CURSOR_REFUSED } from './query-params.js';
import { type ApiResponse, notFound } from './responses.js';
import { decodedSegment, parseUserId } from './user-id.js';

/** The user id before the first `/sessions/` that has something after it. */
const FIRST_OWNER = /^(.+?)\/sessions\/[\s\S]/;

/**
 * Whether a route's id, which did not parse, names no user only through what follows a `/sessions/`, or only
 * through a later segment's escapes after a user id (see above).
 */
export function namesNoUser(route: MatchedRoute, pathsDecoded: boolean): boolean {
  const id = decodedSegment(route.userId, pathsDecoded);
  if (id !== undefined && !isIdTooLong(id)) return false;
  // A `~b64.` form followed by a route's tail is read as that form (near-misses.ts).
  if ((id ?? route.userId).startsWith(BASE64_ID_PREFIX)) return false;
  const owner = FIRST_OWNER.exec(route.userId)?.[1];
  if (owner !== undefined && parseUserId(owner, pathsDecoded).ok) return true;
  return id === undefined && namesNoUserPastOwner(route.userId);
}

/**
 * Whether an id that is no percent-encoded UTF-8 is so only from a segment after a user id (`alice/%ZZ`): read
 * as API Gateway hands it on, each such segment kept as text, it is an id no longer than the limit (a longer
 * one is the `userId` 400 there as here).
 */
function namesNoUserPastOwner(rawUserId: string): boolean {
  const segments = rawUserId.split('/');
  const read = segments.map((segment) => decodedSegment(segment, false));
  const first = read.indexOf(undefined);
  if (first < 1 || !parseUserId(segments.slice(0, first).join('/'), false).ok) return false;
  return !isIdTooLong(read.map((text, index) => text ?? segments[index]).join('/'));
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
