/**
 * What a path most likely meant, when its user was not found, its `~b64.` id did not parse, or no route took
 * it (`//users/alice`): read only then, so a request that finds its user costs no extra read. A path is read from its end (paths.ts), so a
 * client's slip (a trailing slash, a segment after a session id, a misspelt route, spaces or a `/` too many
 * around an id, a number as an export writes it, an id starting with `~b64.` sent as is) reads as an unknown
 * user, or as a `~b64.` form that does not parse; the answer says which path would have named one that exists.
 */
import { BASE64_ID_PREFIX } from '../../contract/index.js';
import { storedNumberId } from '../domain/rules/identity.js';
import { withoutTrailingSlashes } from './ending-slashes.js';
import {
  idSlip,
  type Lookup,
  misshapenSessionId,
  misspeltRouteOf,
  prefixedIdMiss,
  SESSION_TAIL,
  slipOf,
  slipPath,
  userNamed,
} from './near-miss-slips.js';
import { type MatchedRoute, matchRoute, routePathFor } from './paths.js';
import { type ApiResponse, badRequest, notFound } from './responses.js';
import { decodedSegment, parseUserId } from './user-id.js';

/**
 * For a user's route refusing its query, when no user has the path's id: what the path meant when that is
 * another route, which may take the parameter refused. The 400 a misshapen session id deserves when the user
 * before its `/sessions/` exists (`alice/sessions/latest`), or the 404 naming the path meant for a slip of a
 * list's or a session's path (`alice/sessions/{sessionId}/`, `…/{sessionId}/events`, `alice/sesions`), as
 * without a query. Read only once the query was refused, and only for a path with a `/` past its id's start.
 */
export async function otherRouteOfUnknownUser(
  route: MatchedRoute,
  userId: string | undefined,
  lookup: Lookup,
): Promise<ApiResponse | undefined> {
  const rest = slipPath(route, lookup);
  if (route.name !== 'getUser' || !rest.includes('/')) return undefined;
  if (userId !== undefined && (await lookup.reader.getUserSummary(userId)) !== undefined) return undefined;
  const misshapen = SESSION_TAIL.test(rest) ? await misshapenSessionId(rest, lookup) : undefined;
  if (misshapen !== undefined) return misshapen;
  // A slash alone after the id is no misspelt route: the path meant is the user's summary.
  const slip =
    (await slipOf(rest, lookup, true)) ??
    (await misspeltRouteOf([withoutTrailingSlashes(rest, true)], lookup));
  return slip === undefined ? undefined : notFound(`User not found; ${slip}`);
}

/**
 * For a route whose user was not found (`userId` undefined: a path whose id names no user, see
 * unnamed-user.ts): a misshapen session id's 400, or the 404 with what was likely meant.
 */
export async function unknownUserNearMiss(
  route: MatchedRoute,
  userId: string | undefined,
  lookup: Lookup,
): Promise<ApiResponse | undefined> {
  const rest = slipPath(route, lookup);
  if (route.name === 'getUser') {
    const misshapen = await misshapenSessionId(rest, lookup);
    if (misshapen !== undefined) return misshapen;
  }
  const idSlipped = userId === undefined ? undefined : await idSlip(route, userId, lookup);
  if (idSlipped !== undefined) return notFound(`User not found; ${idSlipped}`);
  // Rule 1 stores an id sent as a JSON number as String(n): 42.0 is "42", 1e21 "1e+21", and digits past a
  // double's precision are lost, so the number as the export writes it names no user.
  const stored = userId === undefined ? undefined : storedNumberId(userId);
  if (stored !== undefined && (await lookup.reader.getUserSummary(stored)) !== undefined) {
    return notFound(
      `User not found; an id sent as a JSON number is stored as JavaScript writes that number (${JSON.stringify(stored)}), and ${routePathFor(route, stored)} names a user who exists`,
    );
  }
  const prefixed = await prefixedIdMiss(route, lookup);
  if (prefixed !== undefined) return notFound(`User not found; ${prefixed}`);
  const slip = await slipOf(rest, lookup);
  if (slip !== undefined) return notFound(`User not found; ${slip}`);
  if (route.name !== 'getUser') return undefined;
  // `alice/session/` names alice, a trailing slash and a misspelt route; `x/sessions/` the user `x/sessions`.
  const misspelt = await misspeltRouteOf([rest, withoutTrailingSlashes(rest, true)], lookup);
  return misspelt === undefined ? undefined : notFound(`User not found; ${misspelt}`);
}

/**
 * For a path whose user id does not parse: a user in the `~b64.` form followed by a misshapen session id
 * (`/users/~b64.YWxpY2U/sessions/latest`: base64url has no `/`, so what follows the form is a route's tail),
 * or the id's 400 with what was likely meant. (A rest that is no id only through what follows a `/sessions/`
 * names no user, and is answered as an unknown user's path: unnamed-user.ts.)
 */
export async function malformedIdNearMiss(
  route: MatchedRoute,
  problem: string,
  lookup: Lookup,
): Promise<ApiResponse | undefined> {
  const rest = slipPath(route, lookup);
  if (route.name === 'getUser' && rest.startsWith(BASE64_ID_PREFIX)) {
    const tail = SESSION_TAIL.exec(rest);
    // An owner that is no user id either: the whole id's 400 stands.
    if (tail !== null && parseUserId(tail[1] as string, lookup.pathsDecoded).ok) {
      return (await misshapenSessionId(rest, lookup)) ?? notFound('User not found');
    }
  }
  if (route.name === 'getUser' && SESSION_TAIL.test(rest)) {
    const misshapen = await misshapenSessionId(rest, lookup);
    if (misshapen !== undefined) return misshapen;
  }
  const id = decodedSegment(route.userId, lookup.pathsDecoded);
  const miss =
    (await prefixedIdMiss(route, lookup)) ??
    (id === undefined ? undefined : await idSlip(route, id, lookup)) ??
    (await slipOf(rest, lookup)) ??
    (route.name === 'getUser'
      ? await misspeltRouteOf([rest, withoutTrailingSlashes(rest, true)], lookup)
      : undefined);
  return miss === undefined ? undefined : badRequest('userId', `${problem}; ${miss}`);
}

/**
 * For a path no route takes: the route it names once the slashes it starts with are one (`//users/alice`, a
 * base URL ending with `/` joined to a path), when that route's user exists.
 */
export async function leadingSlashesNearMiss(
  rawPath: string,
  lookup: Lookup,
): Promise<ApiResponse | undefined> {
  const unslashed = rawPath.replace(/^\/+/, '/');
  const route = unslashed === rawPath ? undefined : matchRoute(unslashed);
  const user = route === undefined ? undefined : await userNamed(route.userId, lookup);
  if (route === undefined || user === undefined) return undefined;
  return notFound(
    `Route not found; the path starts with more than one "/", and ${routePathFor(route, user)} names a user who exists`,
  );
}
