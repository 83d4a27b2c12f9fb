import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_EVENT_LIMIT } from '../../contract/index.js';
import { unknownUserNearMiss } from '../../functions/api/near-misses.js';
import { matchRoute } from '../../functions/api/paths.js';
import {
  LIST_PARAMETERS,
  MAX_LIMIT,
  SESSION_PARAMETERS,
  USER_PARAMETERS,
} from '../../functions/api/query-params.js';
import { parseUserId } from '../../functions/api/user-id.js';
import type { SessionReader } from '../../functions/domain/store/ports.js';
import type { ViewerAsset } from '../../viewer/assets.js';
import { closeServer } from '../helpers/close-server.js';
import type { FakeUser } from './fixtures.js';

export interface FakeApiOptions {
  /** Served at their paths with `headers`; none for an API-only server. */
  readonly assets?: Map<string, ViewerAsset>;
  readonly assetHeaders?: Record<string, string>;
  readonly users: readonly FakeUser[];
  /** anonymousId → the user it is stitched to (answered with a 307). */
  readonly stitched?: Readonly<Record<string, string>>;
  /** User ids whose every request fails with the API's 500. */
  readonly failing?: readonly string[];
  /** Origin allowed to call this API from a browser (CORS), for a viewer served elsewhere. */
  readonly corsOrigin?: string;
}

