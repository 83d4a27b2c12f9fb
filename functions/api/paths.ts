import { base64Id, isDotSegment, travelsOnlyAsBase64Id } from '../../contract/index.js';
import { startedAtFromSessionId } from '../domain/sessions/session.js';

/** A matched route with its user id as the path carries it (still percent-encoded, unless the path was decoded). */
export type MatchedRoute =
  | { readonly name: 'getUser'; readonly userId: string }
  | { readonly name: 'listSessions'; readonly userId: string }
  | { readonly name: 'getSession'; readonly userId: string; readonly sessionId: string };

export const USERS = '/users/';

/**
 * Matches `/users/{userId}`, `/users/{userId}/sessions` and `/users/{userId}/sessions/{sessionId}` by reading
 * the path from its end: a session id has a fixed shape, so everything between `/users/` and the route's own
 * tail is the user id, whatever it contains. That is what lets ids with `/` work behind API Gateway, which
 * decodes the path before the function sees it. (An id that itself ends in `/sessions` can only be reached
 * percent-encoded, which works wherever the path arrives encoded.)
 */
export function matchRoute(rawPath: string): MatchedRoute | undefined {
  if (!rawPath.startsWith(USERS)) return undefined;
  const rest = rawPath.slice(USERS.length);
  const segments = rest.split('/');
  const last = segments[segments.length - 1] ?? '';
  const beforeLast = segments[segments.length - 2];
  if (segments.length >= 3 && beforeLast === 'sessions' && startedAtFromSessionId(last) !== undefined) {
    return { name: 'getSession', userId: segments.slice(0, -2).join('/'), sessionId: last };
  }
  if (segments.length >= 2 && last === 'sessions') {
    return { name: 'listSessions', userId: segments.slice(0, -1).join('/') };
  }
  return { name: 'getUser', userId: rest };
}

/** What follows a route's user id in its path. */
function tailOf(route: MatchedRoute): string {
  switch (route.name) {
    case 'getUser':
      return '';
    case 'listSessions':
      return '/sessions';
    case 'getSession':
      return `/sessions/${route.sessionId}`;
  }
}

/** What followed `/users/` in the path a route was matched from: its user id as the path carried it, and its tail. */
export function pathAfterUsers(route: MatchedRoute): string {
  return `${route.userId}${tailOf(route)}`;
}

/** The route's path with `text` where its user id goes, unencoded (what a log shows in place of the id). */
export function routePathWithIdAs(route: MatchedRoute, text: string): string {
  return `${USERS}${text}${tailOf(route)}`;
}

/** The same route for another user (a decoded id), as a client should send it. */
export function routePathFor(route: MatchedRoute, userId: string): string {
  return userPath(userId, tailOf(route));
}

/** The admin route `DELETE /admin/users/{userId}`, with its user id as the path carries it. */
export interface MatchedAdminRoute {
  readonly name: 'eraseUser';
  readonly userId: string;
}

const ADMIN_USERS = '/admin/users/';

/** Matches `/admin/users/{userId}`: everything after the prefix is the user id, `/` included. */
export function matchAdminRoute(rawPath: string): MatchedAdminRoute | undefined {
  if (!rawPath.startsWith(ADMIN_USERS)) return undefined;
  return { name: 'eraseUser', userId: rawPath.slice(ADMIN_USERS.length) };
}

/** The admin path erasing a user, in the `~b64.` form: it reaches the function whole behind any decoding. */
export function adminUserPath(userId: string): string {
  return `${ADMIN_USERS}${base64Id(userId)}`;
}

/**
 * Whether an id survives a path as itself, decoded before routing (API Gateway) or not: not when it holds a
 * `?` (the rest is cut off), ends like a route of its own (`x/sessions`), starts with the base64 prefix
 * itself, holds a lone surrogate, or is a dot segment.
 */
function survivesDecodedPath(userId: string): boolean {
  if (travelsOnlyAsBase64Id(userId) || isDotSegment(userId) || userId.includes('?')) return false;
  const route = matchRoute(`${USERS}${userId}`);
  return route?.name === 'getUser' && route.userId === userId;
}

/**
 * The path a route takes for a user id (a redirect's Location): percent-encoded, so it reaches the function
 * whole where paths stay encoded, and in the base64 form when a decoded path would misread the id.
 */
export function userPath(userId: string, tail = ''): string {
  const id = survivesDecodedPath(userId) ? userId : base64Id(userId);
  return `${USERS}${encodeURIComponent(id)}${tail}`;
}
