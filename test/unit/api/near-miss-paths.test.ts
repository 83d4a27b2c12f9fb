import { describe, expect, it } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { apiEvent, errorOf, gatewayEvent, send } from './api-event.js';
import { FIRST_SESSION_ID, makeHandler, ODD_USER, T0 } from './lookup-fixture.js';

/** Ids that need escaping in a path (`%`, a space, every character a path or a query treats specially), or that end like a route. */
const USERS = [ODD_USER, 'a b', '100%', 'ü/ö', 'x/sessions'];

/** The paths a near miss's message names (`{sessionId}` stands for any session's id). */
function namedPaths(message: string): string[] {
  return (message.match(/\/users\/[^\s(),]+/g) ?? []).map((path) =>
    path.replace('{sessionId}', FIRST_SESSION_ID),
  );
}

/** A path in the message, requested as a client would send it, behind API Gateway (decoded) or not. */
function requestOf(path: string, pathsDecoded: boolean) {
  const url = new URL(path, 'https://api.example.test');
  const query = url.search.slice(1);
  return pathsDecoded
    ? gatewayEvent('GET', decodeURIComponent(url.pathname), { query })
    : apiEvent('GET', url.pathname, { query });
}

describe.each([
  ['encoded', false],
  ['decoded', true],
])('the paths a near miss names, with paths arriving %s', (_arrival, pathsDecoded) => {
  const reader = FakeSessionReader.fromEvents(USERS.flatMap((userId) => eventsForSessions(userId, 1, T0)));
  const { handler } = makeHandler({ reader, pathsDecoded });

  /** The path a client sends for `user` followed by `tail`: encoded, or as API Gateway hands it on. */
  const sent = (user: string, tail: string) =>
    pathsDecoded
      ? gatewayEvent('GET', `/users/${user}${tail}`)
      : apiEvent('GET', `/users/${encodeURIComponent(user)}${tail}`);

  it.each(
    USERS.flatMap((user) =>
      [
        '/',
        '/sessions/',
        `/sessions/${FIRST_SESSION_ID}/`,
        `/sessions/${FIRST_SESSION_ID}/events`,
        '/session',
        `/sesions/${FIRST_SESSION_ID}`,
      ].map((tail) => [user, tail]),
    ),
  )('names paths that work when followed as written, for %j with %j', async (user, tail) => {
    const slip = await send(handler, sent(user, tail));
    if (slip.status === 400 && errorOf(slip).parameter === 'sessionId') return;
    const message = errorOf(slip).message;
    const paths = namedPaths(message);
    expect(paths.length, message).toBeGreaterThan(0);
    for (const path of paths) {
      const followed = await send(handler, requestOf(path, pathsDecoded));
      expect(followed.status, `${path}, from: ${message}`).toBe(200);
      expect((followed.body as { userId: string }).userId).toBe(user);
    }
  });

  it.each(USERS.flatMap((user) => ['%2F', '%2f', '%2F%2F', '/%2F', '%2F/'].map((slash) => [user, slash])))(
    'gives %j followed by %j, slashes sent percent-encoded, the answer literal slashes get',
    async (user, slash) => {
      // As a client sends it: behind API Gateway the function gets it decoded, `%2F` a `/`.
      const path = `/users/${encodeURIComponent(user)}${slash}`;
      const encodedSlash = await send(
        handler,
        pathsDecoded ? gatewayEvent('GET', decodeURIComponent(path)) : apiEvent('GET', path),
      );
      const plainSlash = await send(handler, sent(user, slash.replace(/%2F/gi, '/')));
      // (Behind API Gateway, `x/sessions//` names no user a slip away: it must go in its ~b64. form there.)
      if (slash.length === 3) expect(errorOf(plainSlash).message).toContain('names a user who exists');
      expect(encodedSlash.status, path).toBe(plainSlash.status);
      expect(encodedSlash.body, path).toEqual(plainSlash.body);
    },
  );

  it('names a ~b64. form for an id that no decoded path carries whole', async () => {
    const slip = await send(handler, sent(ODD_USER, '/session'));
    expect(errorOf(slip).message).toContain(`/users/${base64Id(ODD_USER)}/sessions/{sessionId}`);
  });
});

