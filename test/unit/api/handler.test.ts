// The Lambda entry (handler.ts: config, logger, shared client) over the real DynamoDbSessionReader, with the
// DynamoDB client mocked by an in-memory table holding items encoded exactly as the writer encodes them.
import { BatchGetItemCommand, DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ApiHandler, createApiHandler } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { record } from '../../helpers/event-arbitraries.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { MockTable } from '../../helpers/mock-table.js';
import { storedUser } from '../../helpers/stored-items.js';
import {
  b64Id,
  type CallResult,
  decodedUserPath,
  gatewayEvent,
  query,
  send,
  TEST_SIGNING_KEY,
} from './api-event.js';
import { campaignHistory } from './lookup-fixture.js';

const TABLE = 'sessions-table';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** 40 sessions from 31 January 09:00, 90 minutes apart: 10 in January, 30 in February. */
const T0 = Date.UTC(2024, 0, 31, 9, 0, 0);

/** A session with a page of its timeline, as the API answers it. */
interface TimelineBody {
  readonly events: unknown[];
  readonly nextCursor: string | null;
}
const SLASHED = 'acme/100% ü 😀';
const QUESTION = 'who?';
const LONGEST = 'é'.repeat(256);

const alice = () => campaignHistory('alice', 40, T0);
/** One session of 60 events a minute apart, stored with a small page limit so its events go to chunks. */
const chunky = (count = 60) =>
  Array.from({ length: count }, (_, index) =>
    record({
      id: `m:chunky-${index}`,
      userId: 'chunky',
      timestamp: T0 + index * MINUTE,
      name: `Step ${index}`,
    }),
  );
/** One session a day for 260 days; only the last 10 came from the `late` campaign. */
const sparse = () =>
  Array.from({ length: 260 }, (_, k) =>
    record({
      id: `m:sparse-${k}`,
      userId: 'sparse',
      timestamp: T0 + k * DAY,
      campaign: k < 250 ? null : { source: 'late', medium: null, name: null, term: null, content: null },
    }),
  );

