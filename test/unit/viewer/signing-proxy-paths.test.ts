// Paths that fetch would not send as written (dot segments, escapes that are no UTF-8), so these tests send
// them with node:http, byte for byte.
import type { Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiSigner } from '../../../scripts/aws/api-signer.js';
import { canonicalPath, createSigningProxy } from '../../../scripts/aws/signing-proxy.js';
import { buildViewerAssets, type ViewerAsset, viewerSecurityHeaders } from '../../../viewer/assets.js';
import { createViewerServer } from '../../../viewer/server/viewer-server.js';
import { closeServer } from '../../helpers/close-server.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { call } from '../api/api-event.js';
import { FIRST_SESSION_ID, makeHandler, T0 } from '../api/lookup-fixture.js';
import { type Credentials, type FakeUpstream, startSigV4Upstream } from './sigv4-upstream.js';

const REGION = 'eu-west-1';
const CREDENTIALS: Credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' };

let assets: Map<string, ViewerAsset>;
let server: Server | undefined;
let api: FakeUpstream | undefined;

beforeAll(async () => {
  assets = await buildViewerAssets();
});

afterEach(async () => {
  await api?.close();
  if (server !== undefined) await closeServer(server);
  api = server = undefined;
});

/** The viewer server as `npm run viewer` runs it for a stage, in front of a SigV4-checking upstream. */
async function viewerOnStage(): Promise<{ port: number; upstream: FakeUpstream }> {
  const upstream = await startSigV4Upstream(CREDENTIALS, REGION, '/prod');
  api = upstream;
  server = createViewerServer({
    loopbackOnly: true,
    assets,
    assetHeaders: viewerSecurityHeaders(),
    api: createSigningProxy({
      apiUrl: upstream.url,
      signer: createApiSigner({ region: REGION, credentials: async () => CREDENTIALS }),
    }),
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return { port: (listening.address() as AddressInfo).port, upstream };
}

function get(port: number, path: string): Promise<{ status: number; cacheControl?: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          cacheControl: response.headers['cache-control'],
          body: JSON.parse(body),
        }),
      );
    });
    sent.once('error', reject).end();
  });
}

describe('createSigningProxy, paths sent as written', () => {
  // fetch resolves `.` and `..` segments, `%2E` too (the URL standard's dot segments): forwarded, such a path
  // would reach another path than asked, out of /users/ and the stage's path.
  it.each([
    '/users/%2E%2E/%2E%2E/x',
    '/users/../../x',
    '/users/%2e%2E',
    '/users/.',
    '/users/alice/sessions/..',
  ])(
    'sends nothing for a path with a dot segment (%s), which would be sent as another path',
    async (path) => {
      const { port, upstream } = await viewerOnStage();

      const answer = await get(port, path);

      expect(answer.status).toBe(400);
      expect(answer.cacheControl).toBe('private, no-store');
      expect(answer.body).toEqual({
        error: {
          code: 'bad_request',
          message: expect.stringMatching(/^The request path has a "\." or "\.\." segment/),
        },
      });
      expect(upstream.received).toEqual([]);
    },
  );

  // API Gateway hands a segment whose escapes are no UTF-8 on as text (docs/api.md, User ids in paths): that
  // text, percent-encoded, is a path that signs as sent and reaches the API as the same text, so the API
  // answers it as it answers the path sent to it directly.
  it.each([
    ['/users/%ZZ', ['%ZZ']],
    ['/users/%ED%A0%80', ['%ED%A0%80']],
    ['/users/%ff/sessions', ['%ff', 'sessions']],
    ['/users/alice/%41%ZZ', ['alice', '%41%ZZ']],
    ['/users/a%20b/x%ZZ%2Fy', ['a b', 'x%ZZ%2Fy']],
  ])('forwards %s, signed, as the text API Gateway reads it as', async (path, segments) => {
    const { port, upstream } = await viewerOnStage();

    const answer = await get(port, path);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ segments: ['', 'users', ...segments] });
    expect(upstream.received).toHaveLength(1);
  });
});

// Unsigned, in front of the local stack's API (which reads paths as sent, as API Gateway would hand them on),
// the proxy sends the same path: the API's answer to it must be its answer to the path as the browser wrote it.
describe('the path the proxy sends, to the local stack’s API', () => {
  const tails = [
    '%ZZ',
    '%ZZ/x',
    '%ED%A0%80',
    'x%ZZ/y',
    '100%',
    '%41%ZZ',
    '%FF/sessions',
    '~b64.eA/%ZZ',
    '~b64.%ZZ',
    '~b64.eA%ZZ',
  ];
  const owners = ['/users/', '/users/nobody/', '/users/x/', '/users/x/sessions/'];

  it.each(owners)('is answered as the path itself, after %s', async (owner) => {
    const reader = FakeSessionReader.fromEvents(eventsForSessions('x', 1, T0));
    const { handler } = makeHandler({ reader, pathsDecoded: false });
    for (const tail of [...tails, `%ZZ/sessions/${FIRST_SESSION_ID}`]) {
      const path = `${owner}${tail}`;
      for (const query of ['', 'limit=5', 'bogus=1']) {
        const direct = await call(handler, 'GET', path, { query });
        expect(await call(handler, 'GET', canonicalPath(path), { query }), `${path}?${query}`).toEqual(
          direct,
        );
      }
    }
  });
});
