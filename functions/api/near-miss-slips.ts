// Each slip a near miss may name (near-misses.ts): what a path one slip away from a user who exists was, in
// words, read from the store only when asked.
import { BASE64_ID_PREFIX, idOfBase64Id } from '../../contract/index.js';
import { isIdTooLong } from '../domain/rules/identity.js';
import { startedAtFromSessionId } from '../domain/sessions/session.js';
import type { SessionReader } from '../domain/store/ports.js';
import { endingSlashesDecoded, withoutTrailingSlashes } from './ending-slashes.js';
import { type MatchedRoute, matchRoute, pathAfterUsers, routePathFor, USERS, userPath } from './paths.js';
import { sessionIdParam } from './query-params.js';
import { parse } from './query-string.js';
import { type ApiResponse, badRequest } from './responses.js';
import { decodedSegment, parseUserId } from './user-id.js';

/** What the near misses read: the store, and whether paths arrive decoded. */
export interface Lookup {
  readonly reader: SessionReader;
  readonly pathsDecoded: boolean;
}

/** A path ending with `/sessions/` and one segment: the owner before it, and the session id. */
export const SESSION_TAIL = /^(.+)\/sessions\/([^/]*)$/s;
/** A session's route after its user id, as a message names it. */
const SESSION_PATH = '/sessions/{sessionId}';
/** A path that goes on after the segment following its last `/sessions/`. */
const PAST_SESSION_ID = /^(.+)\/sessions\/[^/]*\/.*$/s;

/**
 * What followed `/users/` in a route's path, its ending slashes written `/` (see endingSlashesDecoded): the
 * near misses read it so, and answer a path as they answer it behind API Gateway.
 */
export function slipPath(route: MatchedRoute, lookup: Lookup): string {
  return endingSlashesDecoded(pathAfterUsers(route), lookup.pathsDecoded);
}

/** The user a path's id names (as the path carries it), when that user exists. */
export async function userNamed(rawUserId: string, lookup: Lookup): Promise<string | undefined> {
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
export async function misshapenSessionId(rest: string, lookup: Lookup): Promise<ApiResponse | undefined> {
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
export async function idSlip(route: MatchedRoute, id: string, lookup: Lookup): Promise<string | undefined> {
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
export async function prefixedIdMiss(route: MatchedRoute, lookup: Lookup): Promise<string | undefined> {
  const id = decodedSegment(route.userId, lookup.pathsDecoded);
  // No user has an id over the limit: a path with one is refused without a read.
  if (id === undefined || !id.startsWith(BASE64_ID_PREFIX) || isIdTooLong(id)) return undefined;
  if ((await lookup.reader.getUserSummary(id)) === undefined) return undefined;
  return `an id that starts with ${BASE64_ID_PREFIX} is sent in its own ${BASE64_ID_PREFIX} form, and ${routePathFor(route, id)} names a user who exists`;
}

/**
 * A path one slip away from a path of a user who exists (a trailing slash, percent-encoded or not, a tail after
 * a session id): what the slip was. The paths it names are written as a client sends them, not as the slip's
 * path arrived: decoded (behind API Gateway), that is no path (`/users/a b`, `/users/a#b`). With
 * `otherRoutesOnly`, a trailing slash counts only after a path of another route than a user's summary.
 */
export async function slipOf(
  rest: string,
  lookup: Lookup,
  otherRoutesOnly = false,
): Promise<string | undefined> {
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
 * A misspelt route after the id of a user who exists (`alice/session`, `alice/sesions/{sessionId}`), read from
 * each of `paths` (what followed `/users/`, read one way or another): the user's routes.
 */
export async function misspeltRouteOf(paths: readonly string[], lookup: Lookup): Promise<string | undefined> {
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
