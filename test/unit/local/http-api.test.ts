// The API Gateway stand-in: what reaches the handler for a raw HTTP request, and how results go back.
import { request } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpApi, startHttpApi } from '../../../local/http-api.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent byte for byte (fetch would normalise it). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

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

  it('sends no body for HEAD', async () => {
    next = async () => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const response = await send(api.port, 'HEAD', '/x');
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    expect(events.at(-1)?.requestContext.http.method).toBe('HEAD');
  });
});
