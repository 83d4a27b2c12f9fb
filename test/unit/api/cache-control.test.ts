// Sessions are a user's personal data and change as files arrive: no answer of the lookup or admin function
// may be kept by a cache, a 404 (which HTTP lets caches keep by default) or a redirect no more than a session.
import { describe, expect, it } from 'vitest';
import { createAdminHandler } from '../../../functions/admin/app.js';
import { FailingSessionReader, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { call, userPath } from './api-event.js';
import { defaultEvents, FIRST_SESSION_ID, makeHandler } from './lookup-fixture.js';
import { openApi } from './openapi-validator.js';

const NO_STORE = 'private, no-store';

function stitchedReader(): FakeSessionReader {
  const reader = FakeSessionReader.fromEvents(defaultEvents());
  reader.stitched.set('anon-1', 'alice');
  return reader;
}

describe('Cache-Control', () => {
  const { handler } = makeHandler({ reader: stitchedReader(), corsAllowedOrigins: ['https://app.example'] });
  const failing = makeHandler({ reader: new FailingSessionReader() }).handler;

  it.each([
    ['a summary', 'GET', userPath('alice'), 200],
    ['a page of sessions', 'GET', userPath('alice', 'sessions'), 200],
    ['a session', 'GET', userPath('alice', 'sessions', FIRST_SESSION_ID), 200],
    ['a summary asked with HEAD', 'HEAD', userPath('alice'), 200],
    ['a stitched anonymousId', 'GET', userPath('anon-1', 'sessions'), 307],
    ['a bad parameter', 'GET', `${userPath('alice', 'sessions')}?limit=x`, 400],
    ['a user not found (yet)', 'GET', userPath('nobody'), 404],
    ['a session not found', 'GET', userPath('alice', 'sessions', '20200101T000000000Z'), 404],
    ['an unknown route', 'GET', '/nope', 404],
    ['another method', 'POST', userPath('alice'), 405],
    ['an OPTIONS, from a front that passes it on', 'OPTIONS', userPath('alice'), 204],
  ])('keeps %s out of every cache (%s → %s)', async (_what, method, pathAndQuery, status) => {
    const [path = '', query] = pathAndQuery.split('?');
    const result = await call(handler, method, path, {
      query,
      headers: { origin: 'https://app.example' },
    });
    expect(result.status).toBe(status);
    expect(result.headers['cache-control']).toBe(NO_STORE);
  });

  it('keeps the generic 500 out of every cache', async () => {
    const result = await call(failing, 'GET', userPath('alice'));
    expect(result.status).toBe(500);
    expect(result.headers['cache-control']).toBe(NO_STORE);
  });

  it('keeps an erasure’s answers out of every cache', async () => {
    const admin = createAdminHandler({
      eraser: { eraseUser: async (userId) => ({ userId, itemsDeleted: 1, anonymousIds: [] }) },
      config: { pathsDecoded: false },
      logger: { info: () => {}, error: () => {} },
    });
    for (const [method, status] of [
      ['DELETE', 200],
      ['GET', 405],
    ] as const) {
      const result = await call(admin, method, '/admin/users/alice');
      expect(result.status).toBe(status);
      expect(result.headers['cache-control']).toBe(NO_STORE);
    }
  });

  it('is documented on every response of every route, as the code sends it', () => {
    expect(openApi.components.headers.CacheControl).toMatchObject({
      required: true,
      schema: { const: NO_STORE },
    });
    for (const [template, item] of Object.entries<Record<string, { responses: object }>>(openApi.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters') continue;
        for (const [status, given] of Object.entries<{ $ref?: string; headers?: object }>(
          operation.responses as Record<string, { $ref?: string }>,
        )) {
          const response =
            given.$ref === undefined
              ? given
              : openApi.components.responses[given.$ref.replace('#/components/responses/', '')];
          expect(response.headers?.['Cache-Control'], `${method} ${template} ${status}`).toEqual({
            $ref: '#/components/headers/CacheControl',
          });
        }
      }
    }
  });
});