describe('a route tail ending with a percent-encoded slash', () => {
  const reader = FakeSessionReader.fromEvents(USERS.flatMap((userId) => eventsForSessions(userId, 1, T0)));
  const encoded = makeHandler({ reader, pathsDecoded: false }).handler;
  const decoded = makeHandler({ reader, pathsDecoded: true }).handler;

  /** `/users/{id}{tail}` as a client sends it, answered where paths stay encoded and behind API Gateway. */
  async function bothModes(id: string, tail: string) {
    const path = `/users/${id}${tail}`;
    return {
      encoded: await send(encoded, apiEvent('GET', path)),
      decoded: await send(decoded, gatewayEvent('GET', decodeURIComponent(path))),
    };
  }

  const tails = ['/sessions%2F', `/sessions/${FIRST_SESSION_ID}%2F`, `/sessions/${FIRST_SESSION_ID}%2f%2F`];
  it.each([
    ...USERS.flatMap((user) => [...tails, '/session%2F'].map((tail) => [encodeURIComponent(user), tail])),
    ...[ODD_USER, 'x/sessions'].flatMap((user) =>
      [...tails, '/session%2F'].map((tail) => [base64Id(user), tail]),
    ),
  ])('gets one helpful answer, whether paths arrive encoded or decoded (%s%s)', async (id, tail) => {
    const { encoded: sentEncoded, decoded: sentDecoded } = await bothModes(id, tail);
    expect(sentEncoded.status).toBe(sentDecoded.status);
    expect(sentEncoded.body).toEqual(sentDecoded.body);
    // The missing session id's 400, or an answer naming the path that works.
    const error = errorOf(sentEncoded);
    if (error.parameter !== 'sessionId') expect(error.message).toContain('names a user who exists');
  });
});

describe('a slip of a route that takes a query, sent with its query', () => {
  const reader = FakeSessionReader.fromEvents(USERS.flatMap((userId) => eventsForSessions(userId, 1, T0)));

  // Read from its end, each path is a user's summary, which takes no parameter; the route meant takes these.
  it.each(
    USERS.flatMap((user) =>
      (
        [
          [`/sessions/${FIRST_SESSION_ID}/`, 'limit=5'],
          [`/sessions/${FIRST_SESSION_ID}/events`, 'limit=5&cursor=x'],
          [`/sessions/${FIRST_SESSION_ID}%2F`, 'cursor=x'],
          ['/sesions', 'order=asc'],
          ['/session/', 'limit=5'],
        ] as const
      ).map(([tail, query]) => [user, tail, query]),
    ),
  )('answers %j%s with the 404 naming the path meant, as without ?%s', async (user, tail, query) => {
    for (const pathsDecoded of [false, true]) {
      const { handler } = makeHandler({ reader, pathsDecoded });
      const path = `/users/${encodeURIComponent(user)}${tail}`;
      const sent = (rawQuery: string) =>
        send(
          handler,
          pathsDecoded
            ? gatewayEvent('GET', decodeURIComponent(path), { query: rawQuery })
            : apiEvent('GET', path, { query: rawQuery }),
        );
      const withQuery = await sent(query);
      const without = await sent('');
      expect(without.status, path).toBe(404);
      expect(withQuery.status, `${path}?${query}: ${JSON.stringify(withQuery.body)}`).toBe(404);
      expect(withQuery.body).toEqual(without.body);
    }
  });

  it.each([
    ['/users/nobody/sessions/20240101T090000000Z/', 'limit=5'],
    ['/users/nobody/sesions', 'order=asc'],
    // The path meant is a user's summary, which takes no parameter either.
    [`/users/${encodeURIComponent(ODD_USER)}/`, 'limit=5'],
    [`/users/${encodeURIComponent(` ${ODD_USER}`)}`, 'limit=5'],
  ])('still refuses the query of %j?%s, which no route meant takes', async (path, query) => {
    const { handler } = makeHandler({ reader });
    const result = await send(handler, apiEvent('GET', path, { query }));
    expect(result.status).toBe(400);
    expect(errorOf(result).parameter).toBe(query.split('=')[0]);
  });
});