export interface FakeApi {
  readonly origin: string;
  /** Every request's method and raw URL, in arrival order. */
  readonly requests: string[];
  /** Holds requests whose raw path starts with `prefix` until the returned function is called. */
  hold(prefix: string): () => void;
  /**
   * Requests whose raw path starts with `prefix` get no answer, their connection dropped (a network failure;
   * Chromium retries a GET once on a fresh connection), until the returned function is called.
   */
  drop(prefix: string): () => void;
  /** Every cursor handed out so far becomes a `400`, as when the API's signing key is replaced. */
  invalidateCursors(): void;
  /**
   * Requests whose raw path starts with `prefix` answer `404 Session not found`, as a session's old id does
   * once a late event moved its start, until the returned function is called.
   */
  gone(prefix: string): () => void;
  /**
   * Answers under `prefix` say the session has these attributes (its event count, end and duration), as when
   * it grew after it was opened, until the returned function is called.
   */
  reportSession(prefix: string, attributes: Readonly<Record<string, unknown>>): () => void;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function error(status: number, code: string, message: string, extra: Record<string, string> = {}) {
  return { status, body: { error: { code, message, ...extra } } };
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** Offsets into the ordered, filtered list, tied to the query they belong to as the real API's cursors are. */
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
  const offset = cursor === null ? 0 : decodeCursor(cursor, binding);
  if (offset === undefined)
    return error(400, 'bad_request', 'cursor is not a valid cursor for this user, order and filter', {
      parameter: 'cursor',
    });
  const sessions = matching.slice(offset, offset + limit);
  const more = offset + limit < matching.length;
  return {
    status: 200,
    body: {
      userId: user.summary.userId,
      sessions,
      nextCursor: more ? encodeCursor(binding, offset + limit) : null,
    },
  };
}

/** Changes when the cursors in flight are invalidated, as a replaced signing key would. */
let cursorKey = 0;

/**
 * The real API's 404 for a user not found, with what the path likely meant (a number as an export writes it,
 * spaces around an id) when a slip away from it is a user this fake knows.
 */
async function userNotFound(options: FakeApiOptions, rawPath: string, userId: string): Promise<Answer> {
  const route = matchRoute(rawPath);
  // The near misses only ask whether an id is a user.
  const reader = {
    getUserSummary: async (id: string) =>
      options.users.some((user) => user.summary.userId === id) ? { userId: id } : undefined,
  } as unknown as SessionReader;
  const nearMiss =
    route === undefined
      ? undefined
      : await unknownUserNearMiss(route, userId, { reader, pathsDecoded: false });
  return nearMiss === undefined
    ? error(404, 'not_found', 'User not found')
    : { status: nearMiss.status, body: nearMiss.body };
}

async function answer(options: FakeApiOptions, rawPath: string, query: URLSearchParams): Promise<Answer> {
  const [root, users, encodedUser, sessions, encodedSession, ...rest] = rawPath.split('/');
  if (root !== '' || users !== 'users' || encodedUser === undefined || rest.length > 0) {
    return error(404, 'not_found', 'Route not found');
  }
  // The id as the real API reads it: percent-encoded or in the `~b64.` form the viewer sends for some ids.
  const parsedId = parseUserId(encodedUser, false);
  if (!parsedId.ok) return error(400, 'bad_request', 'userId is invalid');
  const userId = parsedId.userId;
  if (options.failing?.includes(userId)) return error(500, 'internal_error', 'Internal error');
  const stitchedTo = options.stitched?.[userId];
  if (stitchedTo !== undefined && sessions === undefined) {
    const location = `/users/${encodeURIComponent(stitchedTo)}`;
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
  const user = options.users.find((candidate) => candidate.summary.userId === userId);
  if (user === undefined) return userNotFound(options, rawPath, userId);
  if (sessions === undefined) return { status: 200, body: user.summary };
  if (sessions !== 'sessions') return error(404, 'not_found', 'Route not found');
  if (encodedSession === undefined) return listSessions(user, query);
  const sessionId = decodeURIComponent(encodedSession);
  const session = user.sessions.find((candidate) => candidate.sessionId === sessionId);
  if (session === undefined) return error(404, 'not_found', 'Session not found');
  return sessionPage(session, user.events(sessionId), `${cursorKey}|${userId} ${sessionId}`, query);
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
    return error(400, 'bad_request', 'cursor is not a valid cursor for this user and session', {
      parameter: 'cursor',
    });
  }
  const end = Math.min(events.length, from + limit);
  const nextCursor = end < events.length ? encodeCursor(binding, end) : null;
  return { status: 200, body: { ...session, events: events.slice(from, end), nextCursor } };
}

/**
 * A stand-in for the local stack: the viewer's assets and a lookup API with canned users, speaking the
 * API's JSON shapes, status codes, cursors and its 307 for stitched anonymousIds.
 */
export async function startFakeApi(options: FakeApiOptions): Promise<FakeApi> {
  const requests: string[] = [];
  const holds = new Map<string, Promise<void>>();
  const drops = new Set<string>();
  const gone = new Set<string>();
  const reported = new Map<string, Readonly<Record<string, unknown>>>();
  const under = (prefixes: Iterable<string>, rawPath: string) =>
    [...prefixes].find((prefix) => rawPath.startsWith(prefix));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    requests.push(`${req.method} ${target}`);
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1));
    const cors: Record<string, string> =
      options.corsOrigin === undefined
        ? {}
        : { 'access-control-allow-origin': options.corsOrigin, vary: 'origin' };
    const asset = options.assets?.get(rawPath);
    if (asset !== undefined && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': asset.contentType,
        'cache-control': 'no-store',
        ...options.assetHeaders,
      });
      res.end(asset.body);
      return;
    }
    for (const [prefix, gate] of holds) if (rawPath.startsWith(prefix)) await gate;
    if ([...drops].some((prefix) => rawPath.startsWith(prefix))) {
      req.socket.destroy();
      return;
    }
    const found: Answer =
      under(gone, rawPath) === undefined
        ? await answer(options, rawPath, query)
        : error(404, 'not_found', 'Session not found');
    const grown = under(reported.keys(), rawPath);
    const body =
      grown !== undefined && found.status === 200
        ? { ...(found.body as object), ...reported.get(grown) }
        : found.body;
    res.writeHead(found.status, {
      'content-type': JSON_TYPE,
      'cache-control': 'no-store',
      ...cors,
      ...found.headers,
    });
    res.end(JSON.stringify(body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((failure: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(failure));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    hold(prefix) {
      let release = () => {};
      holds.set(
        prefix,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
      return () => {
        holds.delete(prefix);
        release();
      };
    },
    drop(prefix) {
      drops.add(prefix);
      return () => drops.delete(prefix);
    },
    invalidateCursors() {
      cursorKey++;
    },
    gone(prefix) {
      gone.add(prefix);
      return () => gone.delete(prefix);
    },
    reportSession(prefix, attributes) {
      reported.set(prefix, attributes);
      return () => reported.delete(prefix);
    },
    close: () => closeServer(server),
  };
}
