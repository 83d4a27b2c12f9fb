import { z } from 'zod';
import type { SessionReader } from '../domain/session-store.js';
import { toSessionView } from '../domain/session-view.js';
import { startedAtFromSessionId } from '../domain/sessionize.js';
import { parseTimestamp } from '../domain/timestamp.js';
import { type CursorBinding, type CursorCodec, MAX_CURSOR_LENGTH } from './cursor.js';
import { type ApiResponse, badRequest, notFound } from './responses.js';
import { timelineEventView, userSummaryView } from './views.js';

/** A matched route with its path parameters still percent-encoded, as they stand in `rawPath`. */
export type MatchedRoute =
  | { readonly name: 'getUser'; readonly userId: string }
  | { readonly name: 'listSessions'; readonly userId: string }
  | { readonly name: 'getSession'; readonly userId: string; readonly sessionId: string };

/**
 * Matches `/users/{userId}`, `/users/{userId}/sessions` and `/users/{userId}/sessions/{sessionId}` on the
 * raw path, before any decoding, so a `%2F` inside a user id never splits it.
 *
 * This needs `rawPath` still percent-encoded, as the local stack and Lambda function URLs deliver it.
 * API Gateway HTTP APIs are reported to decode `rawPath` before invoking (fastify/aws-lambda-fastify#169,
 * honojs/hono#2156): behind one, ids containing `/`, `?` or `%` cannot be addressed as sent.
 */
export function matchRoute(rawPath: string): MatchedRoute | undefined {
  const [root, users, userId, sessions, sessionId, ...rest] = rawPath.split('/');
  if (root !== '' || users !== 'users' || userId === undefined) return undefined;
  if (sessions === undefined) return { name: 'getUser', userId };
  if (sessions !== 'sessions' || rest.length > 0) return undefined;
  return sessionId === undefined
    ? { name: 'listSessions', userId }
    : { name: 'getSession', userId, sessionId };
}

/** Path segments are decoded exactly once, with `+` kept literal (it means space only in query strings). */
const pathSegment = z.string().transform((segment, ctx) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not valid percent-encoded UTF-8' });
    return z.NEVER;
  }
});

const userIdParam = pathSegment.pipe(
  z
    .string()
    .min(1, 'must not be empty')
    // Only a hand-built event can carry a lone surrogate (decoding rejects them); DynamoDB cannot store one.
    .refine((userId) => !/\p{Surrogate}/u.test(userId), 'must be well-formed Unicode'),
);

const sessionIdParam = pathSegment.pipe(
  z
    .string()
    .refine(
      (sessionId) => startedAtFromSessionId(sessionId) !== undefined,
      'must be a session id such as 20240101T090000000Z',
    ),
);

const userPathSchema = z.object({ userId: userIdParam });
const sessionPathSchema = z.object({ userId: userIdParam, sessionId: sessionIdParam });

const timestampParam = z.string().transform((text, ctx) => {
  const epochMs = parseTimestamp(text);
  if (epochMs === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an ISO-8601 date-time such as 2024-01-01T09:00:00Z (send a "+" offset as %2B)',
    });
    return z.NEVER;
  }
  return epochMs;
});

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const LIMIT_PROBLEM = `must be an integer from 1 to ${MAX_LIMIT}`;

const listQuerySchema = z
  .object({
    from: timestampParam.optional(),
    to: timestampParam.optional(),
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('desc'),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, LIMIT_PROBLEM)
      .transform(Number)
      .pipe(z.number().int().min(1, LIMIT_PROBLEM).max(MAX_LIMIT, LIMIT_PROBLEM))
      .default(DEFAULT_LIMIT),
    cursor: z
      .string()
      .min(1, 'must not be empty')
      .max(MAX_CURSOR_LENGTH, 'is not a valid cursor for this request')
      .optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    path: ['from'],
    error: 'must not be after to',
  });

const LIST_PARAMETERS = ['from', 'to', 'order', 'limit', 'cursor'] as const;

type ParseResult<T> = { ok: true; data: T } | { ok: false; response: ApiResponse };

function parse<T>(schema: z.ZodType<T>, input: unknown): ParseResult<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    response: badRequest(String(issue?.path[0] ?? 'request'), issue?.message ?? 'is invalid'),
  };
}

/** Known parameters from the raw query string; unknown ones are ignored, a repeated known one is an error. */
function listQuery(rawQueryString: string): ParseResult<z.infer<typeof listQuerySchema>> {
  // URLSearchParams is the form decoding browsers use: `+` is a space here, unlike in the path.
  const search = new URLSearchParams(rawQueryString);
  const given: Record<string, string> = {};
  for (const name of LIST_PARAMETERS) {
    const values = search.getAll(name);
    if (values.length > 1) return { ok: false, response: badRequest(name, 'must be given at most once') };
    if (values[0] !== undefined) given[name] = values[0];
  }
  return parse(listQuerySchema, given);
}

export interface RouteDeps {
  readonly reader: SessionReader;
  readonly cursors: CursorCodec;
}

export async function handleRoute(
  route: MatchedRoute,
  rawQueryString: string,
  deps: RouteDeps,
): Promise<ApiResponse> {
  switch (route.name) {
    case 'getUser': {
      const path = parse(userPathSchema, route);
      if (!path.ok) return path.response;
      const summary = await deps.reader.getUserSummary(path.data.userId);
      return summary === undefined
        ? notFound('User not found')
        : { status: 200, body: userSummaryView(summary) };
    }
    case 'getSession': {
      const path = parse(sessionPathSchema, route);
      if (!path.ok) return path.response;
      const found = await deps.reader.getSession(path.data.userId, path.data.sessionId);
      if (found === undefined) return notFound('Session not found');
      return {
        status: 200,
        body: { ...toSessionView(found.session), events: found.events.map(timelineEventView) },
      };
    }
    case 'listSessions':
      return listSessions(route, rawQueryString, deps);
  }
}

async function listSessions(
  route: MatchedRoute,
  rawQueryString: string,
  { reader, cursors }: RouteDeps,
): Promise<ApiResponse> {
  const path = parse(userPathSchema, route);
  if (!path.ok) return path.response;
  const query = listQuery(rawQueryString);
  if (!query.ok) return query.response;
  const { userId } = path.data;
  const { from, to, order, limit, cursor } = query.data;
  const binding: CursorBinding = { userId, order, from, to };
  let after: number | undefined;
  if (cursor !== undefined) {
    after = cursors.decode(cursor, binding);
    if (after === undefined)
      return badRequest('cursor', 'is not a valid cursor for this user, order and filter');
  }
  const page = await reader.listSessions({ userId, from, to, order, limit, after });
  // An empty page is either a filter that matched nothing or an unknown user; only the latter is a 404.
  if (page.sessions.length === 0 && (await reader.getUserSummary(userId)) === undefined) {
    return notFound('User not found');
  }
  const last = page.sessions[page.sessions.length - 1];
  return {
    status: 200,
    body: {
      userId,
      sessions: page.sessions.map(toSessionView),
      nextCursor: page.hasMore && last !== undefined ? cursors.encode(binding, last.startedAt) : null,
    },
  };
}
