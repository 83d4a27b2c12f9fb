// The local stand-in answers a CORS preflight as a stage's API Gateway does when CORS is on: on every path,
// before any route or function, with the stage's settings (lib/constructs/api.ts, test/infra/api.test.ts).
// Any other OPTIONS meets no route there (the stage routes GET and DELETE only): API Gateway's 404, no function.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpApi, startHttpApi } from '../../../local/http-api.js';
import { type RawResponse, send } from './http-api-harness.js';

const ORIGIN = 'http://localhost:5173';
const PREFLIGHT = { origin: ORIGIN, 'access-control-request-method': 'GET' };

/** API Gateway's own answer to a request no route takes: the stage has no OPTIONS route. */
function expectNoRoute(answer: RawResponse): void {
  expect(answer.status).toBe(404);
  expect(JSON.parse(answer.body)).toEqual({ message: 'Not Found' });
  expect(answer.headers['cache-control']).toBe('private, no-store');
  expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
}

async function apiWith(corsAllowedOrigins: readonly string[], reached: APIGatewayProxyEventV2[]) {
  return startHttpApi({
    port: 0,
    handler: async (event) => {
      reached.push(event);
      return { statusCode: 404, body: '{"error":{"code":"not_found","message":"Route not found"}}' };
    },
    staticAssets: new Map([['/', { contentType: 'text/html; charset=utf-8', body: '<h1>viewer</h1>' }]]),
    corsAllowedOrigins,
  });
}

describe('with CORS on', () => {
  let api: HttpApi;
  const reached: APIGatewayProxyEventV2[] = [];
  beforeAll(async () => {
    api = await apiWith([ORIGIN], reached);
  });
  afterAll(() => api.close());

  it.each(['/', '/users/a%2Fb/sessions?limit=5', '/admin/users/x', '/nowhere'])(
    'answers a preflight of %s with 204 and the stage settings, reaching no function',
    async (path) => {
      const answer = await send(api.port, 'OPTIONS', path, {
        ...PREFLIGHT,
        'access-control-request-headers': 'x-other',
      });

      expect(answer.status).toBe(204);
      expect(answer.body).toBe('');
      expect(answer.headers).toMatchObject({
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': 'GET',
        'access-control-allow-headers':
          'authorization,content-type,x-amz-date,x-amz-security-token,x-amz-content-sha256',
        'access-control-max-age': '3600',
        'cache-control': 'private, no-store',
        vary: 'origin',
      });
      expect(reached).toEqual([]);
    },
  );

  it('answers an origin not allowed with 204 and no CORS headers, so the browser refuses', async () => {
    const answer = await send(api.port, 'OPTIONS', '/users/u', {
      ...PREFLIGHT,
      origin: 'https://evil.example',
    });

    expect(answer.status).toBe(204);
    expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(reached).toEqual([]);
  });

  it('answers an OPTIONS that is no preflight (no Access-Control-Request-Method) as API Gateway, reaching no function', async () => {
    const answer = await send(api.port, 'OPTIONS', '/users/u', { origin: ORIGIN });

    expectNoRoute(answer);
    expect(reached).toEqual([]);
  });
});

it('answers any origin with * when the stage lists *', async () => {
  const api = await apiWith(['*'], []);
  try {
    const answer = await send(api.port, 'OPTIONS', '/', { ...PREFLIGHT, origin: 'https://any.example' });
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
  } finally {
    await api.close();
  }
});

it.each(['/users/u', '/admin/users/u', '/'])(
  'with CORS off, answers a preflight of %s as API Gateway does then: no OPTIONS route, reaching no function',
  async (path) => {
    const reached: APIGatewayProxyEventV2[] = [];
    const api = await apiWith([], reached);
    try {
      expectNoRoute(await send(api.port, 'OPTIONS', path, PREFLIGHT));
      expectNoRoute(await send(api.port, 'OPTIONS', path));
      expect(reached).toEqual([]);
    } finally {
      await api.close();
    }
  },
);
