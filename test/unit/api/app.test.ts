import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiHandler, JSON_CONTENT_TYPE } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/event.js';
import type { SessionReader } from '../../../functions/domain/session-store.js';
import {
  eventsForSessions,
  FailingSessionReader,
  FakeSessionReader,
} from '../../helpers/fake-session-reader.js';
import { call, query, TEST_SIGNING_KEY, userPath } from './api-event.js';

const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);
const ODD_USER = 'a#b/c+d%e f ü😀?&=';

function event(userId: string, timestamp: number, id: string, name: string | null = 'Home'): EventRecord {
  return { id, userId, timestamp, type: name === null ? 'identify' : 'page', name, hasMessageId: true };
}

function makeHandler(
  reader: SessionReader = FakeSessionReader.fromEvents(defaultEvents()),
  corsAllowedOrigins: string[] = [],
) {
  const logger = { error: vi.fn() };
  const handler = createApiHandler({
    reader,
    config: { cursorSigningKey: TEST_SIGNING_KEY, corsAllowedOrigins },
    logger,
  });
  return { handler, logger };
}

function defaultEvents(): EventRecord[] {
  return [
    ...eventsForSessions('alice', 5, T0),
    event(ODD_USER, T0, 'odd-1'),
    event('a+b', T0, 'plus-1'),
    event('a b', T0 + 1, 'space-1'),
  ];
}

describe('GET /users/{userId}', () => {
  it('returns the user summary with ISO timestamps', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice'));
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(result.body).toEqual({
      userId: 'alice',
      sessionCount: 5,
      eventCount: 1 + 2 + 3 + 1 + 2,
      firstSeenAt: '2024-01-01T09:00:00.000Z',
      lastSeenAt: new Date(T0 + 4 * 90 * 60_000 + 60_000).toISOString(),
    });
  });

  it('is 404 for an unknown user', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('nobody'));
    expect(result.status).toBe(404);
    expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
  });

  it('round-trips a user id with #, /, +, %, spaces, unicode, ?, & and =', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath(ODD_USER));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ userId: ODD_USER, sessionCount: 1 });
  });

  it('keeps + literal in the path and decodes %20 as a space', async () => {
    const { handler } = makeHandler();
    expect((await call(handler, 'GET', '/users/a+b')).body).toMatchObject({ userId: 'a+b' });
    expect((await call(handler, 'GET', '/users/a%2Bb')).body).toMatchObject({ userId: 'a+b' });
    expect((await call(handler, 'GET', '/users/a%20b')).body).toMatchObject({ userId: 'a b' });
  });

  it('decodes each segment exactly once', async () => {
    const { handler } = makeHandler();
    // %2525 is the literal text "%25", not "%".
    expect((await call(handler, 'GET', '/users/a%2525')).status).toBe(404);
  });

  it.each([
    ['/users/%E0%A4%A', 'a truncated escape'],
    ['/users/%ZZ', 'a non-hex escape'],
    ['/users/%ED%A0%80', 'an encoded lone surrogate'],
    ['/users/%C3', 'an incomplete UTF-8 sequence'],
  ])('is 400 naming userId for %s (%s)', async (path) => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', path);
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      error: {
        code: 'bad_request',
        message: 'userId is not valid percent-encoded UTF-8',
        parameter: 'userId',
      },
    });
  });

  it('is 400 for a lone surrogate a hand-built event put in the raw path', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', '/users/a\uD800b');
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      error: { parameter: 'userId', message: 'userId must be well-formed Unicode' },
    });
  });

  it('is 400 for an empty user id', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', '/users/');
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      error: { parameter: 'userId', message: 'userId must not be empty' },
    });
  });
});

