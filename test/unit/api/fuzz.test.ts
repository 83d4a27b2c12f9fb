import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createApiHandler, JSON_CONTENT_TYPE } from '../../../functions/api/app.js';
import { FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { apiEvent, b64Id, gatewayEvent, TEST_SIGNING_KEY, userPath } from './api-event.js';
import { campaignHistory } from './lookup-fixture.js';

const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);
const USERS = ['alice', 'a#b/c+d%e f ü😀?'];

function setup(pathsDecoded = false) {
  const reader = FakeSessionReader.fromEvents(USERS.flatMap((userId) => campaignHistory(userId, 30, T0)));
  reader.stitched.set('anon', 'alice');
  reader.scanLimit = 7;
  const logger = { error: vi.fn() };
  const handler = createApiHandler({
    reader,
    config: {
      cursorSigningKey: TEST_SIGNING_KEY,
      corsAllowedOrigins: ['https://app.example', '*'],
      pathsDecoded,
    },
    logger,
  });
  return { handler, logger };
}

/**
 * Every answer is a documented status with a JSON body (none for 204 and HEAD) in the error shape unless it
 * is a 200; a redirect says where to go.
 */
function expectWellFormed(result: APIGatewayProxyStructuredResultV2, method: string): void {
  const status = result.statusCode ?? 0;
  expect([200, 204, 307, 400, 404, 405]).toContain(status);
  if (status === 307) expect(result.headers?.location).toMatch(/^\/users\/alice(\/sessions|$)/);
  if (status === 204 || method.toUpperCase() === 'HEAD') {
    expect(result.body).toBeUndefined();
    return;
  }
  expect(result.headers?.['content-type']).toBe(JSON_CONTENT_TYPE);
  const body = JSON.parse(result.body ?? '') as { error?: { code: unknown; message: unknown } };
  if (status !== 200) {
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
  }
}

