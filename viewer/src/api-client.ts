import {
  base64Id,
  idOfBase64Id,
  isDotSegment,
  MAX_EVENT_LIMIT,
  travelsOnlyAsBase64Id,
} from '../../contract/index.js';
import { escapeControlOfEscaped } from '../../contract/visible-text.js';
import {
  ApiFormatError,
  parseApiError,
  parseSessionDetail,
  parseSessionPage,
  parseUserSummary,
  type SessionDetail,
  type SessionEvent,
  type SessionPage,
  type UserSummary,
} from './api-types.js';
import { isolatedId } from './format.js';

/** A failed call, with what the API said when it said something: the page shows `message` as is. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** 0 when no HTTP answer came back. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** The user the id asked for is stitched to now (the API's 307), whose route answers instead. */
    readonly stitchedTo: string | null = null,
    /**
     * What `message` shows escaped, as it came (the API's words, or an answer's flaw): a page shows the escapes
     * apart from the text (error-text.ts), since a backslash it holds need be none (`\u202e` typed).
     */
    readonly said: string | null = null,
    /** The parameter the API named as the one it refused (its 400's `parameter`: `sessionId`, `cursor`). */
    readonly parameter: string | null = null,
  ) {
    super(message);
  }
}

export interface SessionQuery {
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  /** Epoch ms; omitted when unbounded. */
  readonly from?: number;
  readonly to?: number;
  readonly cursor?: string;
}

export interface UserLookup {
  readonly summary: UserSummary;
  /** True when the API redirected the id asked for (an anonymousId) to the user it is stitched to. */
  readonly redirected: boolean;
}

export interface ApiClient {
  getUser(userId: string, signal?: AbortSignal): Promise<UserLookup>;
  listSessions(userId: string, query: SessionQuery, signal?: AbortSignal): Promise<SessionPage>;
  /**
   * The session as it is now with VIEWER_EVENT_BATCH of its events: its first, or those after `after` (the
   * `nextCursor` of an earlier batch), and the `nextCursor` of these.
   */
  getSession(
    userId: string,
    sessionId: string,
    signal?: AbortSignal,
    after?: string | null,
  ): Promise<SessionDetail>;
}

/** Events of one session the viewer loads at a time: a person asks for the next ones when they get there. */
export const VIEWER_EVENT_BATCH = 5_000;

/**
 * A user id as a path segment the API reads right behind any decoding of the path (docs/api.md, "User ids in
 * paths"): percent-encoded, or `~b64.` and its WTF-8 in base64url when a decoded path could misread it (a `/`
 * that makes it end like a route, a `?` that cuts it, or the prefix itself), it has no percent-encoding, or
 * it is a dot segment that `fetch` would resolve away.
 */
export function pathId(userId: string): string {
  return travelsOnlyAsBase64Id(userId) || isDotSegment(userId) || /[/?]/.test(userId)
    ? base64Id(userId)
    : encodeURIComponent(userId);
}

function stitchedError(userId: string, user: string): ApiError {
  return new ApiError(
    307,
    'stitched',
    `${isolatedId(userId)} is now an anonymousId stitched to user ${isolatedId(user)}, whose sessions its events joined; open that user`,
    user,
  );
}

/** The user id in a route's path `segmentsFromEnd` segments before its end, as the API's redirects write it. */
function pathUser(url: string, segmentsFromEnd: number): string | null {
  try {
    const segment = new URL(url).pathname.split('/').at(-segmentsFromEnd);
    return segment === undefined ? null : (idOfBase64Id(segment) ?? decodeURIComponent(segment));
  } catch {
    return null;
  }
}

/** The answer for `userId` itself, or the error saying that the id was stitched to the user it names. */
function ownAnswer<T extends { readonly userId: string }>(userId: string, answer: T): T {
  if (answer.userId === userId) return answer;
  throw stitchedError(userId, answer.userId);
}

/** How long a request may take: past API Gateway's own 29 s, after which a deployed stage answers 504. */
export const API_TIMEOUT_MS = 60_000;

