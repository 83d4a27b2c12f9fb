import { describe, expect, it } from 'vitest';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import {
  eventsForSessions,
  FakeSessionReader,
  SESSION_SPACING_MS,
} from '../../helpers/fake-session-reader.js';
import { b64Id, call, gatewayEvent, send, userPath } from './api-event.js';
import { makeHandler, ODD_USER, T0 } from './lookup-fixture.js';

const SESSION_ID = '20240101T090000000Z';

/** alice and ODD_USER with sessions; anon-1 stitched to alice, anon-odd to ODD_USER, anon-2 with a visit of its own. */
function stitchedReader(): FakeSessionReader {
  const reader = FakeSessionReader.fromEvents([
    ...eventsForSessions('alice', 3, T0),
    ...eventsForSessions(ODD_USER, 2, T0),
    ...eventsForSessions('anon-2', 1, T0),
  ]);
  reader.stitched.set('anon-1', 'alice');
  reader.stitched.set('anon-odd', ODD_USER);
  reader.stitched.set('anon-2', 'alice');
  return reader;
}

function setup(options: { pathsDecoded?: boolean; corsAllowedOrigins?: string[] } = {}) {
  return makeHandler({ reader: stitchedReader(), ...options }).handler;
}

describe('stitched anonymousIds', () => {
  it.each([
    ['the summary', [], '', '/users/alice'],
    ['the list', ['sessions'], '', '/users/alice/sessions'],
    [
      'the list, keeping its query string',
      ['sessions'],
      'limit=2&order=asc&bounce=true',
      '/users/alice/sessions?limit=2&order=asc&bounce=true',
    ],
    ['a session', ['sessions', SESSION_ID], '', `/users/alice/sessions/${SESSION_ID}`],
    [
      'a session, keeping its query string',
      ['sessions', SESSION_ID],
      'limit=10',
      `/users/alice/sessions/${SESSION_ID}?limit=10`,
    ],
  ])('redirect %s with 307 to the same route under their user', async (_what, rest, rawQuery, location) => {
    const result = await call(setup(), 'GET', userPath('anon-1', ...rest), { query: rawQuery });
    expect(result.status).toBe(307);
    expect(result.headers.location).toBe(location);
    expect(result.body).toEqual({
      error: {
        code: 'stitched',
        message: `"anon-1" is an anonymousId stitched to user "alice"; its events are that user's`,
        userId: 'alice',
      },
    });
  });

  it('redirects a session route whatever the session id: it is the user’s to answer', async () => {
    const result = await call(setup(), 'GET', userPath('anon-1', 'sessions', '20300101T000000000Z'));
    expect(result.status).toBe(307);
    expect(result.headers.location).toBe('/users/alice/sessions/20300101T000000000Z');
  });

  it.each([
    ['encoded', false],
    ['decoded', true],
  ])('sends a Location that reaches the user on every route, %s paths', async (_what, pathsDecoded) => {
    const handler = setup({ pathsDecoded });
    // ODD_USER holds a `?`, which a decoded path would cut off: its Location uses the ~b64. form.
    for (const rest of [[], ['sessions'], ['sessions', SESSION_ID]]) {
      // The summary takes no query parameters.
      const rawQuery = rest.length === 0 ? '' : 'limit=1';
      const redirect = await call(handler, 'GET', userPath('anon-odd', ...rest), { query: rawQuery });
      expect(redirect.status).toBe(307);
      const location = redirect.headers.location ?? '';
      expect(location.startsWith(`/users/${b64Id(ODD_USER)}`)).toBe(true);
      const [path = '', kept = ''] = location.split('?');
      const followed = pathsDecoded
        ? await send(handler, gatewayEvent('GET', decodeURIComponent(path), { query: kept }))
        : await call(handler, 'GET', path, { query: kept });
      expect(followed.status, location).toBe(200);
      expect(followed.body).toMatchObject({ userId: ODD_USER });
    }
  });

  describe('a walk’s cursor', () => {
    // anon-3's second session holds two events: a page of one has a cursor, as has a list page of one.
    const second = sessionIdFor(T0 + SESSION_SPACING_MS);
    it.each([
      ['the list', ['sessions'], 'limit=1&order=asc', '/users/alice/sessions?limit=1&order=asc'],
      ['a session', ['sessions', second], 'limit=1', `/users/alice/sessions/${second}?limit=1`],
    ])(
      'is dropped from the Location of %s (the user’s route would refuse it), the rest kept',
      async (_what, rest, rawQuery, location) => {
        const before = FakeSessionReader.fromEvents([
          ...eventsForSessions('alice', 3, T0),
          ...eventsForSessions('anon-3', 3, T0),
        ]);
        const first = await call(
          makeHandler({ reader: before }).handler,
          'GET',
          userPath('anon-3', ...rest),
          {
            query: rawQuery,
          },
        );
        expect(first.status).toBe(200);
        const cursor = (first.body as { nextCursor: string | null }).nextCursor;
        expect(cursor).not.toBeNull();
        // Stitched since the walk began: anon-3's sessions are alice's now.
        const after = FakeSessionReader.fromEvents([
          ...eventsForSessions('alice', 3, T0),
          ...eventsForSessions('anon-3', 3, T0).map((event) => ({ ...event, userId: 'alice' })),
        ]);
        after.stitched.set('anon-3', 'alice');
        const handler = makeHandler({ reader: after }).handler;
        const query = `cursor=${encodeURIComponent(cursor ?? '')}&${rawQuery}`;
        const redirect = await call(handler, 'GET', userPath('anon-3', ...rest), { query });
        expect(redirect.status).toBe(307);
        expect(redirect.headers.location).toBe(location);
        const [path = '', followedQuery = ''] = location.split('?');
        expect((await call(handler, 'GET', path, { query: followedQuery })).status).toBe(200);
      },
    );
  });

  it('answers HEAD with the redirect and no body', async () => {
    const result = await call(setup(), 'HEAD', userPath('anon-1', 'sessions'));
    expect(result.status).toBe(307);
    expect(result.headers.location).toBe('/users/alice/sessions');
    expect(result.raw.body).toBeUndefined();
  });

  it('lets a browser read the redirect (CORS)', async () => {
    const handler = setup({ corsAllowedOrigins: ['https://app.example'] });
    const result = await call(handler, 'GET', userPath('anon-1'), {
      headers: { origin: 'https://app.example' },
    });
    expect(result.status).toBe(307);
    expect(result.headers['access-control-allow-origin']).toBe('https://app.example');
  });

  it('serves an anonymousId that has sessions of its own, naming its user', async () => {
    const handler = setup();
    const summary = await call(handler, 'GET', userPath('anon-2'));
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ userId: 'anon-2', sessionCount: 1, stitchedTo: 'alice' });
    expect((await call(handler, 'GET', userPath('anon-2', 'sessions'))).status).toBe(200);
    expect((await call(handler, 'GET', userPath('anon-2', 'sessions', SESSION_ID))).status).toBe(200);
  });

  it('still validates the query before redirecting', async () => {
    const result = await call(setup(), 'GET', userPath('anon-1', 'sessions'), { query: 'limit=0' });
    expect(result.status).toBe(400);
  });
});