describe('GET /users/{userId}/sessions/{sessionId}', () => {
  it('returns the session and its ordered timeline', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice', 'sessions', '20240101T120000000Z'));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      userId: 'alice',
      sessionId: '20240101T120000000Z',
      sessionNumber: 3,
      startedAt: '2024-01-01T12:00:00.000Z',
      endedAt: '2024-01-01T12:02:00.000Z',
      durationSeconds: 120,
      eventCount: 3,
      firstEvent: 'Home',
      lastEvent: 'Checkout',
      events: [
        {
          id: 'alice-2-0',
          messageId: 'alice-2-0',
          type: 'page',
          name: 'Home',
          timestamp: '2024-01-01T12:00:00.000Z',
        },
        { id: 'alice-2-1', messageId: null, type: 'page', name: null, timestamp: '2024-01-01T12:01:00.000Z' },
        {
          id: 'alice-2-2',
          messageId: 'alice-2-2',
          type: 'track',
          name: 'Checkout',
          timestamp: '2024-01-01T12:02:00.000Z',
        },
      ],
    });
  });

  it('works for a user id that needs encoding', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath(ODD_USER, 'sessions', '20240101T090000000Z'));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ userId: ODD_USER, eventCount: 1 });
  });

  it.each([
    ['alice', '20240101T093000000Z', 'no session starts then'],
    ['nobody', '20240101T090000000Z', 'unknown user'],
  ])('is 404 for %s/%s (%s)', async (userId, sessionId) => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath(userId, 'sessions', sessionId));
    expect(result.status).toBe(404);
    expect(result.body).toEqual({ error: { code: 'not_found', message: 'Session not found' } });
  });

  it.each([
    'x',
    '',
    '20240101T090000Z',
    '20240230T090000000Z',
    '20240101t090000000z',
    '20240101T090000000Z ',
  ])('is 400 naming sessionId for %j', async (sessionId) => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice', 'sessions', sessionId));
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'bad_request', parameter: 'sessionId' } });
  });
});

