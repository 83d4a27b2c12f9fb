// The API Gateway stand-in: what reaches the handler for a raw HTTP request, how results go back, and
// early errors in the API's shape. The extras (static assets, admin routes) are in http-api-extras.test.ts,
// routing by method (API Gateway's 404 for a method no route takes, CONNECT too) in gateway-routes.test.ts.
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpApi, startHttpApi } from '../../../local/http-api.js';
import { rawExchange, send } from './http-api-harness.js';

describe('local HTTP API', () => {
  let api: HttpApi;
  let events: APIGatewayProxyEventV2[];
  let next: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
  const errors: unknown[] = [];

  beforeAll(async () => {
    events = [];
    api = await startHttpApi({
      port: 0,
      handler: (event) => {
        events.push(event);
        return next(event);
      },
      onError: (error) => errors.push(error),
    });
  });

  afterAll(async () => {
    await api.close();
  });

  it('listens on loopback only', () => {
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
  });

  it('passes rawPath and rawQueryString exactly as sent, with payload 2.0 fields', async () => {
    next = async () => ({ statusCode: 200, body: '{}' });
    await send(api.port, 'GET', '/users/a%2Fb%20c+d/sessions?order=asc&tag=x&tag=y+z&cursor=a%2Bb', {
      'X-Custom': 'One',
      Cookie: 'a=1; b=2',
      'User-Agent': 'unit-test',
    });
    const event = events.at(-1) as APIGatewayProxyEventV2;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/users/a%2Fb%20c+d/sessions',
      rawQueryString: 'order=asc&tag=x&tag=y+z&cursor=a%2Bb',
      queryStringParameters: { order: 'asc', tag: 'x,y z', cursor: 'a+b' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
      requestContext: {
        routeKey: '$default',
        stage: '$default',
        http: {
          method: 'GET',
          path: '/users/a%2Fb%20c+d/sessions',
          sourceIp: '127.0.0.1',
          userAgent: 'unit-test',
        },
      },
    });
    expect(event.headers['x-custom']).toBe('One');
    expect(event.headers.cookie).toBeUndefined();
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(event.body).toBeUndefined();
  });

  it('joins repeated headers with commas and omits queryStringParameters without a query', async () => {
    next = async () => ({ statusCode: 204 });
    await send(api.port, 'GET', '/users/u', { 'X-Many': ['a', 'b'] });
    const event = events.at(-1) as APIGatewayProxyEventV2;
    expect(event.headers['x-many']).toBe('a,b');
    expect(event.rawQueryString).toBe('');
    expect(event.queryStringParameters).toBeUndefined();
  });

  it('writes status, headers, cookies and base64 bodies back', async () => {
    next = async () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain', 'X-Count': 3 },
      cookies: ['a=1; Path=/', 'b=2'],
      body: Buffer.from('héllo').toString('base64'),
      isBase64Encoded: true,
    });
    const response = await send(api.port, 'GET', '/x');
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.headers['x-count']).toBe('3');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(response.body).toBe('héllo');
  });

  it('treats a result without statusCode as a JSON body, as API Gateway does', async () => {
    next = async () => ({ hello: 'world' }) as unknown as APIGatewayProxyResultV2;
    const response = await send(api.port, 'GET', '/x');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({ hello: 'world' });
  });

  it("answers API Gateway's generic 500 when the handler throws", async () => {
    next = async () => {
      throw new Error('boom');
    };
    const response = await send(api.port, 'GET', '/x');
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ message: 'Internal Server Error' });
    expect(errors.at(-1)).toBeInstanceOf(Error);
  });

  it("answers HEAD with GET's headers, its real content-length included, and no body", async () => {
    next = async (event) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      // What the lookup handler does: no body for HEAD.
      ...(event.requestContext.http.method === 'HEAD' ? {} : { body: '{"a":1}' }),
    });
    const response = await send(api.port, 'HEAD', '/x');
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe('7');
    expect(response.body).toBe('');
    expect(events.at(-1)?.requestContext.http.method).toBe('GET');
  });

  it("answers requests Node rejects before routing with the API's JSON error body", async () => {
    const tooLarge = await send(api.port, 'GET', '/x', { 'x-big': 'a'.repeat(20_000) });
    const badLine = await rawExchange(api.port, 'GET /x HTTP/1.1 extra\r\nHost: x\r\n\r\n');

    expect(tooLarge.status).toBe(431);
    expect(tooLarge.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(tooLarge.body)).toEqual({
      error: { code: 'bad_request', message: 'request headers too large' },
    });
    expect(badLine).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(badLine.slice(badLine.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'bad_request', message: expect.stringContaining('malformed HTTP request') },
    });
  });

  it('keeps the answers it writes itself out of caches, as the lookup function keeps its own', async () => {
    next = async () => {
      throw new Error('boom');
    };
    const answers = [
      await rawExchange(api.port, 'GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
      await rawExchange(api.port, 'GET http://attacker.example/x HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      await rawExchange(api.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      await rawExchange(api.port, 'GET /x HTTP/1.1 extra\r\nHost: x\r\n\r\n'),
    ];
    expect(answers.map((answer) => answer.slice(9, 12))).toEqual(['500', '403', '404', '400']);
    for (const answer of answers) expect(answer).toMatch(/\r\ncache-control: private, no-store\r\n/i);
  });

  it('answers bytes that are no request line (a TLS greeting) with the 400, not as a method no route takes', async () => {
    const response = await rawExchange(api.port, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03');
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('reads an absolute-form target as its path and query, its host standing for the Host header (RFC 9112)', async () => {
    next = async () => ({ statusCode: 200, body: '{}' });
    const host = `127.0.0.1:${api.port}`;
    const response = await rawExchange(
      api.port,
      `GET http://${host}/users/a%2Fb/sessions?limit=2 HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(events.at(-1)).toMatchObject({
      rawPath: '/users/a%2Fb/sessions',
      rawQueryString: 'limit=2',
      headers: { host },
    });
    await rawExchange(api.port, `GET http://${host}?limit=3 HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(events.at(-1)).toMatchObject({ rawPath: '/', rawQueryString: 'limit=3' });
  });

  it('refuses an absolute-form target naming another host, whatever its Host header says (DNS rebinding)', async () => {
    const before = events.length;
    const response = await rawExchange(
      api.port,
      'GET http://attacker.example/users/alice HTTP/1.1\r\nHost: localhost\r\n\r\n',
    );
    expect(response).toMatch(/^HTTP\/1\.1 403 /);
    expect(events.length).toBe(before);
  });

  it.each([
    ['an https URL', 'https://127.0.0.1/x', "the request target's scheme is https; this server speaks http"],
    [
      'user information',
      'http://me@127.0.0.1/x',
      'the request target must name a host, without user information',
    ],
    ['no host', 'http:///x', 'the request target must name a host, without user information'],
    ['the asterisk form', '*', 'the request target must be a path or an http:// URL'],
  ])('refuses %s as the target with the API error shape', async (_what, target, message) => {
    const response = await rawExchange(api.port, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toContain(JSON.stringify({ error: { code: 'bad_request', message } }));
  });
});
