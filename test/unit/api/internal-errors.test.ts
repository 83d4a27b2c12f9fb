import { describe, expect, it } from 'vitest';
import { JSON_CONTENT_TYPE } from '../../../functions/api/app.js';
import { idSha256 } from '../../../functions/shared/id-digest.js';
import { FailingSessionReader } from '../../helpers/fake-session-reader.js';
import { call, decodedUserPath, gatewayEvent, send, userPath } from './api-event.js';
import { makeHandler } from './lookup-fixture.js';

const SECRET = new Error('AccessDeniedException: arn:aws:dynamodb:eu-west-1:123456789012:table/secret-table');

describe('internal errors', () => {
  it.each([
    [userPath('alice'), '/users/{userIdSha256}'],
    [userPath('alice', 'sessions'), '/users/{userIdSha256}/sessions'],
    [`${userPath('alice', 'sessions')}?bounce=true`, '/users/{userIdSha256}/sessions'],
    [
      userPath('alice', 'sessions', '20240101T090000000Z'),
      '/users/{userIdSha256}/sessions/20240101T090000000Z',
    ],
  ])(
    'answer a generic 500 for %s and log the details, the user id as its digest',
    async (pathAndQuery, logged) => {
      const { handler, logger } = makeHandler({ reader: new FailingSessionReader(SECRET) });
      const [path = '', rawQuery] = pathAndQuery.split('?');
      const result = await call(handler, 'GET', path, { query: rawQuery });
      expect(result.status).toBe(500);
      expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
      expect(result.body).toEqual({ error: { code: 'internal_error', message: 'Internal error' } });
      expect(result.raw.body).not.toMatch(/secret|arn:|Exception|at |alice/);
      expect(logger.error).toHaveBeenCalledWith('API request failed', {
        error: SECRET,
        method: 'GET',
        path: logged,
        userIdSha256: idSha256('alice'),
      });
    },
  );

  it.each([
    ['encoded', false, `/users/${encodeURIComponent('a/b ü')}/sessions`],
    ['decoded', true, '/users/a/b ü/sessions'],
    ['in the ~b64. form', false, `/users/~b64.${Buffer.from('a/b ü').toString('base64url')}/sessions`],
  ])('log the digest of the id the path names, %s', async (_how, pathsDecoded, path) => {
    const { handler, logger } = makeHandler({ reader: new FailingSessionReader(SECRET), pathsDecoded });
    const event = pathsDecoded ? gatewayEvent('GET', path) : undefined;
    const result = event === undefined ? await call(handler, 'GET', path) : await send(handler, event);
    expect(result.status).toBe(500);
    expect(logger.error).toHaveBeenCalledWith(
      'API request failed',
      expect.objectContaining({
        path: '/users/{userIdSha256}/sessions',
        userIdSha256: idSha256('a/b ü'),
      }),
    );
    expect(JSON.stringify(logger.error.mock.calls)).not.toMatch(/a\/b|a%2Fb/);
  });

  it('say nothing more behind API Gateway, for HEAD, or across origins', async () => {
    const { handler } = makeHandler({
      reader: new FailingSessionReader(SECRET),
      pathsDecoded: true,
      corsAllowedOrigins: ['https://app.example'],
    });
    const headers = { origin: 'https://app.example' };
    const get = await send(handler, gatewayEvent('GET', decodedUserPath('a/b', 'sessions'), { headers }));
    expect(get.status).toBe(500);
    expect(get.body).toEqual({ error: { code: 'internal_error', message: 'Internal error' } });
    expect(get.headers['access-control-allow-origin']).toBe('https://app.example');
    const head = await send(handler, gatewayEvent('HEAD', decodedUserPath('a/b'), { headers }));
    expect(head.status).toBe(500);
    expect(head.raw.body).toBeUndefined();
  });

  it('come after validation: a bad request never reaches the store', async () => {
    const { handler, logger } = makeHandler({ reader: new FailingSessionReader(SECRET) });
    for (const [path, rawQuery] of [
      [userPath('alice', 'sessions'), 'limit=0'],
      [userPath('alice', 'sessions'), 'cursor=x.y'],
      ['/users/~b64.%ZZ', ''],
      [userPath('x'.repeat(513)), ''],
    ] as const) {
      expect((await call(handler, 'GET', path, { query: rawQuery })).status).toBe(400);
    }
    expect(logger.error).not.toHaveBeenCalled();
  });
});
