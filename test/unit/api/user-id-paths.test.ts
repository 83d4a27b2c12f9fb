// Lookup routing of user ids that need care in a path: escapes, slashes, lone surrogates, the ~b64. form and
// the 512-byte bound, through encoded paths (the local stack, function URLs) and decoded ones (API Gateway).
import { describe, expect, it } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import {
  eventsForSessions,
  FailingSessionReader,
  FakeSessionReader,
} from '../../helpers/fake-session-reader.js';
import { b64Id, type CallResult, call, decodedUserPath, gatewayEvent, send, userPath } from './api-event.js';
import { FIRST_SESSION_ID, makeHandler, T0 } from './lookup-fixture.js';

/** Ids that need care in a path; each has one session starting at T0. */
const PATH_USERS = [
  'a/b',
  'a//b',
  '/lead',
  'trail/',
  '100%',
  '%41',
  '%2F',
  'a b',
  'a+b',
  '#hash',
  'ü😀 ünï',
  'sessions',
  'users/x',
  'x/sessions',
  'q?r',
  '~b64.literal',
  'L\ufffd',
];
/** Ids a JSON `\ud800` escape makes: users of their own, not the U+FFFD ids UTF-8 would turn them into. */
const LONE_SURROGATE_USERS = ['L\ud800', 'L\udc00x', '\ud83d'];
/** Their `~b64.` form written out by hand: each lone surrogate as the three bytes of its code point. */
const WTF8_IDS: Readonly<Record<string, string>> = {
  'L\ud800': Buffer.from([0x4c, 0xed, 0xa0, 0x80]).toString('base64url'),
  'L\udc00x': Buffer.from([0x4c, 0xed, 0xb0, 0x80, 0x78]).toString('base64url'),
  '\ud83d': Buffer.from([0xed, 0xa0, 0xbd]).toString('base64url'),
};
const MAX_ID = 'é'.repeat(256);
const TOO_LONG = `${MAX_ID}x`;

function pathHandler(pathsDecoded: boolean) {
  const reader = FakeSessionReader.fromEvents(
    [...PATH_USERS, ...LONE_SURROGATE_USERS, MAX_ID, 'x'].flatMap((userId) =>
      eventsForSessions(userId, 1, T0),
    ),
  );
  return makeHandler({ reader, pathsDecoded }).handler;
}

function expectUserIdError(result: CallResult, message: string): void {
  expect(result.status).toBe(400);
  expect(result.body).toEqual({
    error: { code: 'bad_request', message: `userId ${message}`, parameter: 'userId' },
  });
}

