/**
 * What a path most likely meant, when its user was not found, its `~b64.` id did not parse, or no route took
 * it (`//users/alice`): read only then, so a request that finds its user costs no extra read. A path is read from its end (paths.ts), so a
 * client's slip (a trailing slash, a segment after a session id, a misspelt route, spaces or a `/` too many
 * around an id, a number as an export writes it, an id starting with `~b64.` sent as is) reads as an unknown
 * user, or as a `~b64.` form that does not parse; the answer says which path would have named one that exists.
 */
import { BASE64_ID_PREFIX, idOfBase64Id } from '../../contract/index.js';
import { isIdTooLong, storedNumberId } from '../domain/rules/identity.js';
import { startedAtFromSessionId } from '../domain/sessions/session.js';
import type { SessionReader } from '../domain/store/ports.js';
import { type MatchedRoute, matchRoute, pathAfterUsers, routePathFor, USERS, userPath } from './paths.js';
import { parse, sessionIdParam } from './query-params.js';
import { type ApiResponse, badRequest, notFound } from './responses.js';
import { decodedSegment, parseUserId } from './user-id.js';

/** What the near misses read: the store, and whether paths arrive decoded. */
export interface Lookup {
  readonly reader: SessionReader;
  readonly pathsDecoded: boolean;
}

const SESSION_TAIL = /^(.+)\/sessions\/([^/]*)$/s;
/** A session's route after its user id, as a message names it. */
const SESSION_PATH = '/sessions/{sessionId}';
/** A path that goes on after the segment following its last `/sessions/`. */
const PAST_SESSION_ID = /^(.+)\/sessions\/[^/]*\/.*$/s;

/**
 * What followed `/users/` in a route's path, its ending slashes written `/` (see endingSlashesDecoded): the
 * near misses read it so, and answer a path as they answer it behind API Gateway.
 */
function slipPath(route: MatchedRoute, lookup: Lookup): string {
  return endingSlashesDecoded(pathAfterUsers(route), lookup.pathsDecoded);
}

/**
 * `rest` with the percent-encoded slashes that end it written `/`, as API Gateway hands such a path on: read so,
 * a route's tail (`/sessions%2F`, `/sessions/{sessionId}%2F`) gets the answer it gets behind API Gateway.
 */
function endingSlashesDecoded(rest: string, pathsDecoded: boolean): string {
  const kept = withoutTrailingSlashes(rest, pathsDecoded);
  // What follows `kept` is slashes alone, each `/` or `%2F`.
  return `${kept}${rest.slice(kept.length).replace(/%2F/gi, '/')}`;
}

/** The user a path's id names (as the path carries it), when that user exists. */
async function userNamed(rawUserId: string, lookup: Lookup): Promise<string | undefined> {
  const user = parseUserId(rawUserId, lookup.pathsDecoded);
  if (!user.ok || (await lookup.reader.getUserSummary(user.userId)) === undefined) return undefined;
  return user.userId;
}

/**
 * The 400 a misshapen session id deserves (`/users/alice/sessions/latest`) when the user before the tail
 * exists. Read from the path as sent (`rest` is {@link slipPath}'s), so a session id sent percent-encoded is
 * misshapen too (it is not a route's tail as sent), and an owner in the `~b64.` form is decoded as a user id
 * of its own.
 */
async function misshapenSessionId(rest: string, lookup: Lookup): Promise<ApiResponse | undefined> {
  const tail = SESSION_TAIL.exec(rest);
  if (tail === null) return undefined;
  const [, owner, sessionId] = tail as unknown as [string, string, string];
  if ((await userNamed(owner, lookup)) === undefined) return undefined;
  if (sessionId === '') {
    return badRequest(
      'sessionId',
      `is missing after /sessions/ (a user's list of sessions is ${USERS}{userId}/sessions)`,
    );
  }
  const parsed = parse(sessionIdParam, sessionId, 'sessionId');
  return parsed.ok ? undefined : parsed.response;
}

/** The user an id as a path names it (decoded) stands for: the id a `~b64.` form decodes to, else itself. */
async function userOfId(id: string, lookup: Lookup): Promise<string | undefined> {
  const user = id.startsWith(BASE64_ID_PREFIX) ? idOfBase64Id(id) : id;
  if (user === undefined || user === '' || isIdTooLong(user)) return undefined;
  return (await lookup.reader.getUserSummary(user)) === undefined ? undefined : user;
}