describe('GET /users/{userId}/sessions', () => {
  const sessionIds = (body: unknown) =>
    (body as { sessions: { sessionId: string }[] }).sessions.map((session) => session.sessionId);

  it('lists newest first by default, 20 at most, with the response shape', async () => {
    const reader = FakeSessionReader.fromEvents(eventsForSessions('bob', 25, T0));
    const { handler } = makeHandler(reader);
    const result = await call(handler, 'GET', userPath('bob', 'sessions'));
    expect(result.status).toBe(200);
    expect(reader.listQueries[0]).toEqual({
      userId: 'bob',
      order: 'desc',
      limit: 20,
      from: undefined,
      to: undefined,
      after: undefined,
    });
    const body = result.body as { userId: string; sessions: Record<string, unknown>[]; nextCursor: string };
    expect(body.userId).toBe('bob');
    expect(body.sessions).toHaveLength(20);
    expect(body.sessions[0]).toEqual({
      userId: 'bob',
      sessionId: '20240102T210000000Z',
      sessionNumber: 25,
      startedAt: '2024-01-02T21:00:00.000Z',
      endedAt: '2024-01-02T21:00:00.000Z',
      durationSeconds: 0,
      eventCount: 1,
      firstEvent: 'Home',
      lastEvent: 'Home',
    });
    expect(typeof body.nextCursor).toBe('string');
  });

  it('returns nextCursor null on the last page', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: 'limit=5' });
    expect(result.body).toMatchObject({ nextCursor: null });
    expect(sessionIds(result.body)).toHaveLength(5);
  });

  it('walks every session exactly once in both orders, with and without a from/to filter', async () => {
    const reader = FakeSessionReader.fromEvents(eventsForSessions('many', 1000, T0));
    const { handler } = makeHandler(reader);
    const all = (await reader.listSessions({ userId: 'many', order: 'asc', limit: 100 })).sessions;
    expect(all).toHaveLength(100);
    const from = new Date(T0 + 100 * 90 * 60_000).toISOString();
    const to = new Date(T0 + 900 * 90 * 60_000).toISOString();
    for (const filter of [{}, { from, to }]) {
      for (const order of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const result = await call(handler, 'GET', userPath('many', 'sessions'), {
            query: query({ ...filter, order, limit: 37, cursor }),
          });
          expect(result.status).toBe(200);
          seen.push(...sessionIds(result.body));
          cursor = (result.body as { nextCursor: string | null }).nextCursor ?? undefined;
          pages++;
        } while (cursor !== undefined);
        const expectedCount = 'from' in filter ? 801 : 1000;
        expect(seen).toHaveLength(expectedCount);
        expect(new Set(seen).size).toBe(expectedCount);
        const sorted = [...seen].sort();
        expect(seen).toEqual(order === 'asc' ? sorted : sorted.reverse());
        expect(pages).toBe(Math.ceil(expectedCount / 37));
      }
    }
  });

  it('filters on start time with from/to in any accepted ISO-8601 form, inclusive', async () => {
    const { handler } = makeHandler();
    // Sessions start at 09:00, 10:30, 12:00, 13:30, 15:00 UTC.
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
      query: query({ from: '2024-01-01T11:30:00+01:00', to: '2024-01-01 13:30', order: 'asc' }),
    });
    expect(result.status).toBe(200);
    expect(sessionIds(result.body)).toEqual([
      '20240101T103000000Z',
      '20240101T120000000Z',
      '20240101T133000000Z',
    ]);
  });

  it('returns 200 and no sessions when a known user has none in range', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
      query: 'from=2030-01-01T00:00:00Z',
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ userId: 'alice', sessions: [], nextCursor: null });
  });

  it('is 404 for an unknown user', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('nobody', 'sessions'));
    expect(result.status).toBe(404);
    expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
  });

  it('ignores unknown query parameters', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: 'foo=bar&limit=2&x' });
    expect(result.status).toBe(200);
    expect(sessionIds(result.body)).toHaveLength(2);
  });

  it.each([
    ['limit=0', 'limit', 'limit must be an integer from 1 to 100'],
    ['limit=101', 'limit', 'limit must be an integer from 1 to 100'],
    ['limit=-1', 'limit', 'limit must be an integer from 1 to 100'],
    ['limit=1.5', 'limit', 'limit must be an integer from 1 to 100'],
    ['limit=abc', 'limit', 'limit must be an integer from 1 to 100'],
    ['limit=', 'limit', 'limit must be an integer from 1 to 100'],
    ['limit=1e2', 'limit', 'limit must be an integer from 1 to 100'],
    ['limit=5&limit=6', 'limit', 'limit must be given at most once'],
    ['order=up', 'order', 'order must be asc or desc'],
    ['order=ASC', 'order', 'order must be asc or desc'],
    ['from=yesterday', 'from', undefined],
    ['to=2024-13-01T00:00:00Z', 'to', undefined],
    // An unencoded + is form-decoded to a space; the message says how to send it.
    ['from=2024-01-01T00:00:00+02:00', 'from', undefined],
    ['from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z', 'from', 'from must not be after to'],
    ['cursor=', 'cursor', 'cursor must not be empty'],
    ['cursor=abc', 'cursor', 'cursor is not a valid cursor for this user, order and filter'],
    [`cursor=${'a'.repeat(300)}`, 'cursor', undefined],
  ])('is 400 for %s naming %s', async (rawQuery, parameter, message) => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: rawQuery });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'bad_request', parameter } });
    const actual = (result.body as { error: { message: string } }).error.message;
    expect(actual.startsWith(`${parameter} `)).toBe(true);
    if (message !== undefined) expect(actual).toBe(message);
  });

  it('accepts a + offset sent as %2B', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
      query: 'from=2024-01-01T10:30:00%2B01:00',
    });
    expect(result.status).toBe(200);
    expect(sessionIds(result.body)).toHaveLength(4);
  });

  describe('cursors', () => {
    async function firstCursor(
      handler: Awaited<ReturnType<typeof makeHandler>>['handler'],
      rawQuery = 'limit=2',
    ) {
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: rawQuery });
      return (result.body as { nextCursor: string }).nextCursor;
    }

    it('continues where the previous page ended', async () => {
      const { handler } = makeHandler();
      const cursor = await firstCursor(handler);
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ limit: 2, cursor }),
      });
      expect(sessionIds(result.body)).toEqual(['20240101T120000000Z', '20240101T103000000Z']);
    });

    it('may change the page size between pages', async () => {
      const { handler } = makeHandler();
      const cursor = await firstCursor(handler);
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ limit: 10, cursor }),
      });
      expect(sessionIds(result.body)).toHaveLength(3);
    });

    it('rejects every single-character modification', async () => {
      const { handler } = makeHandler();
      const cursor = await firstCursor(handler);
      for (let index = 0; index < cursor.length; index++) {
        const replacement = cursor[index] === 'A' ? 'B' : 'A';
        const modified = cursor.slice(0, index) + replacement + cursor.slice(index + 1);
        const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
          query: query({ limit: 2, cursor: modified }),
        });
        expect(result.status, `modified at ${index}`).toBe(400);
        expect(result.body).toMatchObject({ error: { parameter: 'cursor' } });
      }
    });

    it.each([
      ['another user', userPath(ODD_USER, 'sessions'), 'limit=2'],
      ['another order', userPath('alice', 'sessions'), 'limit=2&order=asc'],
      ['another from', userPath('alice', 'sessions'), 'limit=2&from=2024-01-01T00:00:00Z'],
      ['another to', userPath('alice', 'sessions'), 'limit=2&to=2024-12-01T00:00:00Z'],
    ])('rejects a cursor replayed for %s', async (_what, path, rawQuery) => {
      const reader = FakeSessionReader.fromEvents(defaultEvents());
      const { handler } = makeHandler(reader);
      const cursor = await firstCursor(handler);
      const before = reader.listQueries.length;
      const result = await call(handler, 'GET', path, {
        query: `${rawQuery}&cursor=${encodeURIComponent(cursor)}`,
      });
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ error: { parameter: 'cursor' } });
      expect(reader.listQueries.length).toBe(before);
    });

    it('rejects a cursor signed with another key', async () => {
      const { handler } = makeHandler();
      const cursor = await firstCursor(handler);
      const other = createApiHandler({
        reader: FakeSessionReader.fromEvents(defaultEvents()),
        config: { cursorSigningKey: `${TEST_SIGNING_KEY}-other`, corsAllowedOrigins: [] },
        logger: { error: vi.fn() },
      });
      const result = await call(other, 'GET', userPath('alice', 'sessions'), {
        query: query({ limit: 2, cursor }),
      });
      expect(result.status).toBe(400);
    });
  });
});

