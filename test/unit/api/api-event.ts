import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiHandler } from '../../../functions/api/app.js';

export const TEST_SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';

export interface EventOptions {
  /** The raw (still percent-encoded) query string, without `?`. */
  readonly query?: string;
  readonly headers?: Record<string, string>;
}

/** An HTTP API payload 2.0 event carrying only what a Node http request can provide too. */
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
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2024:09:00:00 +0000',
      timeEpoch: 1_704_099_600_000,
    },
    isBase64Encoded: false,
  };
}

/** `/users/{userId}/...` with every segment percent-encoded the way a client should. */
export function userPath(userId: string, ...rest: string[]): string {
  return ['', 'users', userId, ...rest].map(encodeURIComponent).join('/');
}

export interface CallResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON body; undefined when there is none. */
  readonly body: unknown;
  readonly raw: APIGatewayProxyStructuredResultV2;
}

export async function call(
  handler: ApiHandler,
  method: string,
  rawPath: string,
  options: EventOptions = {},
): Promise<CallResult> {
  const raw = await handler(apiEvent(method, rawPath, options));
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

/** Query string from pairs, each side encoded with encodeURIComponent (so `+` goes as %2B). */
export function query(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
}
