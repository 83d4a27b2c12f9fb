// The fake lookup API's answers: its routes, JSON shapes, status codes and cursors, for the canned users.
import { MAX_EVENT_LIMIT } from '../../contract/index.js';
import type { Lookup } from '../../functions/api/near-miss-slips.js';
import { malformedIdNearMiss, unknownUserNearMiss } from '../../functions/api/near-misses.js';
import { type MatchedRoute, matchRoute, routePathFor } from '../../functions/api/paths.js';
import {
  LIST_PARAMETERS,
  MAX_LIMIT,
  SESSION_PARAMETERS,
  USER_PARAMETERS,
} from '../../functions/api/query-params.js';
import { namesNoUser, unnamedUserAnswer } from '../../functions/api/unnamed-user.js';
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

function listSessions(user: FakeUser, query: URLSearchParams): Answer {
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    return error(400, 'bad_request', 'order must be asc or desc', { parameter: 'order' });
  const limitText = query.get('limit') ?? '20';
  const limit = Number(limitText);
  if (!/^\d{1,3}$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) {
    return error(400, 'bad_request', `limit must be an integer from 1 to ${MAX_LIMIT}`, {
      parameter: 'limit',
    });
  }
  const bound = (name: 'from' | 'to') => {
    const text = query.get(name);
    return text === null ? undefined : Date.parse(text);
  };
  const from = bound('from');
  const to = bound('to');
  if (Number.isNaN(from) || Number.isNaN(to))
    return error(400, 'bad_request', 'from/to must be ISO-8601', { parameter: 'from' });
  const matching = user.sessions.filter((session) => {
    const start = Date.parse(session.startedAt);
    return (from === undefined || start >= from) && (to === undefined || start <= to);
  });
  if (order === 'desc') matching.reverse();
  const binding = `${cursorKey}|${user.summary.userId}|${order}|${from}|${to}`;
  const cursor = query.get('cursor');
  // A list cursor holds the start of the last session handed out, as the real API's holds its key: sessions
  // merged or moved since then shift none of the sessions after it onto the page before.
  const after = cursor === null ? null : decodeCursor(cursor, binding);
  if (after === undefined)
    return error(
      400,
      'bad_request',
      'cursor is not a valid cursor for this user, order and filter: pass the nextCursor of the page before, asked with the same parameters, or leave cursor out to start from the first page (a replaced signing key also ends every cursor)',
      {
        parameter: 'cursor',
      },
    );
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
      : ((await malformedIdNearMiss(route, whole.problem, lookup)) ?? whole.response);
  return response === undefined
    ? error(404, 'not_found', 'User not found')
    : { status: response.status, body: response.body };
}

export async function answer(options: FakeApiData, rawPath: string, query: URLSearchParams): Promise<Answer> {
  const [root, users, encodedUser, sessions, encodedSession, ...rest] = rawPath.split('/');
  const route = matchRoute(rawPath);
  if (root !== '' || users !== 'users' || encodedUser === undefined || route === undefined) {
    return error(404, 'not_found', 'Route not found');
  }
  // The id as the real API reads it: percent-encoded or in the `~b64.` form the viewer sends for some ids.
  const parsedId = parseUserId(encodedUser, false);
  // More than its first segment read as the route's user id (`alice/sesions/x`, `alice/%ZZ`): no user of the fake.
  if (!parsedId.ok || rest.length > 0 || route.userId !== encodedUser) {
    return restAsOneUserId(options, route, query.toString());
  }
  const userId = parsedId.userId;
  if (options.failing?.includes(userId)) return error(500, 'internal_error', 'Internal error');
  const stitchedTo = options.stitched?.[userId];
  if (stitchedTo !== undefined) {
    // As the real API: the list's and a session's query go along, without the cursor, the user route's not.
    query.delete('cursor');
    const kept = sessions === undefined ? '' : query.toString();
    const location = `${routePathFor(route, stitchedTo)}${kept === '' ? '' : `?${kept}`}`;
    return {
      ...error(307, 'stitched', `${userId} is stitched to ${stitchedTo}`, { userId: stitchedTo }),
      headers: { location },
    };
  }
  // As the API refuses them, so that a viewer sending one fails every test that makes it.
  const takes: readonly string[] =
    sessions === undefined
      ? USER_PARAMETERS
      : encodedSession === undefined
        ? LIST_PARAMETERS
        : SESSION_PARAMETERS;
  const unknown = [...query.keys()].find((name) => !takes.includes(name));
  if (unknown !== undefined) {
    return error(400, 'bad_request', `${unknown} is not a parameter of this route`, { parameter: unknown });
  }
  const known = options.users.find((candidate) => candidate.summary.userId === userId);
  if (known === undefined) return userNotFound(options, rawPath, userId);
  const user = withoutGone(known, `/${users}/${encodedUser}/sessions/`, options.gone);
  if (sessions === undefined) return { status: 200, body: user.summary };
  if (encodedSession === undefined) return listSessions(user, query);
  const sessionId = decodeURIComponent(encodedSession);
  const session = user.sessions.find((candidate) => candidate.sessionId === sessionId);
  if (session === undefined) return error(404, 'not_found', 'Session not found');
  return sessionPage(session, user.events(sessionId), `${cursorKey}|${userId} ${sessionId}`, query);
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
  query: URLSearchParams,
): Answer {
  const limit = Number(query.get('limit') ?? MAX_EVENT_LIMIT);
  const cursor = query.get('cursor');
  const from = cursor === null ? 0 : decodeCursor(cursor, binding);
  if (from === undefined) {
    return error(
      400,
      'bad_request',
      'cursor is not a valid cursor for this user and session: pass the nextCursor of its page before, or leave cursor out to start from its first events (a replaced signing key also ends every cursor)',
      {
        parameter: 'cursor',
      },
    );
  }
  const end = Math.min(events.length, from + limit);
  const nextCursor = end < events.length ? encodeCursor(binding, end) : null;
  return { status: 200, body: { ...session, events: events.slice(from, end), nextCursor } };
}