describe('routing', () => {
  it.each([
    '/',
    '',
    '/users',
    '/users/alice/',
    '/users/alice/events',
    '/users/alice/sessions/20240101T090000000Z/events',
    '/Users/alice',
    '/users/alice/Sessions',
    '//users/alice',
    '/sessions',
  ])('is 404 for %j', async (path) => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', path);
    expect(result.status).toBe(404);
    expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(result.body).toEqual({ error: { code: 'not_found', message: 'Route not found' } });
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', ''])(
    'is 405 with an allow header for %j',
    async (method) => {
      const { handler } = makeHandler();
      const result = await call(handler, method, userPath('alice', 'sessions'));
      expect(result.status).toBe(405);
      expect(result.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(result.body).toMatchObject({ error: { code: 'method_not_allowed' } });
    },
  );

  it('serves HEAD as GET without a body', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'HEAD', userPath('alice'));
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(result.raw.body).toBeUndefined();
    expect((await call(handler, 'HEAD', userPath('nobody'))).status).toBe(404);
  });

  it('accepts a lower-case method from a hand-built event', async () => {
    const { handler } = makeHandler();
    expect((await call(handler, 'get', userPath('alice'))).status).toBe(200);
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://app.example.com';

  it('sends no CORS headers when none are configured', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice'), { headers: { origin: ORIGIN } });
    expect(result.headers['access-control-allow-origin']).toBeUndefined();
    expect(result.headers.vary).toBeUndefined();
  });

  it('echoes an allowed origin, on success and on errors', async () => {
    const { handler } = makeHandler(undefined, [ORIGIN, 'https://other.example.com']);
    for (const path of [userPath('alice'), userPath('nobody'), '/nope']) {
      const result = await call(handler, 'GET', path, { headers: { origin: ORIGIN } });
      expect(result.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(result.headers.vary).toBe('origin');
    }
  });

  it('does not allow an origin outside the list but still varies on it', async () => {
    const { handler } = makeHandler(undefined, [ORIGIN]);
    const result = await call(handler, 'GET', userPath('alice'), {
      headers: { origin: 'https://evil.example.com' },
    });
    expect(result.status).toBe(200);
    expect(result.headers['access-control-allow-origin']).toBeUndefined();
    expect(result.headers.vary).toBe('origin');
  });

  it('allows any origin with *', async () => {
    const { handler } = makeHandler(undefined, ['*']);
    const result = await call(handler, 'GET', userPath('alice'), {
      headers: { Origin: 'http://localhost:5173' },
    });
    expect(result.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('answers a preflight with 204 and the allowed methods', async () => {
    const { handler } = makeHandler(undefined, [ORIGIN]);
    const result = await call(handler, 'OPTIONS', userPath(ODD_USER, 'sessions'), {
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-trace',
      },
    });
    expect(result.status).toBe(204);
    expect(result.raw.body).toBeUndefined();
    expect(result.headers).toEqual({
      allow: 'GET, HEAD, OPTIONS',
      vary: 'origin',
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-allow-headers': 'x-trace',
      'access-control-max-age': '600',
    });
  });

  it('answers a preflight from a refused origin without CORS headers', async () => {
    const { handler } = makeHandler(undefined, [ORIGIN]);
    const result = await call(handler, 'OPTIONS', userPath('alice'), {
      headers: { origin: 'https://evil.example' },
    });
    expect(result.status).toBe(204);
    expect(result.headers['access-control-allow-origin']).toBeUndefined();
    expect(result.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('internal errors', () => {
  let secret: Error;
  beforeEach(() => {
    secret = new Error('AccessDeniedException: arn:aws:dynamodb:eu-west-1:123456789012:table/secret-table');
  });

  it.each([
    userPath('alice'),
    userPath('alice', 'sessions'),
    userPath('alice', 'sessions', '20240101T090000000Z'),
  ])('answers a generic 500 for %s and logs the details', async (path) => {
    const { handler, logger } = makeHandler(new FailingSessionReader(secret));
    const result = await call(handler, 'GET', path);
    expect(result.status).toBe(500);
    expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(result.body).toEqual({ error: { code: 'internal_error', message: 'Internal error' } });
    expect(result.raw.body).not.toMatch(/secret|arn:|Exception|at /);
    expect(logger.error).toHaveBeenCalledWith('API request failed', {
      error: secret,
      method: 'GET',
      rawPath: path,
    });
  });

  it('still validates parameters before touching the store', async () => {
    const { handler, logger } = makeHandler(new FailingSessionReader(secret));
    expect((await call(handler, 'GET', userPath('alice', 'sessions'), { query: 'limit=0' })).status).toBe(
      400,
    );
    expect(logger.error).not.toHaveBeenCalled();
  });
});

describe('the sample API Gateway event in events/', () => {
  it('lists the sample user’s sessions oldest first, as API Gateway would deliver the request', async () => {
    const sample = JSON.parse(
      readFileSync(new URL('../../../events/api-list-sessions.json', import.meta.url), 'utf8'),
    ) as APIGatewayProxyEventV2;
    const { handler } = makeHandler(FakeSessionReader.fromEvents(eventsForSessions('user_1001', 3, T0)));

    const result = await handler(structuredClone(sample));

    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body ?? '') as {
      userId: string;
      sessions: Array<{ sessionNumber: number }>;
    };
    expect(body.userId).toBe('user_1001');
    expect(body.sessions.map((session) => session.sessionNumber)).toEqual([1, 2, 3]);
  });
});
