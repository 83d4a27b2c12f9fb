import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import { adminUserPath, matchAdminRoute, matchRoute, userPath } from '../../../functions/api/paths.js';

const SESSION_ID = '20240101T090000000Z';

/** The id a route names, after what the router does with the `~b64.` form. */
function idOf(routeUserId: string): string {
  return routeUserId.startsWith('~b64.')
    ? Buffer.from(routeUserId.slice('~b64.'.length), 'base64url').toString('utf8')
    : routeUserId;
}

describe('paths', () => {
  describe('matchRoute', () => {
    it.each([
      ['/users/alice', { name: 'getUser', userId: 'alice' }],
      ['/users/alice/sessions', { name: 'listSessions', userId: 'alice' }],
      [`/users/alice/sessions/${SESSION_ID}`, { name: 'getSession', userId: 'alice', sessionId: SESSION_ID }],
      // Read from the end: whatever precedes the route's own tail is the user id, slashes included.
      ['/users/a/b', { name: 'getUser', userId: 'a/b' }],
      ['/users/a/b/sessions', { name: 'listSessions', userId: 'a/b' }],
      [`/users/a/b/sessions/${SESSION_ID}`, { name: 'getSession', userId: 'a/b', sessionId: SESSION_ID }],
      ['/users/sessions', { name: 'getUser', userId: 'sessions' }],
      ['/users/sessions/sessions', { name: 'listSessions', userId: 'sessions' }],
      // No user id before the session's tail: the whole is the user id, as /users/sessions is.
      [`/users/sessions/${SESSION_ID}`, { name: 'getUser', userId: `sessions/${SESSION_ID}` }],
      ['/users/alice/', { name: 'getUser', userId: 'alice/' }],
      ['/users/alice//sessions', { name: 'listSessions', userId: 'alice/' }],
      ['/users/', { name: 'getUser', userId: '' }],
      ['/users//sessions', { name: 'listSessions', userId: '' }],
      // A tail that is not a session id is part of the user id.
      ['/users/alice/sessions/latest', { name: 'getUser', userId: 'alice/sessions/latest' }],
      [
        '/users/alice/sessions/20240230T090000000Z',
        { name: 'getUser', userId: 'alice/sessions/20240230T090000000Z' },
      ],
      ['/users/alice/sessions/', { name: 'getUser', userId: 'alice/sessions/' }],
      // Encoded segments are left for the route to decode.
      ['/users/a%2Fsessions', { name: 'getUser', userId: 'a%2Fsessions' }],
      ['/users/a%2Fb/sessions', { name: 'listSessions', userId: 'a%2Fb' }],
    ])('reads %j as %o', (path, route) => {
      expect(matchRoute(path)).toEqual(route);
    });

    it.each([
      '',
      '/',
      '/users',
      '/Users/alice',
      '//users/alice',
      '/sessions',
      '/admin/users/alice',
      'users/a',
    ])('matches no route for %j', (path) => {
      expect(matchRoute(path)).toBeUndefined();
    });
  });

  describe('userPath', () => {
    it.each([
      ['alice', '', '/users/alice'],
      ['a/b c%', '/sessions', '/users/a%2Fb%20c%25/sessions'],
      ['ü', '', '/users/%C3%BC'],
    ])('percent-encodes %j', (userId, tail, path) => {
      expect(userPath(userId, tail)).toBe(path);
    });

    it.each([
      ['a?b', 'a `?`, which API Gateway cuts off once decoded'],
      ['x/sessions', 'a tail that reads as the list route'],
      [`x/sessions/${SESSION_ID}`, 'a tail that reads as the session route'],
      ['~b64.YQ', 'the base64 prefix, which the router would decode'],
      ['L\ud800', 'a lone surrogate, which has no percent-encoding'],
      ['.', 'a dot segment, which URL parsers resolve away'],
      ['..', 'a dot segment, which URL parsers resolve away'],
    ])('sends %j in the base64 form (%s)', (userId) => {
      expect(userPath(userId, '/sessions')).toBe(`/users/${base64Id(userId)}/sessions`);
    });

    it('gives a path that routes to the same id and route, decoded or not', () => {
      const piece = fc.constantFrom(
        '/',
        'sessions',
        SESSION_ID,
        '?',
        '%',
        '%2F',
        '~b64.',
        '+',
        ' ',
        '#',
        'é',
        '.',
        '..',
      );
      const userId = fc
        .array(fc.oneof(piece, fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 8 })
        .map((parts) => parts.join(''));
      const tail = fc.constantFrom(
        ['', 'getUser'],
        ['/sessions', 'listSessions'],
        [`/sessions/${SESSION_ID}`, 'getSession'],
      );
      fc.assert(
        fc.property(userId, tail, (id, [suffix, name]) => {
          const path = userPath(id, suffix);
          // What a browser, fetch or curl sends: dot segments resolved, nothing else touched.
          expect(new URL(path, 'https://api.example').pathname).toBe(path);
          const decoded = matchRoute(decodeURIComponent(path));
          expect(decoded?.name).toBe(name);
          expect(idOf(decoded?.userId ?? '')).toBe(id);
          // A `?` that reached the function decoded would have cut the path short.
          expect(decodeURIComponent(path)).not.toContain('?');
          const encoded = matchRoute(path);
          expect(encoded?.name).toBe(name);
          expect(idOf(decodeURIComponent(encoded?.userId ?? ''))).toBe(id);
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('matchAdminRoute', () => {
    it.each([
      ['/admin/users/alice', { name: 'eraseUser', userId: 'alice' }],
      // Everything after the prefix is the id: no tail of its own to read from the end.
      ['/admin/users/a/b/sessions', { name: 'eraseUser', userId: 'a/b/sessions' }],
      ['/admin/users/', { name: 'eraseUser', userId: '' }],
      ['/admin/users', undefined],
      ['/users/alice', undefined],
    ])('%s', (path, expected) => {
      expect(matchAdminRoute(path)).toEqual(expected);
    });

    it('is reached whole by adminUserPath, whatever the id holds', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (userId) => {
          const route = matchAdminRoute(adminUserPath(userId));
          expect(route === undefined ? undefined : idOf(route.userId)).toBe(userId);
          expect(adminUserPath(userId)).toMatch(/^\/admin\/users\/~b64\.[A-Za-z0-9_-]+$/);
        }),
      );
    });
  });
});

describe('base64Id', () => {
  it('is base64url of the UTF-8, unpadded, as Node encodes it, and a lone surrogate as its own three bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (id) => {
        expect(base64Id(id)).toBe(`~b64.${Buffer.from(id, 'utf8').toString('base64url')}`);
      }),
      { numRuns: 500 },
    );
    expect(base64Id('x\ud800')).toBe(`~b64.${Buffer.from([0x78, 0xed, 0xa0, 0x80]).toString('base64url')}`);
    expect(base64Id('x\ud800')).not.toBe(base64Id('x\ufffd'));
    expect(base64Id('\udfff\ud800')).toBe(
      `~b64.${Buffer.from([0xed, 0xbf, 0xbf, 0xed, 0xa0, 0x80]).toString('base64url')}`,
    );
  });
});
