import { describe, expect, it } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import { JSON_CONTENT_TYPE } from '../../../functions/api/app.js';
import {
  eventsForSessions,
  FailingSessionReader,
  FakeSessionReader,
} from '../../helpers/fake-session-reader.js';
import { call, errorOf, userPath } from './api-event.js';
import { FIRST_SESSION_ID, makeHandler, T0 } from './lookup-fixture.js';

describe('lookup routing', () => {
  describe('routes', () => {
    it.each([
      '/',
      '',
      '/users',
      '/Users/alice',
      // (With a user who exists, `//users/alice` names the path meant: near-miss-forms.test.ts.)
      '//users/nobody',
      '/sessions',
      '/admin/users/alice',
      '/user/alice',
    ])('is 404 Route not found for %j', async (path) => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(404);
      expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
      expect(result.body).toEqual({ error: { code: 'not_found', message: 'Route not found' } });
    });

    it('reads a path from its end: a tail that is not a route of its own belongs to the user id', async () => {
      const { handler } = makeHandler();
      for (const path of [
        '/users/nobody/events',
        '/users/nobody/',
        '/users/nobody/x',
        '/users/alice//sessions',
      ]) {
        const result = await call(handler, 'GET', path);
        expect(result.status, path).toBe(404);
        expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
      }
    });

    it.each([
      ['/users/alice/', '/users/alice'],
      ['/users/alice//', '/users/alice'],
      ['/users/alice/sessions/', undefined],
      [`/users/${base64Id('alice')}/sessions/`, undefined],
      [`/users/alice/sessions/${FIRST_SESSION_ID}/`, `/users/alice/sessions/${FIRST_SESSION_ID}`],
      // The path meant is named as a client sends it, whatever form the slip was sent in.
      [`/users/${base64Id('alice')}/`, '/users/alice'],
      // A slash sent percent-encoded is the same slip (a client encoding the id with its slash).
      ['/users/alice%2F', '/users/alice'],
      ['/users/alice%2f/%2F', '/users/alice'],
      [`/users/${base64Id('alice')}%2F`, '/users/alice'],
    ])('says what %j, a path with a trailing slash, would name without it', async (path, withoutSlash) => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', path);
      if (withoutSlash === undefined) {
        // The list's path with a slash reads as a session id left out, which its 400 says.
        expect(errorOf(result).message).toBe(
          "sessionId is missing after /sessions/ (a user's list of sessions is /users/{userId}/sessions)",
        );
        return;
      }
      const slip = `the path ends with "/", and without it (${withoutSlash}) names a user who exists`;
      if (path.startsWith(`/users/${base64Id('alice')}`)) {
        // A `~b64.` id followed by anything is no id at all: its 400, with the slip.
        expect(result.status).toBe(400);
        expect(errorOf(result).message).toBe(
          `userId after ~b64. must be base64url of UTF-8; "/" is no base64url character; ${slip}`,
        );
        return;
      }
      expect(result.status).toBe(404);
      expect(result.body).toEqual({ error: { code: 'not_found', message: `User not found; ${slip}` } });
    });

    it.each([
      `/users/alice/sessions/${FIRST_SESSION_ID}/events`,
      '/users/alice/sessions/latest/',
      '/users/alice/sessions/a/b',
    ])('says that a session path ends with its id, for %j', async (path) => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(404);
      expect(errorOf(result).message).toBe(
        "User not found; /users/alice names a user who exists, and a session's path ends with its id (/users/alice/sessions/{sessionId})",
      );
    });

    it.each([
      '/users/alice/session',
      '/users/alice/Sessions',
      '/users/alice/x',
      `/users/alice/sesions/${FIRST_SESSION_ID}`,
      `/users/alice/session/${FIRST_SESSION_ID}`,
    ])('says which user exists when %j adds to its path what is no route', async (path) => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(404);
      expect(errorOf(result).message).toBe(
        'User not found; /users/alice names a user who exists, and its routes are /users/alice, /users/alice/sessions and /users/alice/sessions/{sessionId}',
      );
    });

    it.each([
      ['/users/%20alice%20', '/users/alice'],
      ['/users/%C2%A0alice/sessions', '/users/alice/sessions'],
      [`/users/alice%E2%80%A8/sessions/${FIRST_SESSION_ID}`, `/users/alice/sessions/${FIRST_SESSION_ID}`],
    ])('says that ids are trimmed, for %j', async (path, trimmed) => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(404);
      expect(errorOf(result).message).toBe(
        `User not found; user ids are trimmed when events are read, and ${trimmed} names a user who exists`,
      );
    });

    it.each([
      ['/users/1234567890123456789', '1234567890123456800', '/users/1234567890123456800'],
      ['/users/1e21/sessions', '1e+21', '/users/1e%2B21/sessions'],
      [`/users/42.0/sessions/${FIRST_SESSION_ID}`, '42', `/users/42/sessions/${FIRST_SESSION_ID}`],
    ])('says how an id sent as a JSON number is stored, for %j', async (path, stored, meant) => {
      const reader = FakeSessionReader.fromEvents(
        ['1234567890123456800', '1e+21', '42'].flatMap((userId) => eventsForSessions(userId, 1, T0)),
      );
      const { handler } = makeHandler({ reader });
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(404);
      expect(errorOf(result).message).toBe(
        `User not found; an id sent as a JSON number is stored as JavaScript writes that number (${JSON.stringify(stored)}), and ${meant} names a user who exists`,
      );
    });

    it.each([
      // Not a ~b64. form at all ("abc" decodes to no UTF-8): the form's 400, and the user meant.
      ['/users/~b64.abc', '~b64.abc', 400, `/users/${base64Id('~b64.abc')}`],
      // A ~b64. form of another id, who does not exist.
      ['/users/~b64.Ym9i/sessions', '~b64.Ym9i', 404, `/users/${base64Id('~b64.Ym9i')}/sessions`],
      [
        `/users/%7Eb64.Ym9i/sessions/${FIRST_SESSION_ID}`,
        '~b64.Ym9i',
        404,
        `/users/${base64Id('~b64.Ym9i')}/sessions/${FIRST_SESSION_ID}`,
      ],
    ])(
      'says that an id starting with ~b64. goes in its own ~b64. form, for %j',
      async (path, userId, status, meant) => {
        const reader = FakeSessionReader.fromEvents(eventsForSessions(userId, 1, T0));
        const { handler } = makeHandler({ reader });
        const result = await call(handler, 'GET', path);
        expect(result.status).toBe(status);
        expect(errorOf(result).message).toMatch(
          new RegExp(
            `; an id that starts with ~b64\\. is sent in its own ~b64\\. form, and ${meant.replaceAll('.', '\\.')} names a user who exists$`,
          ),
        );
      },
    );

    it('says nothing of numbers for an id that is its number as JavaScript writes it', async () => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', '/users/1e%2B21');
      expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
    });

    it.each([
      '/users/alice/sessions/latest',
      '/users/alice/sessions/20240101T0900',
      // A session id is sent as is: percent-encoded it is not a route's tail, and no user has the rest.
      '/users/alice/sessions/2024%30101T090000000Z',
      `/users/${base64Id('alice')}/sessions/latest`,
    ])('is 400 naming the sessionId for %j, a known user with a misshapen session id', async (path) => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(400);
      expect(result.body).toEqual({
        error: {
          code: 'bad_request',
          message: 'sessionId must be a session id such as 20240101T090000000Z',
          parameter: 'sessionId',
        },
      });
    });

    it.each(['/users/nobody/sessions/latest', `/users/${base64Id('nobody')}/sessions/latest`])(
      'is 404 User not found for %j, a misshapen session id of an unknown user',
      async (path) => {
        const { handler } = makeHandler();
        const result = await call(handler, 'GET', path);
        expect(result.status).toBe(404);
        expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
      },
    );

    it.each(['/users/alice/sessions/latest', `/users/${base64Id('alice')}/sessions/latest`])(
      'is 400 naming the sessionId for %j with a query, a known user with a misshapen session id',
      async (path) => {
        const { handler } = makeHandler();
        for (const query of ['limit=5', 'limit=0', 'order=asc']) {
          const result = await call(handler, 'GET', path, { query });
          expect(result.status).toBe(400);
          expect(errorOf(result).parameter, query).toBe('sessionId');
        }
      },
    );

    it.each(['/users/nobody/sessions/latest', `/users/${base64Id('nobody')}/sessions/latest`])(
      'is 400 naming a query parameter for %j with one: the path is a user’s, which takes none',
      async (path) => {
        const { handler } = makeHandler();
        const result = await call(handler, 'GET', path, { query: 'limit=5' });
        expect(result.status).toBe(400);
        expect(errorOf(result).parameter).toBe('limit');
      },
    );
  });

  describe('methods', () => {
    const paths = [
      userPath('alice'),
      userPath('alice', 'sessions'),
      userPath('alice', 'sessions', FIRST_SESSION_ID),
    ];

    it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', ''])(
      'is 405 with an Allow header for %j',
      async (method) => {
        const { handler } = makeHandler();
        for (const path of paths) {
          const result = await call(handler, method, path);
          expect(result.status).toBe(405);
          expect(result.headers.allow).toBe('GET, HEAD, OPTIONS');
          expect(result.body).toEqual({
            error: { code: 'method_not_allowed', message: 'Method not allowed; allowed: GET, HEAD, OPTIONS' },
          });
        }
      },
    );

    it('serves HEAD as GET without a body but with its length, whatever the status', async () => {
      const { handler } = makeHandler();
      for (const path of [...paths, userPath('nobody'), '/users/%ZZ', '/nope']) {
        const get = await call(handler, 'GET', path);
        const head = await call(handler, 'HEAD', path);
        expect(head.status, path).toBe(get.status);
        const { 'content-length': length, ...headHeaders } = head.headers;
        expect(headHeaders).toEqual(get.headers);
        expect(length, path).toBe(String(Buffer.byteLength(get.raw.body ?? '')));
        expect(head.raw.body).toBeUndefined();
      }
    });

    it('answers OPTIONS on a route with 204 and Allow, and 404 off the routes', async () => {
      const { handler } = makeHandler();
      const result = await call(handler, 'OPTIONS', userPath('alice', 'sessions'));
      expect(result.status).toBe(204);
      expect(result.headers).toEqual({ allow: 'GET, HEAD, OPTIONS', 'cache-control': 'private, no-store' });
      expect(result.raw.body).toBeUndefined();
      expect((await call(handler, 'OPTIONS', '/nope')).status).toBe(404);
    });

    it('accepts a lower-case method from a hand-built event', async () => {
      const { handler } = makeHandler();
      expect((await call(handler, 'get', userPath('alice'))).status).toBe(200);
      expect((await call(handler, 'head', userPath('alice'))).raw.body).toBeUndefined();
    });

    it('reports a bad user id with no store access, and after the method check', async () => {
      const { handler } = makeHandler({ reader: new FailingSessionReader() });
      expect((await call(handler, 'GET', '/users/~b64.%ZZ')).status).toBe(400);
      expect((await call(handler, 'POST', '/users/~b64.%ZZ')).status).toBe(405);
    });
  });

  it('matches ids exactly: a prefix of a known id is another, unknown user', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alic'));
    expect(result.status).toBe(404);
    expect(errorOf(result).message).toBe('User not found');
  });
});