const hexByte = fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`);

/** Text a path segment or query value might hold, well formed or not. */
const messyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }).map(encodeURIComponent),
  fc.array(hexByte, { maxLength: 8 }).map((bytes) => bytes.join('')),
  fc.string({
    unit: fc.constantFrom('%', '2', 'F', 'f', 'Z', '+', '/', '?', '#', '&', '=', '.', ' ', 'é', '\u0000'),
  }),
  fc.constantFrom('', '.', '..', '%', '%%', '%2', '%2F', '%C3', '%ED%A0%80', '%EF%BF%BF', '%00', '+', '%2B'),
  fc.string({ unit: 'binary', maxLength: 8 }).map(b64Id),
  fc.constantFrom('~b64.', '~b64.YQ==', '~b64.ww', '~b64.7aCA', 'x'.repeat(513), 'é'.repeat(257)),
);

const sessionIdLike = fc.oneof(
  fc
    .date({ min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
    .map((date) => date.toISOString().replace(/[-:.]/g, '')),
  fc.constantFrom('20240101T090000000Z', '20240101T103000000Z', '99991231T235959999Z', '00000101T000000000Z'),
);

const segment = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'users',
      'sessions',
      'anon',
      ...USERS.map(encodeURIComponent),
      ...USERS.map(b64Id),
    ),
  },
  { weight: 2, arbitrary: sessionIdLike },
  { weight: 3, arbitrary: messyText },
);

const path = fc.oneof(
  { weight: 2, arbitrary: fc.array(segment, { maxLength: 7 }).map((segments) => `/${segments.join('/')}`) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...USERS, 'anon'),
        fc.option(fc.tuple(fc.constant('sessions'), fc.option(sessionIdLike))),
      )
      .map(([userId, rest]) =>
        rest === null ? userPath(userId) : userPath(userId, ...rest.filter((s) => s !== null)),
      ),
  },
  { weight: 1, arbitrary: messyText },
);

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant('GET') },
  { weight: 3, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'POST', 'DELETE', 'get', '') },
  { weight: 1, arbitrary: fc.string() },
);

const timestampLike = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom(
    '2024-01-01',
    '2024-01-01T09:00',
    '2024-01-01T09:00:00+02:00',
    '2024-02-30T00:00:00Z',
    '0000-01-01T00:00:00Z',
  ),
  messyText,
);

const queryValue = fc.oneof(
  timestampLike,
  fc.constantFrom('asc', 'desc', 'ASC', '0', '1', '20', '100', '101', '-1', '1.0', '1e2', '0x10', ' 5'),
  fc.constantFrom('true', 'false', 'newsletter', 'ads', 's'.repeat(1025)),
  fc.integer().map(String),
  messyText,
);

const queryPair = fc.tuple(
  fc.oneof(fc.constantFrom('from', 'to', 'order', 'limit', 'cursor', 'bounce', 'campaignSource'), messyText),
  queryValue,
  fc.boolean(),
);

const rawQuery = fc.oneof(
  fc
    .array(queryPair, { maxLength: 6 })
    .map((pairs) =>
      pairs.map(([key, value, encode]) => `${key}=${encode ? encodeURIComponent(value) : value}`).join('&'),
    ),
  messyText,
);

describe('API fuzzing', () => {
  it.each([
    ['encoded', false],
    ['decoded', true],
  ])('never answers 5xx to malformed %s paths and methods', async (_what, pathsDecoded) => {
    const { handler, logger } = setup(pathsDecoded);
    const toEvent = pathsDecoded ? gatewayEvent : apiEvent;
    await fc.assert(
      fc.asyncProperty(method, path, rawQuery, fc.option(messyText), async (m, p, q, origin) => {
        const headers: Record<string, string> = origin === null ? {} : { origin };
        // API Gateway hands over a decoded path; one that does not decode is passed on as it is.
        let decodedPath = p;
        try {
          decodedPath = decodeURIComponent(p);
        } catch {}
        const result = await handler(toEvent(m, pathsDecoded ? decodedPath : p, { query: q, headers }));
        expectWellFormed(result, m);
      }),
      { numRuns: 1500 },
    );
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('never answers 5xx to malformed query strings on the session list', async () => {
    const { handler, logger } = setup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...USERS, 'nobody'), rawQuery, async (userId, q) => {
        const result = await handler(apiEvent('GET', userPath(userId, 'sessions'), { query: q }));
        expectWellFormed(result, 'GET');
      }),
      { numRuns: 3000 },
    );
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('never answers 5xx to modified or foreign cursors', async () => {
    const { handler, logger } = setup();
    const cursors: string[] = [];
    const firstPages: [string, string][] = [
      ['alice', 'desc'],
      ['alice', 'asc'],
      [USERS[1] as string, 'desc'],
    ];
    for (const [userId, order] of firstPages) {
      const result = await handler(
        apiEvent('GET', userPath(userId, 'sessions'), { query: `limit=3&order=${order}` }),
      );
      cursors.push(JSON.parse(result.body ?? '{}').nextCursor);
    }
    const mutatedCursor = fc
      .tuple(
        fc.constantFrom(...cursors),
        fc.nat(),
        fc.oneof(fc.string({ maxLength: 3 }), messyText),
        fc.nat(3),
      )
      .map(([cursor, at, text, deleteCount]) => {
        const index = at % (cursor.length + 1);
        return cursor.slice(0, index) + text + cursor.slice(index + deleteCount);
      });
    const cursor = fc.oneof(
      mutatedCursor,
      fc.constantFrom(...cursors),
      fc.base64String().map((text) => text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
      fc.tuple(fc.base64String(), fc.base64String()).map(([a, b]) => `${a}.${b}`),
      messyText,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...USERS),
        cursor,
        fc.constantFrom('', '&order=asc', '&order=desc', '&from=2024-01-01T00:00:00Z', '&limit=50'),
        fc.boolean(),
        async (userId, c, extra, encode) => {
          const rawQueryString = `cursor=${encode ? encodeURIComponent(c) : c}${extra}`;
          const result = await handler(
            apiEvent('GET', userPath(userId, 'sessions'), { query: rawQueryString }),
          );
          expectWellFormed(result, 'GET');
          // What the API reads, decoded as it decodes a query: a mutation that percent-encodes a character
          // as itself ('Q' as %51), or ends at an unencoded '&', can hand it a cursor it issued.
          const received = new URLSearchParams(rawQueryString).get('cursor') ?? '';
          if (!cursors.includes(received)) expect(result.statusCode).toBe(400);
        },
      ),
      { numRuns: 3000 },
    );
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('never answers 5xx to events missing the fields API Gateway would set', async () => {
    const { handler, logger } = setup();
    const field = fc.constantFrom('rawPath', 'rawQueryString', 'headers', 'requestContext', 'http', 'method');
    await fc.assert(
      fc.asyncProperty(path, fc.uniqueArray(field, { maxLength: 3 }), async (p, missing) => {
        type Loose = Record<string, unknown> & { requestContext?: { http?: Record<string, unknown> } };
        const event = apiEvent('GET', p) as unknown as Loose;
        for (const name of missing) {
          if (name === 'http') delete event.requestContext?.http;
          else if (name === 'method') delete event.requestContext?.http?.method;
          else delete event[name];
        }
        const result = await handler(event as unknown as APIGatewayProxyEventV2);
        expectWellFormed(result, 'GET');
      }),
      { numRuns: 500 },
    );
    expect(logger.error).not.toHaveBeenCalled();
  });
});