describe('lookup routing of user ids', () => {
  describe.each([
    ['encoded paths (local stack, function URLs)', false],
    ['decoded paths (API Gateway)', true],
  ])('user ids in %s', (_what, pathsDecoded) => {
    const handler = pathHandler(pathsDecoded);
    /** The request a client makes for an id: percent-encoded, then decoded by API Gateway when it is there. */
    const request = (method: string, userId: string, ...rest: string[]) =>
      pathsDecoded
        ? send(handler, gatewayEvent(method, decodedUserPath(userId, ...rest)))
        : call(handler, method, userPath(userId, ...rest));

    it.each(
      PATH_USERS.filter((id) => !id.includes('?') && !/\/sessions$/.test(id) && !id.startsWith('~b64.')),
    )('reaches %j on every route', async (userId) => {
      const summary = await request('GET', userId);
      expect(summary.status, JSON.stringify(summary.body)).toBe(200);
      expect(summary.body).toMatchObject({ userId, sessionCount: 1 });
      const list = await request('GET', userId, 'sessions');
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ userId, sessions: [{ userId, sessionId: FIRST_SESSION_ID }] });
      const session = await request('GET', userId, 'sessions', FIRST_SESSION_ID);
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({ userId, sessionId: FIRST_SESSION_ID });
    });

    // Well-formed ids as Node writes their UTF-8; lone surrogates as the three bytes of their code points.
    it.each([
      ...PATH_USERS.map((userId) => [userId, b64Id(userId)]),
      ...LONE_SURROGATE_USERS.map((userId) => [userId, `~b64.${WTF8_IDS[userId]}`]),
    ])('reaches %j on every route in the ~b64. form %s', async (userId, id) => {
      expect(base64Id(userId)).toBe(id);
      const summary = await request('GET', id);
      expect(summary.body).toMatchObject({ userId, sessionCount: 1 });
      const list = await request('GET', id, 'sessions');
      expect(list.body).toMatchObject({ userId, sessions: [{ userId }] });
      const session = await request('GET', id, 'sessions', FIRST_SESSION_ID);
      expect(session.body).toMatchObject({ userId, sessionId: FIRST_SESSION_ID });
    });

    it('accepts an id of exactly 512 bytes of UTF-8 and refuses 513 on every route, before any read', async () => {
      expect((await request('GET', MAX_ID)).body).toMatchObject({ userId: MAX_ID });
      const { handler: failing } = makeHandler({ reader: new FailingSessionReader(), pathsDecoded });
      for (const rest of [[], ['sessions'], ['sessions', FIRST_SESSION_ID]]) {
        for (const id of [TOO_LONG, b64Id(TOO_LONG)]) {
          const result = pathsDecoded
            ? await send(failing, gatewayEvent('GET', decodedUserPath(id, ...rest)))
            : await call(failing, 'GET', userPath(id, ...rest));
          expectUserIdError(result, 'is longer than 512 bytes of UTF-8; no user can have such an id');
        }
      }
    });

    // The rest of such a path is read as one user id first; over the limit it names no user, as a short one
    // names none, and the answer is the misshapen session id's, not the over-long user id of that reading.
    it.each([
      ['a long junk session id', 'z'.repeat(600)],
      ['a session id with a long tail of junk', `${FIRST_SESSION_ID}${'0'.repeat(600)}`],
    ])('is the sessionId 400 after the /sessions/ of a user who exists for %s', async (_what, tail) => {
      const sessionIdError = {
        error: {
          code: 'bad_request',
          message: 'sessionId must be a session id such as 20240101T090000000Z',
          parameter: 'sessionId',
        },
      };
      const path = `/users/x/sessions/${tail}`;
      for (const query of ['', 'limit=5']) {
        const result = pathsDecoded
          ? await send(handler, gatewayEvent('GET', path, { query }))
          : await call(handler, 'GET', path, { query });
        expect(result.status).toBe(400);
        expect(result.body).toEqual(sessionIdError);
      }
    });

    // Neither the over-long rest nor the user before /sessions/ exists: the 404 a short junk id gets, as
    // docs/api.md promises; a query the user route does not take is still its 400, as for a short one.
    it.each([
      ['a long junk session id', 'z'.repeat(600)],
      ['a session id with a long tail of junk', `${FIRST_SESSION_ID}${'0'.repeat(600)}`],
    ])('is 404 User not found after the /sessions/ of no user for %s', async (_what, tail) => {
      for (const path of [`/users/nobody/sessions/${tail}`, `/users/nobody/sessions/latest`]) {
        const ask = (query: string) =>
          pathsDecoded
            ? send(handler, gatewayEvent('GET', path, { query }))
            : call(handler, 'GET', path, { query });
        const result = await ask('');
        expect(result.status, path.slice(0, 40)).toBe(404);
        expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
        expect((await ask('limit=5')).body).toMatchObject({ error: { parameter: 'limit' } });
      }
    });

    // An owner that is no user id either (itself over the limit): the whole id's 400 stands.
    it('is the userId 400 when the part before /sessions/ is no user id either', async () => {
      const path = `/users/${'y'.repeat(513)}/sessions/latest`;
      const result = pathsDecoded
        ? await send(handler, gatewayEvent('GET', path))
        : await call(handler, 'GET', path);
      expectUserIdError(result, 'is longer than 512 bytes of UTF-8; no user can have such an id');
    });

    // An escape that is no UTF-8 after /sessions/ makes the rest no user id, as the id limit does: the
    // answers of a short junk session id (the API Gateway reading of such a path, which keeps `%ZZ` as text).
    it.each([
      ['a non-hex escape', '%ZZ'],
      ['a bare %', '100%'],
      ['an incomplete UTF-8 sequence', '%C3'],
      ['a session id after a byte that is never UTF-8', `%FF${FIRST_SESSION_ID}`],
    ])(
      'answers a session id with %s as a junk one: 404 after no user, sessionId 400 after one',
      async (_what, tail) => {
        const ask = (path: string, query = '') =>
          pathsDecoded
            ? send(handler, gatewayEvent('GET', path, { query }))
            : call(handler, 'GET', path, { query });
        const missing = await ask(`/users/nobody/sessions/${tail}`);
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
        expect((await ask(`/users/nobody/sessions/${tail}`, 'limit=5')).body).toMatchObject({
          error: { parameter: 'limit' },
        });
        expect((await ask(`/users/x/sessions/${tail}`)).body).toEqual({
          error: {
            code: 'bad_request',
            message: 'sessionId must be a session id such as 20240101T090000000Z',
            parameter: 'sessionId',
          },
        });
      },
    );

    const BASE64_ID = 'after ~b64. must be base64url of UTF-8';
    it.each([
      ['~b64.YQ==', 'padding', `${BASE64_ID}, without "=" padding`],
      ['~b64.YR', 'stray bits (not the canonical encoding)', BASE64_ID],
      ['~b64.+/8', 'the standard base64 alphabet', `${BASE64_ID}; "+" is no base64url character`],
      ['~b64.ww', 'an incomplete UTF-8 sequence', BASE64_ID],
      ['~b64.7aC97biA', 'a surrogate pair written as two lone surrogates (not the one form)', BASE64_ID],
      ['~b64.wIA', 'an overlong sequence', BASE64_ID],
      ['~b64.a b', 'a character outside base64url', `${BASE64_ID}; " " is no base64url character`],
    ])('is 400 for %j (%s), saying why', async (id, _why, message) => {
      expectUserIdError(await request('GET', id, 'sessions'), message);
    });

    it.each([
      ['/users/', 'getUser'],
      ['/users//sessions', 'listSessions'],
      [`/users//sessions/${FIRST_SESSION_ID}`, 'getSession'],
      ['/users/~b64.', 'an empty ~b64. id'],
    ])('is 400 for an empty user id in %j (%s)', async (path) => {
      const result = pathsDecoded
        ? await send(handler, gatewayEvent('GET', path))
        : await call(handler, 'GET', path);
      expectUserIdError(result, 'must not be empty');
    });

    it('reads a lone surrogate that a hand-built event put in the path as that id', async () => {
      const path = '/users/L\uD800';
      const result = pathsDecoded
        ? await send(handler, gatewayEvent('GET', path))
        : await call(handler, 'GET', path);
      expect(result.body).toMatchObject({ userId: 'L\ud800' });
    });
  });

  describe('encoded paths', () => {
    const handler = pathHandler(false);

    it('decodes each segment exactly once, keeping + literal', async () => {
      expect((await call(handler, 'GET', '/users/100%25')).body).toMatchObject({ userId: '100%' });
      expect((await call(handler, 'GET', '/users/%2541')).body).toMatchObject({ userId: '%41' });
      expect((await call(handler, 'GET', '/users/a+b')).body).toMatchObject({ userId: 'a+b' });
      expect((await call(handler, 'GET', '/users/a%2Bb')).body).toMatchObject({ userId: 'a+b' });
      expect((await call(handler, 'GET', '/users/a%20b')).body).toMatchObject({ userId: 'a b' });
      // A `/` may come encoded or not: the path is read from its end either way.
      expect((await call(handler, 'GET', '/users/a/b/sessions')).body).toMatchObject({ userId: 'a/b' });
      expect((await call(handler, 'GET', '/users/a%2Fb/sessions')).body).toMatchObject({ userId: 'a/b' });
      // Encoded, an id ending like a route stays one segment.
      expect((await call(handler, 'GET', '/users/x%2Fsessions')).body).toMatchObject({
        userId: 'x/sessions',
      });
    });

    it.each([
      ['/users/%E0%A4%A', 'a truncated escape'],
      ['/users/%ZZ', 'a non-hex escape'],
      ['/users/100%', 'a bare %'],
      ['/users/%ED%A0%80', 'an encoded lone surrogate'],
      ['/users/%C3/sessions', 'an incomplete UTF-8 sequence'],
      [`/users/%FF/sessions/${FIRST_SESSION_ID}`, 'a byte that is never UTF-8'],
    ])('answers %j (%s) as behind API Gateway, which hands it on as text: 404', async (path) => {
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(404);
      expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
    });
  });

  describe('decoded paths', () => {
    const handler = pathHandler(true);
    const get = (path: string) => send(handler, gatewayEvent('GET', path));

    it('applies no percent-decoding, so % and + are the id’s own', async () => {
      expect((await get('/users/100%')).body).toMatchObject({ userId: '100%' });
      expect((await get('/users/%41')).body).toMatchObject({ userId: '%41' });
      expect((await get('/users/%2F/sessions')).body).toMatchObject({ userId: '%2F' });
      expect((await get('/users/a+b')).body).toMatchObject({ userId: 'a+b' });
      // Text that is not valid percent-encoding is just part of an id, here an unknown one.
      expect((await get('/users/%ZZ')).status).toBe(404);
      expect((await get('/users/100%25')).status).toBe(404);
    });

    it('reads an id ending like a route as that route: only its ~b64. form reaches it', async () => {
      expect((await get('/users/x/sessions')).body).toMatchObject({
        userId: 'x',
        sessions: [{ userId: 'x' }],
      });
      expect((await get(`/users/${b64Id('x/sessions')}`)).body).toMatchObject({ userId: 'x/sessions' });
    });
  });
});