const ddb = mockClient(DynamoDBClient);
let table: MockTable;
let entry: (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const lambda: ApiHandler = (event) => entry(event);

/** The same requests answered from the fake reader: what the real reader's answers must equal. */
function referenceApp(events: readonly EventRecord[]): ApiHandler {
  const reader = FakeSessionReader.fromEvents(events);
  reader.stitched.set('anon-1', 'alice');
  return createApiHandler({
    reader,
    config: {
      cursorSigningKey: TEST_SIGNING_KEY,
      corsAllowedOrigins: ['https://app.example'],
      pathsDecoded: true,
    },
    logger: { error: vi.fn() },
  });
}

const ALL_EVENTS = [
  ...alice(),
  ...chunky(),
  ...eventsForSessions(SLASHED, 3, T0),
  ...eventsForSessions(QUESTION, 2, T0),
  ...eventsForSessions(LONGEST, 2, T0),
  ...eventsForSessions('brief', 1, T0),
];

function storeDefaultUsers(): void {
  const users: [string, EventRecord[], Parameters<typeof storedUser>[2]][] = [
    ['alice', alice(), { stitchedSample: ['anon-1'] }],
    ['chunky', chunky(), { pageLimitBytes: 300 }],
    [SLASHED, eventsForSessions(SLASHED, 3, T0), {}],
    [QUESTION, eventsForSessions(QUESTION, 2, T0), {}],
    [LONGEST, eventsForSessions(LONGEST, 2, T0), {}],
    ['brief', eventsForSessions('brief', 1, T0), {}],
    ['anon-1', [], { link: { userId: 'alice', timestamp: T0, eventId: 'm:login', canonical: '{}' } }],
  ];
  for (const [user, events, options] of users) {
    const stored = storedUser(user, events, options);
    table.put(stored.head, ...stored.items);
  }
}

const get = (path: string, rawQuery = '') => send(lambda, gatewayEvent('GET', path, { query: rawQuery }));
const headReads = () =>
  ddb.commandCalls(GetItemCommand).filter((call) => call.args[0].input.Key?.sk?.S === 'H').length;

async function expectSameAsReference(path: string, rawQuery = '', events = ALL_EVENTS): Promise<CallResult> {
  const result = await get(path, rawQuery);
  const expected = await send(referenceApp(events), gatewayEvent('GET', path, { query: rawQuery }));
  expect(result.status, JSON.stringify(result.body)).toBe(expected.status);
  expect(result.body).toEqual(expected.body);
  return result;
}

beforeAll(async () => {
  vi.stubEnv('TABLE_NAME', TABLE);
  vi.stubEnv('CURSOR_SIGNING_KEY', TEST_SIGNING_KEY);
  vi.stubEnv('CORS_ALLOWED_ORIGINS', 'https://app.example');
  vi.stubEnv('API_PATHS_DECODED', 'true');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('DYNAMODB_ENDPOINT', '');
  vi.stubEnv('POWERTOOLS_DEV', '');
  vi.resetModules();
  ({ handler: entry } = await import('../../../functions/api/handler.js'));
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  ddb.reset();
  table = new MockTable(TABLE);
  table.serve(ddb);
  storeDefaultUsers();
});

describe('handler (real reader over a mocked DynamoDB client)', () => {
  it('answers the summary from the user’s head alone', async () => {
    const result = await get('/users/alice');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      userId: 'alice',
      sessionCount: 40,
      eventCount: 14 * 1 + 13 * 2 + 13 * 3,
      firstSeenAt: '2024-01-31T09:00:00.000Z',
      lastSeenAt: new Date(T0 + 39 * 90 * MINUTE).toISOString(),
      anonymousIds: { count: 1, items: ['anon-1'] },
      stitchedTo: null,
    });
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(1);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('pages across days and months in both orders, numbering like the reference', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const numbers: number[] = [];
      let cursor: string | undefined;
      do {
        const result = await expectSameAsReference(
          '/users/alice/sessions',
          query({ order, limit: 7, cursor }),
        );
        const body = result.body as { sessions: { sessionNumber: number }[]; nextCursor: string | null };
        numbers.push(...body.sessions.map((session) => session.sessionNumber));
        cursor = body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      const expected = Array.from({ length: 40 }, (_, index) => index + 1);
      expect(numbers).toEqual(order === 'asc' ? expected : expected.reverse());
    }
  });

  it.each([
    ['from/to', query({ from: '2024-02-01T00:00:00Z', to: '2024-02-01T12:00:00+01:00', order: 'asc' })],
    ['bounce', 'bounce=true&limit=5'],
    ['campaign source', 'campaignSource=newsletter&order=asc&limit=3'],
  ])('filters by %s like the reference', async (_what, rawQuery) => {
    const result = await expectSameAsReference('/users/alice/sessions', rawQuery);
    expect((result.body as { sessions: unknown[] }).sessions.length).toBeGreaterThan(0);
  });

  it('serves sessions with their timelines, from inline events and from chunks', async () => {
    // A day of one short session keeps its events in its page: no second read.
    const inline = await expectSameAsReference('/users/brief/sessions/20240131T090000000Z');
    expect(inline.body).toMatchObject({ sessionNumber: 1, eventCount: 1 });
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(0);
    // A busy day's events live in chunks, so that a list reads only the session rows.
    const busyDay = await expectSameAsReference('/users/alice/sessions/20240201T090000000Z');
    expect(busyDay.body).toMatchObject({ sessionNumber: 17, eventCount: 2 });
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(1);
    // Its page limit of 300 bytes cuts the session's events into many small segments: a page reads three
    // and ends early, and its cursor walks on to the same events the whole session holds.
    const path = '/users/chunky/sessions/20240131T090000000Z';
    const reference = (await send(referenceApp(ALL_EVENTS), gatewayEvent('GET', path))).body as TimelineBody;
    const batchesBefore = ddb.commandCalls(BatchGetItemCommand).length;
    const first = (await get(path)).body as TimelineBody;
    expect(first).toMatchObject({ eventCount: 60, lastEvent: 'Step 59' });
    expect({ ...first, events: [], nextCursor: null }).toEqual({
      ...reference,
      events: [],
      nextCursor: null,
    });
    expect(first.events.length).toBeLessThan(60);
    expect(ddb.commandCalls(BatchGetItemCommand).length - batchesBefore).toBe(1);
    const walked = [...first.events];
    for (let cursor = first.nextCursor; cursor !== null; ) {
      const next = (await get(path, `cursor=${encodeURIComponent(cursor)}`)).body as TimelineBody;
      walked.push(...next.events);
      cursor = next.nextCursor;
    }
    expect(walked).toEqual(reference.events);
  });

  it.each([
    ['an id with /, %, a space and emoji', decodedUserPath(SLASHED)],
    ['an id with ? in the ~b64. form', decodedUserPath(b64Id(QUESTION))],
    ['an id of 512 bytes', decodedUserPath(LONGEST)],
  ])('reaches %s on every route', async (_what, userPath) => {
    await expectSameAsReference(userPath);
    const list = await expectSameAsReference(`${userPath}/sessions`, 'order=asc');
    const first = (list.body as { sessions: { sessionId: string }[] }).sessions[0];
    await expectSameAsReference(`${userPath}/sessions/${first?.sessionId}`);
  });

  it.each([
    '/users/nobody',
    '/users/nobody/sessions',
    '/users/nobody/sessions/20240131T090000000Z',
    '/users/alice/sessions/20240131T091500000Z',
    '/users/alice/sessions/20300101T000000000Z',
  ])('is 404 for %s', async (path) => {
    const result = await expectSameAsReference(path);
    expect(result.status).toBe(404);
  });

  it.each([
    ['/users/anon-1', '/users/alice'],
    ['/users/anon-1/sessions', '/users/alice/sessions?limit=3'],
    ['/users/anon-1/sessions/20240131T090000000Z', '/users/alice/sessions/20240131T090000000Z?limit=3'],
  ])('redirects the stitched anonymousId of %s to %s', async (path, location) => {
    const result = await get(path, 'limit=3');
    expect(result.status).toBe(307);
    expect(result.headers.location).toBe(location);
    expect(result.body).toMatchObject({ error: { code: 'stitched', userId: 'alice' } });
  });

  it('stops a filtered page at its read units and resumes where it stopped, to the end of a long history', async () => {
    const stored = storedUser('sparse', sparse());
    table.put(stored.head, ...stored.items);
    const numbers: number[] = [];
    const scanned: number[] = [];
    const queried: number[] = [];
    let cursor: string | undefined;
    do {
      const itemsBefore = table.queriedItems;
      const queriesBefore = ddb.commandCalls(QueryCommand).length;
      const result = await get(
        '/users/sparse/sessions',
        query({ campaignSource: 'late', order: 'asc', ...(cursor !== undefined && { cursor }) }),
      );
      const page = result.body as { sessions: { sessionNumber: number }[]; nextCursor: string | null };
      scanned.push(table.queriedItems - itemsBefore);
      queried.push(ddb.commandCalls(QueryCommand).length - queriesBefore);
      numbers.push(...page.sessions.map((session) => session.sessionNumber));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(numbers).toEqual([251, 252, 253, 254, 255, 256, 257, 258, 259, 260]);
    // 260 day items of ~300 bytes: no page reads more than its four read units' worth (16 KB), so the walk
    // takes several pages, each ending at a whole day with a cursor past it.
    expect(scanned.length).toBeGreaterThan(4);
    expect(Math.max(...scanned)).toBeLessThanOrEqual((16 * 1024) / 250);
    expect(scanned.reduce((sum, items) => sum + items, 0)).toBeLessThan(260 + 2 * scanned.length);
    expect(Math.max(...queried)).toBeLessThanOrEqual(4);
  });

  it('sizes a list query’s next page by the sessions still missing, not by the first guess', async () => {
    // 30 days of one session, then 30 days of three: the average (2 a day) over-guesses the first days.
    const uneven = Array.from({ length: 120 }, (_, k) => {
      const day = k < 30 ? k : 30 + Math.floor((k - 30) / 3);
      const slot = k < 30 ? 0 : (k - 30) % 3;
      return record({
        id: `m:uneven-${k}`,
        userId: 'uneven',
        timestamp: T0 + day * DAY + slot * 3 * 60 * MINUTE,
      });
    });
    const stored = storedUser('uneven', uneven);
    table.put(stored.head, ...stored.items);
    await expectSameAsReference('/users/uneven/sessions', 'order=asc', [...ALL_EVENTS, ...uneven]);
    const limits = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input.Limit);
    // 21 sessions wanted at 2 a day: 12 day items. The 11 complete days hold 11 sessions, so 10 more are
    // wanted: 6 items, raised to the 8 a read unit pays for anyway; 19 then, so 2 more: 8 again.
    expect(limits).toEqual([12, 8, 8]);
  });

  describe('reads that meet a newer version', () => {
    /** alice again under version 2, one session longer: every day of hers is rewritten. */
    const version2 = () =>
      storedUser(
        'alice',
        [...alice(), record({ id: 'm:v2', userId: 'alice', timestamp: T0 + 40 * 90 * MINUTE })],
        {
          version: 2,
          stitchedSample: ['anon-1'],
        },
      );

    it('lists under the fresh head when a commit lands between the head read and the query', async () => {
      const next = version2();
      table.put(...next.items);
      table.afterGet = () => {
        table.afterGet = undefined;
        table.put(next.head);
      };
      const result = await get('/users/alice/sessions', 'limit=2');
      expect(result.status).toBe(200);
      const sessions = (result.body as { sessions: { sessionNumber: number }[] }).sessions;
      expect(sessions.map((session) => session.sessionNumber)).toEqual([41, 40]);
      expect(headReads()).toBe(3);
    });

    it('never shows the items of a write that has not committed', async () => {
      table.put(...version2().items);
      const result = await get('/users/alice/sessions', 'limit=2');
      const sessions = (result.body as { sessions: { sessionNumber: number }[] }).sessions;
      expect(sessions.map((session) => session.sessionNumber)).toEqual([40, 39]);
      // It looked again, found the same version, and served what is committed.
      expect(headReads()).toBe(2);
      expect((await get('/users/alice/sessions/20240202T210000000Z')).status).toBe(404);
    });

    it('finds a session only the newer version holds once that version commits', async () => {
      const next = version2();
      table.put(...next.items);
      table.afterGet = () => {
        table.afterGet = undefined;
        table.put(next.head);
      };
      const result = await get('/users/alice/sessions/20240202T210000000Z');
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ sessionNumber: 41, events: [{ id: 'm:v2' }] });
    });

    it('reads a session again when a newer commit has collected the chunks its version named', async () => {
      const old = storedUser('chunky', chunky(), { pageLimitBytes: 300 });
      const next = storedUser('chunky', chunky(61), { version: 2, pageLimitBytes: 300 });
      // The newer commit stored its items and collected the old chunks; the reader still holds the old head.
      table.put(...next.items);
      table.delete(...old.items.filter((item) => item.sk?.S?.startsWith('E#')));
      table.afterGet = () => {
        table.afterGet = undefined;
        table.put(next.head);
      };
      const result = await get('/users/chunky/sessions/20240131T090000000Z');
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ eventCount: 61, lastEvent: 'Step 60' });
    });
  });

  it('answers a generic 500 when DynamoDB fails, logging the details with the request id', async () => {
    const failure = Object.assign(new Error('User: arn:aws:sts::123:assumed-role/api is not authorized'), {
      name: 'AccessDeniedException',
    });
    ddb.on(GetItemCommand).rejects(failure);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    let raw: APIGatewayProxyStructuredResultV2;
    try {
      const context = { awsRequestId: 'req-42', functionName: 'api' } as Context;
      const event = gatewayEvent('GET', '/users/alice', { headers: { origin: 'https://app.example' } });
      raw = await entry(event, context);
    } finally {
      spy.mockRestore();
    }
    expect(raw.statusCode).toBe(500);
    expect(JSON.parse(raw.body ?? '')).toEqual({
      error: { code: 'internal_error', message: 'Internal error' },
    });
    expect(raw.body).not.toContain('arn:');
    expect(raw.headers?.['access-control-allow-origin']).toBe('https://app.example');
    const logged = writes.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'API request failed',
        function_request_id: 'req-42',
        rawPath: '/users/alice',
        error: expect.objectContaining({ name: 'AccessDeniedException', message: failure.message }),
      }),
    );
  });

  it('fails the cold start on a bad environment, naming the variable', async () => {
    vi.stubEnv('API_PATHS_DECODED', 'yes');
    vi.resetModules();
    try {
      await expect(import('../../../functions/api/handler.js')).rejects.toThrowError(
        /API_PATHS_DECODED must be true or false/,
      );
    } finally {
      vi.stubEnv('API_PATHS_DECODED', 'true');
    }
  });
});
