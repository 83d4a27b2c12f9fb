// The local stand-in routes as a stage's API Gateway does, by contract/ API_GATEWAY_ROUTES: a request whose
// method no route takes on its path (POST anywhere, DELETE on a lookup path, a method Node does not know) meets
// no route there, so API Gateway answers its own 404 and no function sees it; the routes' functions are reached
// as before, and a GET outside the lookup routes still reaches the lookup function (its 404 names the path meant).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_GATEWAY_ROUTES } from '../../../contract/index.js';
import { createApiHandler } from '../../../functions/api/app.js';
import { type HttpApi, startHttpApi } from '../../../local/http-api.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { TEST_SIGNING_KEY } from '../api/api-event.js';
import { type RawResponse, rawExchange, send } from './http-api-harness.js';

/** API Gateway's own answer to a request no route takes, kept out of caches as every local answer is. */
function expectNoRoute(answer: RawResponse, what: string): void {
  expect(answer.status, what).toBe(404);
  expect(JSON.parse(answer.body), what).toEqual({ message: 'Not Found' });
  expect(answer.headers['cache-control'], what).toBe('private, no-store');
  expect(answer.headers.allow, what).toBeUndefined();
}

function bodyOf(raw: string): string {
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

describe('local stand-in routes by API_GATEWAY_ROUTES', () => {
  let api: HttpApi;
  const lookups: APIGatewayProxyEventV2[] = [];
  const erasures: APIGatewayProxyEventV2[] = [];

  beforeAll(async () => {
    const lookup = createApiHandler({
      reader: FakeSessionReader.fromEvents(eventsForSessions('alice', 2, Date.UTC(2024, 0, 1, 9))),
      config: { cursorSigningKey: TEST_SIGNING_KEY, corsAllowedOrigins: [], pathsDecoded: false },
      logger: { error: vi.fn() },
    });
    api = await startHttpApi({
      port: 0,
      handler: (event) => {
        lookups.push(event);
        return lookup(event);
      },
      adminApiHandler: async (event) => {
        erasures.push(event);
        return { statusCode: 200, body: '{"erased":true}' };
      },
    });
  });
  afterAll(() => api.close());

  it('routes no method but GET and DELETE (the premise of the cases below)', () => {
    expect([...new Set(API_GATEWAY_ROUTES.map((route) => route.method))].sort()).toEqual(['DELETE', 'GET']);
  });

  it.each([
    ['POST', '/users/alice'],
    ['PUT', '/users/alice/sessions'],
    ['PATCH', '/users/alice'],
    ['DELETE', '/users/alice'],
    ['POST', '/admin/users/alice'],
    ['PUT', '/admin/users/alice'],
    ['TRACE', '/users/alice'],
    ['POST', '/nowhere'],
  ])('answers %s %s with API Gateway’s 404, reaching no function', async (method, path) => {
    const before = [lookups.length, erasures.length];
    expectNoRoute(await send(api.port, method, path), `${method} ${path}`);
    expect([lookups.length, erasures.length]).toEqual(before);
  });

  it.each(['FOO /users/alice HTTP/1.1', 'get /users/alice HTTP/1.1', 'CONNECT example.com:443 HTTP/1.1'])(
    'answers %j, a method Node takes out of its HTTP handling, with that 404 too',
    async (line) => {
      const answer = await rawExchange(api.port, `${line}\r\nHost: 127.0.0.1\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
      expect(answer).toMatch(/\r\ncache-control: private, no-store\r\n/);
      expect(answer).not.toMatch(/\r\nallow:/i);
      expect(JSON.parse(bodyOf(answer))).toEqual({ message: 'Not Found' });
    },
  );

  it('passes the routes on: GET and HEAD to the lookup function, DELETE under /admin/users/ to the admin one', async () => {
    const get = await send(api.port, 'GET', '/users/alice');
    const head = await send(api.port, 'HEAD', '/users/alice');
    const erase = await send(api.port, 'DELETE', '/admin/users/alice');

    expect(get.status).toBe(200);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
    expect(erase).toMatchObject({ status: 200, body: '{"erased":true}' });
    expect(erasures.map((event) => event.requestContext.http.method)).toEqual(['DELETE']);
  });

  it('passes a GET outside the routes to the lookup function, not the admin one: its own 404', async () => {
    const before = erasures.length;
    for (const path of ['/nowhere', '/admin/users/alice']) {
      const answer = await send(api.port, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body), path).toEqual({
        error: { code: 'not_found', message: 'Route not found' },
      });
    }
    expect(erasures.length).toBe(before);
  });
});
