// The local API's extras beside the lookup routes: static assets (the viewer), the admin function's
// /admin/users/ route and the /_local/ admin routes, and the host checks that keep other sites out.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRequest } from '../../../local/admin-guard.js';
import { type HttpApi, startHttpApi } from '../../../local/http-api.js';
import { send } from './http-api-harness.js';

describe('local HTTP API extras', () => {
  let api: HttpApi;
  const adminRequests: AdminRequest[] = [];
  const erasures: APIGatewayProxyEventV2[] = [];

  beforeAll(async () => {
    api = await startHttpApi({
      port: 0,
      handler: async () => ({
        statusCode: 404,
        body: '{"error":{"code":"not_found","message":"Route not found"}}',
      }),
      staticAssets: new Map([['/', { contentType: 'text/html; charset=utf-8', body: '<h1>viewer</h1>' }]]),
      staticHeaders: { 'cache-control': 'no-cache' },
      adminApiHandler: async (event) => {
        erasures.push(event);
        return { statusCode: 200, body: '{"erased":true}' };
      },
      admin: async (request) => {
        adminRequests.push(request);
        return { status: 200, body: { ok: true } };
      },
    });
  });

  afterAll(async () => {
    await api.close();
  });

  it('serves static assets at their exact path, with the extra headers and a real HEAD content-length', async () => {
    const get = await send(api.port, 'GET', '/?x=1');
    const head = await send(api.port, 'HEAD', '/');
    const elsewhere = await send(api.port, 'GET', '/index.html');

    expect(get).toMatchObject({ status: 200, body: '<h1>viewer</h1>' });
    expect(get.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
    });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('15');
    expect(elsewhere.status).toBe(404);
  });

  it('passes /admin/users/ to the admin function, as API Gateway routes DELETE /admin/users/{proxy+}', async () => {
    const erased = await send(api.port, 'DELETE', '/admin/users/a%2Fb');
    const lookup = await send(api.port, 'GET', '/users/a%2Fb');

    expect(erased).toMatchObject({ status: 200, body: '{"erased":true}' });
    expect(erasures.map((event) => [event.requestContext.http.method, event.rawPath])).toEqual([
      ['DELETE', '/admin/users/a%2Fb'],
    ]);
    expect(lookup.status).toBe(404);
  });

  it('refuses an erasure sent by a browser (Origin), as it refuses one to the admin routes', async () => {
    const before = erasures.length;
    const response = await send(api.port, 'DELETE', '/admin/users/alice', {
      origin: 'http://127.0.0.1:3000',
    });

    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'forbidden', message: 'the erase route does not answer browsers' },
    });
    expect(erasures.length).toBe(before);
  });

  it.each(['attacker.example:3300', 'attacker.example', '127.0.0.1.attacker.example', 'localhost.evil.test'])(
    'refuses every route to a request addressed to another name (%s): a DNS-rebinding page',
    async (host) => {
      const erased = erasures.length;
      for (const [method, path] of [
        ['GET', '/'],
        ['GET', '/users/alice'],
        ['DELETE', '/admin/users/alice'],
      ] as const) {
        const response = await send(api.port, method, path, { host });
        expect(response.status, `${method} ${path}`).toBe(403);
        expect(JSON.parse(response.body).error, `${method} ${path}`).toEqual({
          code: 'forbidden',
          message: expect.stringContaining('addressed to 127.0.0.1 or localhost only'),
        });
      }
      expect(erasures.length).toBe(erased);
    },
  );

  it.each(['localhost', 'localhost:3000', '127.0.0.1', '[::1]:3000', 'viewer.localhost:3000'])(
    'answers a request addressed to this machine as %s',
    async (host) => {
      // The lookup handler here answers 404 to everything: reaching it is the point.
      expect((await send(api.port, 'GET', '/users/alice', { host })).status).toBe(404);
      expect((await send(api.port, 'GET', '/', { host })).status).toBe(200);
    },
  );

  it('passes JSON admin requests from this machine to the admin handler', async () => {
    const response = await send(
      api.port,
      'POST',
      '/_local/replay?x=1',
      { 'content-type': 'application/json' },
      '{"dryRun":true}',
    );

    expect(response.status).toBe(200);
    expect(adminRequests.at(-1)).toMatchObject({ method: 'POST', route: 'replay', body: { dryRun: true } });
    expect(adminRequests.at(-1)?.query.get('x')).toBe('1');
  });

  it.each([
    [
      'from a browser (Origin)',
      { 'content-type': 'application/json', origin: 'http://evil.test' },
      '{}',
      403,
    ],
    ['without a JSON content type', { 'content-type': 'text/plain' }, '{}', 415],
    ['without a body or a content type', {}, '', 415],
    ['with a body that is not JSON', { 'content-type': 'application/json' }, '{', 400],
  ])('refuses admin requests %s', async (_what, headers, body, status) => {
    const before = adminRequests.length;
    const response = await send(api.port, 'POST', '/_local/replay', headers, body);

    expect(response.status).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({
      error: { code: status === 403 ? 'forbidden' : 'bad_request' },
    });
    expect(adminRequests.length).toBe(before);
  });

  it('refuses to serve admin routes on a non-loopback address', async () => {
    const attempt = startHttpApi({
      port: 0,
      host: '0.0.0.0',
      handler: async () => ({ statusCode: 200 }),
      admin: async () => ({ status: 200, body: {} }),
    });
    await expect(attempt).rejects.toThrow('loopback');
  });
});
