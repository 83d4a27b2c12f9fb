// A path whose escapes are no UTF-8 only after a `/sessions/` that follows a user id, with more segments after
// them (`/users/nobody/sessions/%ZZ/more`), or only in a segment after a user id (`/users/nobody/%ZZ`): its rest
// names no user, as it does behind API Gateway (which hands `%ZZ` on as text), so it gets the answers of that
// reading, not the 400 blaming the user id (docs/api.md).
import { describe, expect, it } from 'vitest';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { type CallResult, call, gatewayEvent, send } from './api-event.js';
import { FIRST_SESSION_ID, makeHandler, T0 } from './lookup-fixture.js';

function ask(pathsDecoded: boolean, path: string, query: string): Promise<CallResult> {
  const reader = FakeSessionReader.fromEvents(eventsForSessions('x', 1, T0));
  const { handler } = makeHandler({ reader, pathsDecoded });
  return pathsDecoded
    ? send(handler, gatewayEvent('GET', path, { query }))
    : call(handler, 'GET', path, { query });
}

const TAILS = [
  '%ZZ/more',
  '100%/more',
  '%C3/x/y',
  `%FF${FIRST_SESSION_ID}/events`,
  '%ZZ/sessions',
  `%ZZ/sessions/${FIRST_SESSION_ID}`,
  `a/sessions/%ZZ/more`,
];
const QUERIES = ['', 'limit=5', 'bogus=1', 'cursor=abc', 'order=asc'];

describe('paths with escapes that are no UTF-8 after /sessions/, segments after them', () => {
  it.each(TAILS)(
    'answer /users/nobody/sessions/%s as behind API Gateway: 404 User not found',
    async (tail) => {
      const path = `/users/nobody/sessions/${tail}`;
      for (const query of QUERIES) {
        const encoded = await ask(false, path, query);
        expect(encoded, `${path}?${query}`).toEqual(await ask(true, path, query));
        if (query === '') {
          expect(encoded.status).toBe(404);
          expect(encoded.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
        }
      }
    },
  );

  it.each(TAILS)('answer /users/x/sessions/%s (x exists) as behind API Gateway', async (tail) => {
    const path = `/users/x/sessions/${tail}`;
    for (const query of QUERIES) {
      const encoded = await ask(false, path, query);
      expect(encoded, `${path}?${query}`).toEqual(await ask(true, path, query));
      if (query === '') expect(encoded.status).toBe(404);
    }
  });

  // An id over the limit names no user, as docs/api.md says, with segments after its session id too.
  it('answers a rest over the id limit with segments after /sessions/ as a short one', async () => {
    for (const pathsDecoded of [false, true]) {
      const long = await ask(pathsDecoded, `/users/nobody/sessions/${'z'.repeat(600)}/more`, '');
      expect(long).toEqual(await ask(pathsDecoded, '/users/nobody/sessions/z/more', ''));
      expect(long.status).toBe(404);
      const known = await ask(pathsDecoded, `/users/x/sessions/${'z'.repeat(600)}/more`, '');
      expect(known).toEqual(await ask(pathsDecoded, '/users/x/sessions/z/more', ''));
    }
  });
});

// Escapes that are no UTF-8 in a segment after the user id that no `/sessions/` comes before
// (`/users/alice/%ZZ`, `/users/alice/sesions/%ZZ`): behind API Gateway the greedy `/users/{proxy+}` route takes
// such a path and reads `%ZZ` as text, so the rest is an unknown user's id, not a malformed one.
const SEGMENTS = [
  '%ZZ',
  '%ZZ/',
  '100%',
  'sesions/%ZZ',
  'a/%C3/b',
  '%FF/sessions',
  `%ZZ/sessions/${FIRST_SESSION_ID}`,
];

describe('paths with escapes that are no UTF-8 in a segment after the user id', () => {
  it.each(SEGMENTS)('answer /users/nobody/%s as behind API Gateway: 404 User not found', async (tail) => {
    const path = `/users/nobody/${tail}`;
    for (const query of QUERIES) {
      const encoded = await ask(false, path, query);
      expect(encoded, `${path}?${query}`).toEqual(await ask(true, path, query));
      if (query === '') {
        expect(encoded.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
      }
    }
  });

  it.each(SEGMENTS)('answer /users/x/%s (x exists) as behind API Gateway', async (tail) => {
    const path = `/users/x/${tail}`;
    for (const query of QUERIES) {
      const encoded = await ask(false, path, query);
      expect(encoded, `${path}?${query}`).toEqual(await ask(true, path, query));
      if (query === '') expect(encoded.status).toBe(404);
    }
  });

  it('keeps the userId 400 of an id over the limit, as behind API Gateway', async () => {
    for (const pathsDecoded of [false, true]) {
      const result = await ask(pathsDecoded, `/users/x/%ZZ/${'z'.repeat(600)}`, '');
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ error: { parameter: 'userId' } });
    }
  });
});

// Escapes that are no UTF-8 in the first segment after `/users/` (`/users/%ZZ/x`, `/users/%ff/sessions`): API
// Gateway's greedy route hands `%ZZ` on as text there too, so such a path names an unknown user, not a
// malformed id; an id in the `~b64.` form followed by such a segment is the 400 of that form read as text.
const FIRST_SEGMENTS = [
  '%ZZ',
  '%ZZ/x',
  '%ff/sessions',
  'x%ZZ/y',
  '100%',
  '%ED%A0%80',
  '%C3/sessions',
  `%FF/sessions/${FIRST_SESSION_ID}`,
  '%ZZ/sessions/x/more',
  `%ZZ/sessions/${'z'.repeat(600)}`,
];

describe('paths with escapes that are no UTF-8 in the first segment after /users/', () => {
  it.each(FIRST_SEGMENTS)('answer /users/%s as behind API Gateway: 404 User not found', async (tail) => {
    const path = `/users/${tail}`;
    for (const query of QUERIES) {
      const encoded = await ask(false, path, query);
      expect(encoded, `${path}?${query}`).toEqual(await ask(true, path, query));
      if (query === '') {
        expect(encoded.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
      }
    }
  });

  it.each([
    '~b64.eA/%ZZ',
    '~b64.eA/%ZZ/sessions',
    '~b64.eA/sessions/%ZZ',
    '~b64.eA/sessions/%ZZ/more',
    '~b64.%ZZ',
    '~b64.%ZZ/sessions',
    `~b64.eA/%ZZ/${'z'.repeat(600)}`,
  ])('answer /users/%s (x in its ~b64. form) as behind API Gateway, worded the same', async (tail) => {
    const path = `/users/${tail}`;
    for (const query of QUERIES) {
      const encoded = await ask(false, path, query);
      expect(encoded, `${path}?${query}`).toEqual(await ask(true, path, query));
      if (query === '') expect(encoded.status).toBe(400);
    }
  });
});
