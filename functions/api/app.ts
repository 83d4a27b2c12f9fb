import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { REQUEST_FAILED_MESSAGE } from '../../contract/index.js';
import type { SessionReader } from '../domain/store/ports.js';
import type { ApiConfig } from './config.js';
import { CursorCodec } from './cursor.js';
import { leadingSlashesNearMiss } from './near-misses.js';
import { type ApiResponse, answerOr500, errorResponse, notFound } from './responses.js';
import { handleRoute, matchRoute, type RouteDeps } from './routes.js';
import { loggedPath } from './user-id.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/**
 * On every answer: sessions are a user's personal data and change as files arrive (and go on erasure), so no
 * cache may keep one, nor a 404 or a redirect, which HTTP lets caches keep by default and which a user's first
 * events or a rebuild can undo.
 */
export const CACHE_CONTROL = 'private, no-store';
/** HEAD is served as GET without a body. */
export const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The key that signs cursors, or how to get it: read when a request first needs it, again if that failed. */
export type CursorSigningKey = string | (() => Promise<string>);

export interface ApiHandlerDeps {
  readonly reader: SessionReader;
  readonly config: Pick<ApiConfig, 'corsAllowedOrigins' | 'pathsDecoded'> & {
    readonly cursorSigningKey: CursorSigningKey;
  };
  readonly logger: Pick<Logger, 'error'>;
}

function cursorCodecOf(key: CursorSigningKey): () => Promise<CursorCodec> {
  if (typeof key === 'string') {
    const codec = new CursorCodec(key);
    return () => Promise.resolve(codec);
  }
  let pending: Promise<CursorCodec> | undefined;
  return () => {
    pending ??= key()
      .then((text) => new CursorCodec(text))
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}

/** Header names are lower case from API Gateway and from Node, but a hand-built event may differ. */
function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  if (headers[name] !== undefined) return headers[name];
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * The API's HTTP edge: routing, method checks, CORS, JSON encoding and the last-resort 500. The route logic
 * itself is in `routes.ts`; the reader is passed in so tests can use a fake or a mocked DynamoDB client.
 */
export function createApiHandler({ reader, config, logger }: ApiHandlerDeps): ApiHandler {
  const cursors = cursorCodecOf(config.cursorSigningKey);
  const allowedOrigins = new Set(config.corsAllowedOrigins);
  const anyOrigin = allowedOrigins.has('*');

  /**
   * An actual answer's CORS headers, as the local stand-in passes them on. Preflights are the front's: API
   * Gateway answers them itself with the stage's settings (lib/config/api-cors.ts), ignoring a function's
   * CORS headers, and the stand-in answers them with the same settings, so none reaches this function.
   */
  function corsHeaders(event: APIGatewayProxyEventV2): Record<string, string> {
    if (allowedOrigins.size === 0) return {};
    // Responses differ by Origin whenever CORS is on, so shared caches must key on it even when refused.
    const headers: Record<string, string> = { vary: 'origin' };
    const origin = header(event, 'origin');
    if (origin === undefined || !(anyOrigin || allowedOrigins.has(origin))) return headers;
    headers['access-control-allow-origin'] = origin;
    return headers;
  }

  async function respond(event: APIGatewayProxyEventV2, method: string): Promise<ApiResponse> {
    const route = matchRoute(event.rawPath ?? '');
    if (route === undefined) {
      const lookup = { reader, pathsDecoded: config.pathsDecoded };
      const read = method === 'GET' || method === 'HEAD';
      return (
        (read ? await leadingSlashesNearMiss(event.rawPath ?? '', lookup) : undefined) ??
        notFound('Route not found')
      );
    }
    if (method === 'OPTIONS') return { status: 204, headers: { allow: ALLOWED_METHODS } };
    if (method !== 'GET' && method !== 'HEAD') {
      return {
        ...errorResponse(405, 'method_not_allowed', `Method not allowed; allowed: ${ALLOWED_METHODS}`),
        headers: { allow: ALLOWED_METHODS },
      };
    }
    const deps: RouteDeps = { reader, cursors: await cursors(), pathsDecoded: config.pathsDecoded };
    return handleRoute(route, event.rawQueryString ?? '', deps);
  }

  return async (event) => {
    const method = (event.requestContext?.http?.method ?? '').toUpperCase();
    const response = await answerOr500(
      () => respond(event, method),
      (error) =>
        logger.error(REQUEST_FAILED_MESSAGE, {
          error,
          method,
          ...loggedPath(event.rawPath ?? '', config.pathsDecoded),
        }),
    );
    const body = response.body === undefined ? undefined : JSON.stringify(response.body);
    const headers: Record<string, string> = {
      ...(body !== undefined && { 'content-type': JSON_CONTENT_TYPE }),
      // A HEAD answer has no body, yet HTTP wants GET's length on it.
      ...(body !== undefined && method === 'HEAD' && { 'content-length': String(Buffer.byteLength(body)) }),
      ...response.headers,
      'cache-control': CACHE_CONTROL,
      ...corsHeaders(event),
    };
    return {
      statusCode: response.status,
      headers,
      ...(body !== undefined && method !== 'HEAD' && { body }),
    };
  };
}