/**
 * An id (decoded, `~b64.` form or not) one slip away from a user who exists: spaces around it (no stored id
 * has them: rule 1 trims ids as events are read), or slashes before it (`/users//alice`, a base URL ending
 * with `/` joined to a path).
 */
async function idSlip(route: MatchedRoute, id: string, lookup: Lookup): Promise<string | undefined> {
  const trimmed = id.trim();
  const trimmedUser = trimmed === id ? undefined : await userOfId(trimmed, lookup);
  if (trimmedUser !== undefined) {
    return `user ids are trimmed when events are read, and ${routePathFor(route, trimmedUser)} names a user who exists`;
  }
  const unslashed = id.replace(/^\/+/, '');
  const unslashedUser = unslashed === id ? undefined : await userOfId(unslashed, lookup);
  if (unslashedUser !== undefined) {
    return `the path has more than one "/" after /users, and ${routePathFor(route, unslashedUser)} names a user who exists`;
  }
  return undefined;
}

/**
 * A user whose id itself starts with `~b64.`, when the path sent that id as is: every route reads it as a
 * `~b64.` form (of another id, or of none), so such an id travels only in its own form.
 */
async function prefixedIdMiss(route: MatchedRoute, lookup: Lookup): Promise<string | undefined> {
  const id = decodedSegment(route.userId, lookup.pathsDecoded);
  // No user has an id over the limit: a path with one is refused without a read.
  if (id === undefined || !id.startsWith(BASE64_ID_PREFIX) || isIdTooLong(id)) return undefined;
  if ((await lookup.reader.getUserSummary(id)) === undefined) return undefined;
  return `an id that starts with ${BASE64_ID_PREFIX} is sent in its own ${BASE64_ID_PREFIX} form, and ${routePathFor(route, id)} names a user who exists`;
}

/**
 * How long the slash ending `path` at `end` is: `/`, or `%2F` where paths arrive encoded (a client encoding
 * an id with the slash after it), which behind API Gateway arrives as `/`; 0 for none.
 */
function slashEndingAt(path: string, end: number, pathsDecoded: boolean): number {
  if (path[end - 1] === '/') return 1;
  return !pathsDecoded && end >= 3 && path.slice(end - 3, end).toUpperCase() === '%2F' ? 3 : 0;
}

/** The path without its trailing slashes; a loop, where `/\/+$/` backtracks through every run of slashes (quadratic). */
function withoutTrailingSlashes(path: string, pathsDecoded: boolean): string {
  let end = path.length;
  let slash = slashEndingAt(path, end, pathsDecoded);
  while (slash > 0) {
    end -= slash;
    slash = slashEndingAt(path, end, pathsDecoded);
  }
  return path.slice(0, end);
}

/**
 * A path one slip away from a path of a user who exists (a trailing slash, percent-encoded or not, a tail after
 * a session id): what the slip was. The paths it names are written as a client sends them, not as the slip's
 * path arrived: decoded (behind API Gateway), that is no path (`/users/a b`, `/users/a#b`). With
 * `otherRoutesOnly`, a trailing slash counts only after a path of another route than a user's summary.
 */
async function slipOf(rest: string, lookup: Lookup, otherRoutesOnly = false): Promise<string | undefined> {
  const withoutSlash = withoutTrailingSlashes(rest, lookup.pathsDecoded);
  if (withoutSlash !== rest && withoutSlash !== '') {
    const route = matchRoute(`${USERS}${withoutSlash}`);
    const meant = route !== undefined && !(otherRoutesOnly && route.name === 'getUser');
    const user = meant ? await userNamed(route.userId, lookup) : undefined;
    if (route !== undefined && user !== undefined) {
      return `the path ends with "/", and without it (${routePathFor(route, user)}) names a user who exists`;
    }
  }
  const owner = PAST_SESSION_ID.exec(rest)?.[1];
  const user = owner === undefined ? undefined : await userNamed(owner, lookup);
  if (user !== undefined) {
    return `${userPath(user)} names a user who exists, and a session's path ends with its id (${userPath(user, SESSION_PATH)})`;
  }
  return undefined;
}

/**
 * The user before what no route takes (`alice/session`, `alice/sesions/{sessionId}`): the path without its
 * last segment, or its last two when it ends with a session id.
 */
