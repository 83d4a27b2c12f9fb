import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiHandler } from '../../../functions/api/app.js';

export const TEST_SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';

export interface EventOptions {
  /** The raw (still percent-encoded) query string, without `?`. */
  readonly query?: string;
  readonly headers?: Record<string, string>;
}

function requestContext(method: string, path: string, routeKey: string) {
  return {
    accountId: '123456789012',
    apiId: 'api',
    domainName: 'api.example.test',
    domainPrefix: 'api',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
    requestId: 'request-1',
    routeKey,
    stage: '$default',
    time: '01/Jan/2024:09:00:00 +0000',
    timeEpoch: 1_704_099_600_000,
  };
}

/**
 * A payload 2.0 event whose `rawPath` is still percent-encoded: what the local stack and a Lambda function
 * URL deliver (API_PATHS_DECODED=false).
 */
export function apiEvent(
  method: string,
  rawPath: string,
  options: EventOptions = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: options.query ?? '',
    headers: options.headers ?? {},
    requestContext: requestContext(method, rawPath, '$default'),
    isBase64Encoded: false,
  };
}

/**
 * The event API Gateway HTTP API sends for `decodedPath` through the greedy `/users/{proxy+}` route: `rawPath`
 * and `http.path` arrive decoded (API_PATHS_DECODED=true), the proxy parameter holds the rest of the path,
 * and the parsed query parameters sit beside the raw query string.
 */
export function gatewayEvent(
  method: string,
  decodedPath: string,
  options: EventOptions = {},
): APIGatewayProxyEventV2 {
  const routeKey = `${method} /users/{proxy+}`;
  const queryParameters = Object.fromEntries(new URLSearchParams(options.query ?? ''));
  return {
    version: '2.0',
    routeKey,
    rawPath: decodedPath,
    rawQueryString: options.query ?? '',
    headers: options.headers ?? {},
    ...(Object.keys(queryParameters).length > 0 && { queryStringParameters: queryParameters }),
    ...(decodedPath.startsWith('/users/') && {
      pathParameters: { proxy: decodedPath.slice('/users/'.length) },
    }),
    requestContext: requestContext(method, decodedPath, routeKey),
    isBase64Encoded: false,
  };
}

/** `/users/{userId}/...` with every segment percent-encoded the way a client should. */
export function userPath(userId: string, ...rest: string[]): string {
  return ['', 'users', userId, ...rest].map(encodeURIComponent).join('/');
}

/** `/users/{userId}/...` as API Gateway hands it over: decoded, so the id's own `/` and `%` are in it. */
export function decodedUserPath(userId: string, ...rest: string[]): string {
  return ['', 'users', userId, ...rest].join('/');
}

/** The `~b64.` form of a user id, which survives any decoding between a client and the function. */
export function b64Id(userId: string): string {
  return `~b64.${Buffer.from(userId, 'utf8').toString('base64url')}`;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON body; undefined when there is none. */
  readonly body: unknown;
  readonly raw: APIGatewayProxyStructuredResultV2;
}

export async function send(handler: ApiHandler, event: APIGatewayProxyEventV2): Promise<CallResult> {
  const raw = await handler(event);
  const headers = Object.fromEntries(
    Object.entries(raw.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  return {
    status: raw.statusCode ?? 0,
    headers,
    body: raw.body === undefined ? undefined : JSON.parse(raw.body),
    raw,
  };
}

/** Calls the handler with an encoded-path event (see {@link apiEvent}). */
export function call(
  handler: ApiHandler,
  method: string,
  rawPath: string,
  options: EventOptions = {},
): Promise<CallResult> {
  return send(handler, apiEvent(method, rawPath, options));
}

/** Query string from pairs, each side encoded with encodeURIComponent (so `+` goes as %2B). */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
}

/** The `error` member of an error body. */
export function errorOf(result: CallResult): { code: string; message: string; parameter?: string } {
  return (result.body as { error: { code: string; message: string; parameter?: string } }).error;
}