/** Where requests go: `''` is the viewer's own origin. */
export function createApiClient(
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
  timeoutMs: number = API_TIMEOUT_MS,
): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  // A browser fails a request that another origin's CORS settings refuse as it fails one to a server that is
  // down: a static build calling its API elsewhere names both.
  const unreachable =
    base === ''
      ? // Most often the local server that served this page (the local stack, or the signing proxy) stopped.
        'Could not reach the API at this server: when npm start or npm run viewer serves this page, check that it still runs.'
      : `Could not reach the API at ${base}, or its CORS settings do not allow this page's origin.`;
  // API Gateway's own 403 is an IAM-authenticated stage refusing a request unsigned, or signed by credentials
  // it does not take: "Forbidden" alone says neither, nor that a retry cannot mend it without a change.
  const forbidden =
    base === ''
      ? 'The API takes signed requests only: npm run viewer signs them with your AWS credentials, which must allow execute-api:Invoke on it (log in again if they expired, then try again).'
      : 'The API takes signed requests only (IAM auth), which a browser cannot make: view its stage with npm run viewer -- --stage <stage>, which signs them with your AWS credentials.';
  const userPath = (userId: string) => `${base}/users/${pathId(userId)}`;

  /**
   * `stitchedAt` is where the user's id is in the path, counted from its end, for the routes where fetch's
   * following of the API's 307 (an id stitched to a user since it was opened) answers for another user: that
   * answer, a 200 or a 404 for a session the user has under no such id, is not this id's, and whatever
   * follows it (a cursor, a retry) meets the same 307.
   */
  async function getJson(
    url: string,
    userId: string,
    stitchedAt: number | null,
    signal?: AbortSignal,
  ): Promise<{ json: unknown; response: Response }> {
    // Without a deadline of its own a request the server never answers (the local stack has no gateway to
    // give up with a 504) would leave the page loading for good, with nothing to retry.
    const request = new AbortController();
    const callOff = () => request.abort(signal?.reason);
    if (signal?.aborted) callOff();
    signal?.addEventListener('abort', callOff, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort();
    }, timeoutMs);
    const failed = (error: unknown) => {
      if (signal?.aborted) return error;
      if (timedOut) return new ApiError(0, 'timeout', `The API did not answer within ${timeoutMs / 1000} s.`);
      return undefined;
    };
    try {
      let response: Response;
      try {
        response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: request.signal });
      } catch (error) {
        throw failed(error) ?? new ApiError(0, 'network_error', unreachable);
      }
      const redirectedTo =
        response.redirected && stitchedAt !== null ? pathUser(response.url, stitchedAt) : null;
      if (redirectedTo !== null && redirectedTo !== userId) throw stitchedError(userId, redirectedTo);
      let json: unknown;
      try {
        json = await response.json();
      } catch (error) {
        const cut = failed(error);
        if (cut !== undefined) throw cut;
        if (response.ok)
          throw new ApiError(response.status, 'bad_response', 'The API did not answer with JSON.');
        json = undefined;
      }
      if (!response.ok) {
        const error = parseApiError(json);
        // The caller says "The API answered <status>"; this is what it said, or the status's name. What it
        // said may quote what was asked for (an id holding an override, a newline, a zero-width space): its
        // controls show as escapes, as ids do (format.ts idText), its backslashes as they are, since the API
        // writes what it quotes with JSON's escapes (`"a\"b"`, `\u00A0`), which doubled would read as other text.
        const words = error?.message || response.statusText || 'no explanation';
        const said = response.status === 403 && error?.code === 'gateway' ? `${words}. ${forbidden}` : words;
        // A 307 that fetch did not follow (no Location) still names the user in its body.
        const stitchedTo = error?.code === 'stitched' ? error.userId : null;
        const code = error?.code ?? 'http_error';
        throw new ApiError(
          response.status,
          code,
          escapeControlOfEscaped(said),
          stitchedTo,
          said,
          error?.parameter ?? null,
        );
      }
      return { json, response };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', callOff);
    }
  }

  function parsed<T>(parse: (json: unknown) => T, json: unknown, status: number): T {
    try {
      return parse(json);
    } catch (error) {
      if (error instanceof ApiFormatError)
        throw new ApiError(
          status,
          'bad_response',
          escapeControlOfEscaped(error.message),
          null,
          error.message,
        );
      throw error;
    }
  }

  return {
    async getUser(userId, signal) {
      // fetch follows the 307 a stitched anonymousId gets, so the summary is already the user's.
      const { json, response } = await getJson(userPath(userId), userId, null, signal);
      return { summary: parsed(parseUserSummary, json, response.status), redirected: response.redirected };
    },

    async listSessions(userId, query, signal) {
      const params = new URLSearchParams({ order: query.order, limit: String(query.limit) });
      if (query.from !== undefined) params.set('from', new Date(query.from).toISOString());
      if (query.to !== undefined) params.set('to', new Date(query.to).toISOString());
      if (query.cursor !== undefined) params.set('cursor', query.cursor);
      // The API's 307 drops the cursor: what fetch follows it to is another user's first page, not the next
      // page of this one's sessions.
      const { json, response } = await getJson(`${userPath(userId)}/sessions?${params}`, userId, 2, signal);
      return ownAnswer(userId, parsed(parseSessionPage, json, response.status));
    },

    // The API answers a page of events at a time, each with the session's fields: a batch is the pages
    // that make up the next VIEWER_EVENT_BATCH events.
    async getSession(userId, sessionId, signal, after = null) {
      // No path carries a dot segment, which fetch resolves away (`/users/alice/sessions/..` is `/users/alice/`,
      // another route), and no session has one for its id (a session id is its start, docs/api.md): it is
      // answered as the API answers an id no session has.
      if (isDotSegment(sessionId)) throw new ApiError(404, 'not_found', 'Session not found');
      const url = `${userPath(userId)}/sessions/${encodeURIComponent(sessionId)}`;
      const events: SessionEvent[] = [];
      let session: SessionDetail | undefined;
      let next = after;
      while (session === undefined || (next !== null && events.length < VIEWER_EVENT_BATCH)) {
        // A page may hold fewer events than asked (the API cuts pages by bytes): asking for no more than is
        // left keeps exactly VIEWER_EVENT_BATCH, whatever sizes the pages come in.
        const limit = Math.min(MAX_EVENT_LIMIT, VIEWER_EVENT_BATCH - events.length);
        const query = next === null ? '' : `?limit=${limit}&cursor=${encodeURIComponent(next)}`;
        // Every page, not only the first: the id may be stitched to another user between two (a person may
        // ask for the next batch long after the first), and fetch then follows the 307, which leaves the
        // cursor out, to that user's session, whose first events are not the next of this one's.
        const { json, response } = await getJson(`${url}${query}`, userId, 3, signal);
        session = ownAnswer(userId, parsed(parseSessionDetail, json, response.status));
        for (const event of session.events) events.push(event);
        next = session.nextCursor;
      }
      return { ...session, events, nextCursor: next };
    },
  };
}
