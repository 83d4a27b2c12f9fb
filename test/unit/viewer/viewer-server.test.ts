// The viewer server's own answers, around the API it proxies: errors in the API's shape, details kept local.
import { type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { startHttpApi } from '../../../local/http-api.js';
import { buildViewerAssets, type ViewerAsset, viewerSecurityHeaders } from '../../../viewer/assets.js';
import { NOT_THIS_MACHINE } from '../../../viewer/server/host-guard.js';
import type { RequestHandler } from '../../../viewer/server/viewer-server.js';
import { createViewerServer } from '../../../viewer/server/viewer-server.js';
import { closeServer } from '../../helpers/close-server.js';

let assets: Map<string, ViewerAsset>;
const servers: Server[] = [];

beforeAll(async () => {
  assets = await buildViewerAssets();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map(closeServer));
});

async function viewer(api: RequestHandler): Promise<string> {
  const server = createViewerServer({
    loopbackOnly: true,
    assets,
    assetHeaders: viewerSecurityHeaders(),
    api,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('refuses a request addressed to another name with 403 forbidden, as the local stack does', async () => {
  let forwarded = 0;
  const base = new URL(
    await viewer(async (_req, res) => {
      forwarded++;
      res.end();
    }),
  );
  const answer = await fromElsewhere(base);

  expect(answer.status).toBe(403);
  expect(JSON.parse(answer.body)).toEqual({ error: { code: 'forbidden', message: NOT_THIS_MACHINE } });
  expect(forwarded).toBe(0);

  // The same headers as the local stack's refusal, its length announced (it went chunked, without one).
  const local = await startHttpApi({ port: 0, handler: async () => ({ statusCode: 204 }) });
  try {
    const stand = await fromElsewhere(new URL(local.url));
    const sent = (headers: IncomingHttpHeaders) =>
      Object.fromEntries(
        Object.entries(headers).filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)),
      );
    expect(stand.status).toBe(403);
    expect(sent(answer.headers)).toEqual(sent(stand.headers));
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
  } finally {
    await local.close();
  }
});

/** A request for /users/alice addressed to another site's name, as a page of that site would send it. */
function fromElsewhere(base: URL): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, path: '/users/alice', headers: { host: 'attacker.example' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

it('answers a failure of the proxy with the API’s generic 500, the details going to its stderr only', async () => {
  const detail = 'ENOENT: no such file /home/jane/.aws/sso/cache/0a1b2c.json';
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  const base = await viewer(async () => {
    throw new Error(detail);
  });

  const response = await fetch(`${base}/users/alice`);

  expect(response.status).toBe(500);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(await response.json()).toEqual({ error: { code: 'internal_error', message: 'Internal error' } });
  expect(written.join('')).toContain(detail);
});