function ownerBeforeUnknownTail(rest: string): string | undefined {
  const segments = rest.split('/');
  if (segments.length < 2) return undefined;
  const endsWithSessionId =
    segments.length >= 3 && startedAtFromSessionId(segments.at(-1) ?? '') !== undefined;
  const owner = segments.slice(0, endsWithSessionId ? -2 : -1).join('/');
  return owner === '' ? undefined : owner;
}

/**
 * For a user's route refusing its query, when no user has the path's id: what the path meant when that is
 * another route, which may take the parameter refused. The 400 a misshapen session id deserves when the user
 * before its `/sessions/` exists (`alice/sessions/latest`), or the 404 naming the path meant for a slip of a
 * list's or a session's path (`alice/sessions/{sessionId}/`, `…/{sessionId}/events`, `alice/sesions`), as
 * without a query. Read only once the query was refused, and only for a path with a `/` past its id's start.
 */
export async function otherRouteOfUnknownUser(
  route: MatchedRoute,
  userId: string,
  lookup: Lookup,
): Promise<ApiResponse | undefined> {
  const rest = slipPath(route, lookup);
  if (route.name !== 'getUser' || !rest.includes('/')) return undefined;
  if ((await lookup.reader.getUserSummary(userId)) !== undefined) return undefined;
  const misshapen = SESSION_TAIL.test(rest) ? await misshapenSessionId(rest, lookup) : undefined;
  if (misshapen !== undefined) return misshapen;
  // A slash alone after the id is no misspelt route: the path meant is the user's summary.
  const slip =
    (await slipOf(rest, lookup, true)) ??
    (await misspeltRouteOf([withoutTrailingSlashes(rest, true)], lookup));
  return slip === undefined ? undefined : notFound(`User not found; ${slip}`);
}

/**
 * A misspelt route after the id of a user who exists (`alice/session`, `alice/sesions/{sessionId}`), read from
 * each of `paths` (what followed `/users/`, read one way or another): the user's routes.
 */
async function misspeltRouteOf(paths: readonly string[], lookup: Lookup): Promise<string | undefined> {
  const owners = new Set(paths.map(ownerBeforeUnknownTail));
  let user: string | undefined;
  for (const owner of owners) {
    user = owner === undefined ? undefined : await userNamed(owner, lookup);
    if (user !== undefined) break;
  }
  if (user === undefined) return undefined;
  const path = userPath(user);
  return `${path} names a user who exists, and its routes are ${path}, ${userPath(user, '/sessions')} and ${userPath(user, SESSION_PATH)}`;
}

/** For a route whose user was not found: a misshapen session id's 400, or the 404 with what was likely meant. */
export async function unknownUserNearMiss(
  route: MatchedRoute,
  userId: string,
  lookup: Lookup,
): Promise<ApiResponse | undefined> {
  const rest = slipPath(route, lookup);
  if (route.name === 'getUser') {
    const misshapen = await misshapenSessionId(rest, lookup);
    if (misshapen !== undefined) return misshapen;
  }
  const idSlipped = await idSlip(route, userId, lookup);
  if (idSlipped !== undefined) return notFound(`User not found; ${idSlipped}`);
  // Rule 1 stores an id sent as a JSON number as String(n): 42.0 is "42", 1e21 "1e+21", and digits past a
  // double's precision are lost, so the number as the export writes it names no user.
  const stored = storedNumberId(userId);
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
 * a user who exists followed by a session id that makes the whole rest no id (`/users/alice/sessions/` and
 * 600 characters, over the id limit, or `/users/alice/sessions/%ZZ`, no UTF-8: it names no user, as a short
 * one names none), the 404 of such a path after no user, or the id's 400 with what was likely meant.
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
  if (miss !== undefined) return badRequest('userId', `${problem}; ${miss}`);
  // Over the limit, or with an escape that is no UTF-8 after `/sessions/`, such a rest names no user, as a
  // short one names none: with no user before `/sessions/` either, it is the 404 a short junk session id gets
  // (and what such a path gets behind API Gateway, which hands `%ZZ` on as text). An owner that is no user id
  // keeps the id's 400.
  const owner =
    route.name === 'getUser' && (id === undefined || isIdTooLong(id))
      ? SESSION_TAIL.exec(rest)?.[1]
      : undefined;
  return owner !== undefined && parseUserId(owner, lookup.pathsDecoded).ok
    ? notFound('User not found')
    : undefined;
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
