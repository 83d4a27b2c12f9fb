import type { Server } from 'node:http';
import { createServer, request } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiSigner } from '../../../scripts/aws/api-signer.js';
import { createSigningProxy, type SigningProxyOptions } from '../../../scripts/aws/signing-proxy.js';
import { buildViewerAssets, type ViewerAsset, viewerSecurityHeaders } from '../../../viewer/assets.js';
import { createViewerServer } from '../../../viewer/server/viewer-server.js';
import { closeServer } from '../../helpers/close-server.js';
import { type Credentials, type FakeUpstream, startSigV4Upstream } from './sigv4-upstream.js';

const REGION = 'eu-west-1';
const CREDENTIALS: Credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

let assets: Map<string, ViewerAsset>;
const servers: Server[] = [];
const upstreams: FakeUpstream[] = [];

beforeAll(async () => {
  assets = await buildViewerAssets();
});

afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((upstream) => upstream.close()));
  await Promise.all(servers.splice(0).map(closeServer));
});

async function upstream(basePath = ''): Promise<FakeUpstream> {
  const started = await startSigV4Upstream(CREDENTIALS, REGION, basePath);
  upstreams.push(started);
  return started;
}

/** The viewer server as `npm run viewer` runs it, in front of `apiUrl`. */
async function viewer(apiUrl: string, overrides: Partial<SigningProxyOptions> = {}): Promise<string> {
  const server = createViewerServer({
    loopbackOnly: true,
    assets,
    assetHeaders: viewerSecurityHeaders(),
    api: createSigningProxy({
      apiUrl,
      signer: createApiSigner({ region: REGION, credentials: async () => CREDENTIALS }),
      ...overrides,
    }),
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createSigningProxy', () => {
  it('forwards /users requests SigV4-signed with the caller’s credentials, session token included', async () => {
    const api = await upstream();
    const base = await viewer(api.url);

    const response = await fetch(`${base}/users/alice/sessions?order=desc&limit=100`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({
      segments: ['', 'users', 'alice', 'sessions'],
      query: { order: 'desc', limit: '100' },
    });
    expect(api.received[0]?.signedHeaders).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']),
    );
  });

  it('signs exactly what it sends for ids and query values that need escaping', async () => {
    const api = await upstream();
    const base = await viewer(api.url);
    const userId = "a/b c+d%e ü😀 (it's)!*";
    const query = new URLSearchParams({
      from: '2024-01-01T00:00:00.000+01:00',
      cursor: 'ab+/=cd',
      order: 'asc',
    });

    const response = await fetch(`${base}/users/${encodeURIComponent(userId)}/sessions?${query}`);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { segments: string[]; query: Record<string, string> };
    expect(body.segments[2]).toBe(userId);
    expect(body.query).toEqual(Object.fromEntries(query));
  });

  // Signed, the query goes decoded and encoded again: such an escape would reach the API as U+FFFD, which it
  // would search for, where the API refuses the escape itself.
  it.each([
    ['campaignSource=%FF', 'campaignSource', 'campaignSource is not valid percent-encoded UTF-8'],
    [
      'order=asc&campaignSource=a%F0%9F',
      'campaignSource',
      'campaignSource is not valid percent-encoded UTF-8',
    ],
    ['%FF=1', '%FF', '%FF is not valid percent-encoded UTF-8'],
  ])(
    'answers the API’s 400 for a query whose escapes are no UTF-8 (%s), sending nothing',
    async (query, parameter, message) => {
      const api = await upstream();
      const base = await viewer(api.url);

      const response = await fetch(`${base}/users/alice/sessions?${query}`);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 'bad_request', message, parameter } });
      expect(api.received).toEqual([]);
    },
  );

  it('still sends U+FFFD sent as its UTF-8, and a % that starts no escape', async () => {
    const api = await upstream();
    const base = await viewer(api.url);

    const response = await fetch(`${base}/users/alice/sessions?campaignSource=%EF%BF%BD&x=100%`);

    expect(await response.json()).toMatchObject({ query: { campaignSource: '\uFFFD', x: '100%' } });
  });

  it('keeps the API URL’s stage path', async () => {
    const api = await upstream('/prod');
    const base = await viewer(api.url);

    const response = await fetch(`${base}/users/alice`);

    expect(response.status).toBe(200);
    expect(api.received[0]?.url).toBe('/prod/users/alice');
  });

  it('passes a stitched id’s 307 to the browser with a Location back into the proxy', async () => {
    const api = await upstream('/prod');
    const base = await viewer(api.url);

    const relative = await fetch(`${base}/users/anon-1`, { redirect: 'manual' });
    const absolute = await fetch(`${base}/users/anon-2`, { redirect: 'manual' });
    const followed = await fetch(`${base}/users/anon-1`);

    expect(relative.status).toBe(307);
    expect(relative.headers.get('location')).toBe('/users/alice');
    expect(await relative.json()).toMatchObject({ error: { code: 'stitched', userId: 'alice' } });
    expect(absolute.headers.get('location')).toBe('/users/alice');
    expect(followed.redirected).toBe(true);
    expect(await followed.json()).toMatchObject({ segments: ['', 'users', 'alice'] });
  });

  it('sends none of the browser’s cookies or headers upstream, and no upstream cookies back', async () => {
    const api = await upstream();
    const base = await viewer(api.url);

    const response = await fetch(`${base}/users/alice`, {
      headers: { cookie: 'session=secret', authorization: 'Bearer browser-token', 'x-custom': '1' },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toBeNull();
    const headers = api.received[0]?.headers ?? {};
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-custom']).toBeUndefined();
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it('is refused by the API when signed with other credentials (the check can fail)', async () => {
    const api = await upstream();
    const wrong = { ...CREDENTIALS, secretAccessKey: 'not-the-secret' };
    const base = await viewer(api.url, {
      signer: createApiSigner({ region: REGION, credentials: async () => wrong }),
    });

    const response = await fetch(`${base}/users/alice`);

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden: signature does not match' });
  });

  it('answers with the API’s error shape when it cannot sign or reach the API', async () => {
    const messages: string[] = [];
    const noCredentials = await viewer('http://127.0.0.1:9', {
      signer: createApiSigner({
        region: REGION,
        credentials: async () => {
          throw new Error('Could not load credentials from any providers');
        },
      }),
      onError: (message) => messages.push(message),
    });
    const unsigned = await fetch(`${noCredentials}/users/alice`);
    expect(unsigned.status).toBe(502);
    expect(await unsigned.json()).toMatchObject({
      error: { code: 'signing_failed', message: expect.stringContaining('Could not load credentials') },
    });

    const unreachable = await viewer('http://127.0.0.1:9');
    const down = await fetch(`${unreachable}/users/alice`);
    expect(down.status).toBe(502);
    expect(await down.json()).toMatchObject({
      error: {
        code: 'bad_gateway',
        message: expect.stringMatching(
          /^Could not reach the API at http:\/\/127\.0\.0\.1:9: .+; is the local stack running there\? `npm start` prints its API URL$/,
        ),
      },
    });
    expect(messages).toHaveLength(1);
  });

  it('forwards reads only', async () => {
    const api = await upstream();
    const base = await viewer(api.url);

    const response = await fetch(`${base}/users/alice`, { method: 'DELETE' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    // As the API's own answers (docs/api.md, Caching): no cache may keep one.
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(api.received).toEqual([]);
  });
});

describe('createViewerServer', () => {
  it('serves the viewer with its CSP beside the proxied API, and 404 for anything else', async () => {
    const api = await upstream();
    const base = await viewer(api.url);

    const page = await fetch(`${base}/`);
    const script = await fetch(`${base}/app.js`);
    const missing = await fetch(`${base}/admin/users/alice`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<script type="module" src="app.js">');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(missing.status).toBe(404);
    expect(api.received).toEqual([]);
  });
});

describe('createViewerServer on loopback', () => {
  it('answers nothing, and signs nothing, for a request addressed to another name (DNS rebinding)', async () => {
    const api = await upstream();
    const base = new URL(await viewer(api.url));

    const status = (host: string, path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: base.hostname, port: base.port, path, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once('error', reject);
        req.end();
      });

    expect(await status('attacker.example:5173', '/users/alice')).toBe(403);
    expect(await status('attacker.example', '/')).toBe(403);
    expect(api.received).toEqual([]);
    expect(await status(`localhost:${base.port}`, '/')).toBe(200);
  });

  it('reads an absolute-form target by its own host and path (RFC 9112), as a proxy sends it', async () => {
    const api = await upstream();
    const base = new URL(await viewer(api.url));
    const exchange = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(base.port), base.hostname, () =>
          socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`),
        );
        let response = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          response += chunk;
        });
        socket.on('end', () => resolve(response));
        socket.once('error', reject);
      });

    expect(await exchange(`http://127.0.0.1:${base.port}/users/alice?limit=2`)).toMatch(/^HTTP\/1\.1 200 /);
    expect(api.received.map((received) => received.url)).toEqual(['/users/alice?limit=2']);
    expect(await exchange('http://attacker.example/users/alice')).toMatch(/^HTTP\/1\.1 403 /);
    expect(await exchange('https://127.0.0.1/')).toMatch(/^HTTP\/1\.1 400 /);
    expect(api.received).toHaveLength(1);
  });
});

describe('the SigV4 test upstream', () => {
  it('refuses an unsigned request, so a proxy that forgot to sign fails the tests above', async () => {
    const api = await upstream();

    const response = await fetch(`${api.url}/users/alice`);

    expect(response.status).toBe(403);
  });
});

/** An API that checks no signature and answers as the lookup function does: HEAD with GET's headers. */
async function unsignedApi(received: string[] = []): Promise<string> {
  const api = createServer((req, res) => {
    received.push(req.url ?? '');
    const body = JSON.stringify({ userId: 'alice', sessionCount: 1 });
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  servers.push(api);
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(api.address() as AddressInfo).port}/`;
}

describe('createSigningProxy in front of an API it does not sign (the local stack’s)', () => {
  it('answers HEAD with the content-length GET has, as the API does', async () => {
    const base = await viewer(await unsignedApi(), { signer: { sign: async (unsigned) => unsigned } });

    const got = await fetch(`${base}/users/alice`);
    const head = await fetch(`${base}/users/alice`, { method: 'HEAD' });

    const length = String(Buffer.byteLength(await got.text()));
    expect(got.headers.get('content-length')).toBe(length);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(length);
  });

  it('passes the query through byte for byte, so the API judges what the browser sent', async () => {
    const received: string[] = [];
    const base = await viewer(await unsignedApi(received), {
      signer: { sign: async (unsigned) => unsigned },
    });
    // `%FF` is no UTF-8 (the API refuses it; decoded and encoded again it would be U+FFFD, which it searches
    // for), `bounce` has no `=`, `+` and `%41` are as the browser wrote them.
    const query = 'campaignSource=%FF&bounce&from=2024-01-01T09:00:00%2B01:00&x=a+b%41';

    const response = await fetch(`${base}/users/alice/sessions?${query}`);

    expect(response.status).toBe(200);
    expect(received).toEqual([`/users/alice/sessions?${query}`]);
  });
});
