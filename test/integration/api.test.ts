// The lookup API end to end over DynamoDB Local: sessions written by the store's own writer, read back through
// the API handler and the real reader, as API Gateway delivers requests (decoded paths).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiHandler } from '../../functions/api/app.js';
import { messageIdOf } from '../../functions/domain/events/event.js';
import { formatTimestamp } from '../../functions/domain/rules/timestamp.js';
import { compareEvents } from '../../functions/domain/sessions/order.js';
import type { SessionSummary } from '../../functions/domain/sessions/summary.js';
import { toSessionView } from '../../functions/domain/views/session-view.js';
import { referenceSessions } from '../helpers/event-arbitraries.js';
import { eventsForSessions } from '../helpers/fake-session-reader.js';
import { storedUser } from '../helpers/stored-items.js';
import { useLocalDynamoDb } from '../helpers/use-local-dynamodb.js';
import {
  b64Id,
  type CallResult,
  decodedUserPath,
  gatewayEvent,
  query,
  send,
  TEST_SIGNING_KEY,
} from '../unit/api/api-event.js';
import { campaignHistory, SESSION_SPACING_MS, T0 } from '../unit/api/lookup-fixture.js';
import { expectDocumented } from '../unit/api/openapi-validator.js';
import { freshStore, ingest, lookupApiOn, type StoreUnderTest } from './store/store-harness.js';

const MANY = 'many-sessions';
const MANY_COUNT = 300;
/** Ids that need care in a path; the last two only reach the function in the ~b64. form behind API Gateway. */
const ODD_USERS = ['a#b/c+d%e f', 'ü😀 ünïcödé', '%2F%25+ +', 'é'.repeat(256), '?&=;,', 'x/sessions'];
const pathId = (userId: string) =>
  userId.includes('?') || userId.endsWith('/sessions') ? b64Id(userId) : userId;
const MAX_READ_UNITS_PER_PAGE = 5;

const dynamo = useLocalDynamoDb();
let store: StoreUnderTest;
let handler: ApiHandler;
const manyEvents = campaignHistory(MANY, MANY_COUNT, T0);
let expected: SessionSummary[];

interface PageJson {
  userId: string;
  sessions: Record<string, unknown>[];
  nextCursor: string | null;
}

const get = (path: string, rawQuery = '') => send(handler, gatewayEvent('GET', path, { query: rawQuery }));

/** Every page of a walk, following nextCursor with the same parameters. */
async function walk(userId: string, params: Record<string, string | number | boolean>): Promise<PageJson[]> {
  const pages: PageJson[] = [];
  let cursor: string | undefined;
  do {
    const result = await get(`${decodedUserPath(pathId(userId))}/sessions`, query({ ...params, cursor }));
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const page = result.body as PageJson;
    expect(page.userId).toBe(userId);
    pages.push(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

/** The events of one of MANY's sessions in session order (its sessions are minutes long, 90 minutes apart). */
const eventsOf = (session: SessionSummary) =>
  manyEvents
    .filter((event) => event.timestamp >= session.startedAt && event.timestamp <= session.endedAt)
    .sort(compareEvents);

/** The views the API must show: the batch sessions (rule 6), as JSON. */
const views = (sessions: readonly SessionSummary[]) =>
  JSON.parse(JSON.stringify(sessions.map(toSessionView)));

beforeAll(async () => {
  store = await freshStore(dynamo.client);
  await ingest(store, [...manyEvents, ...ODD_USERS.flatMap((userId) => eventsForSessions(userId, 4, T0))]);
  // The writer does not store links yet: this head is what a stitching merge commits for an anonymousId.
  const link = { userId: MANY, timestamp: T0, eventId: 'm:login', canonical: '{}' };
  await store.transport.put(storedUser('anon-1', [], { link }).head);
  expected = referenceSessions(manyEvents, store.rules);
  handler = lookupApiOn(store);
});

describe('lookup API over DynamoDB Local', () => {
  it.each(['asc', 'desc'] as const)(
    'walks all %s sessions of a long history exactly once, 37 a page',
    async (order) => {
      const pages = await walk(MANY, { order, limit: 37 });
      expect(pages).toHaveLength(Math.ceil(MANY_COUNT / 37));
      expect(pages.slice(0, -1).every((page) => page.sessions.length === 37)).toBe(true);
      const inOrder = order === 'asc' ? expected : [...expected].reverse();
      expect(pages.flatMap((page) => page.sessions)).toEqual(views(inOrder));
    },
  );

  it.each(['asc', 'desc'] as const)(
    'walks a from/to window in %s order, numbered in the whole history',
    async (order) => {
      const from = new Date(T0 + 123 * SESSION_SPACING_MS).toISOString();
      // An offset, and a bound between two starts.
      const to = new Date(T0 + 276 * SESSION_SPACING_MS + 1).toISOString().replace('Z', '+00:00');
      const seen = (await walk(MANY, { order, limit: 25, from, to })).flatMap((page) => page.sessions);
      const window = expected.slice(123, 277);
      expect(seen).toEqual(views(order === 'asc' ? window : [...window].reverse()));
      expect(seen[0]?.sessionNumber).toBe(order === 'asc' ? 124 : 277);
    },
  );

  it.each([
    [{ bounce: true }, (session: SessionSummary) => session.bounce],
    [
      { campaignSource: 'newsletter', bounce: false },
      (s: SessionSummary) => !s.bounce && s.campaign?.source === 'newsletter',
    ],
  ])('filters %o across pages', async (filter, matches) => {
    const seen = (await walk(MANY, { ...filter, order: 'asc', limit: 9 })).flatMap((page) => page.sessions);
    const matching = expected.filter(matches);
    expect(matching.length).toBeGreaterThan(9);
    expect(seen).toEqual(views(matching));
  });

  it('serves the summary of the long history', async () => {
    const result = await get(decodedUserPath(MANY));
    expect(result.body).toEqual({
      userId: MANY,
      sessionCount: MANY_COUNT,
      eventCount: manyEvents.length,
      firstSeenAt: '2024-01-01T09:00:00.000Z',
      lastSeenAt: formatTimestamp(Math.max(...manyEvents.map((event) => event.timestamp))),
      anonymousIds: { count: 0, items: [] },
      stitchedTo: null,
    });
    expectDocumented('/users/{userId}', result);
  });

  it('serves a session’s events in order with their page fields', async () => {
    const target = expected[150] as SessionSummary;
    const result = await get(`${decodedUserPath(MANY)}/sessions/${target.sessionId}`);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      ...views([target])[0],
      events: eventsOf(target).map((event) => ({
        id: event.id,
        messageId: messageIdOf(event),
        type: event.type,
        timestamp: formatTimestamp(event.timestamp),
        name: event.name,
        url: event.page?.url ?? null,
        path: event.page?.path ?? null,
        title: event.page?.title ?? null,
        anonymousId: event.anonymousId,
      })),
      nextCursor: null,
    });
    expect(result.body).toMatchObject({ sessionNumber: 151 });
    expectDocumented('/users/{userId}/sessions/{sessionId}', result);
  });

  const firstPageReadUnits = new Map<string, number>();

  it.each(['desc', 'asc'] as const)(
    'serves the first %s page of a long history, counting its reads',
    async (order) => {
      const before = store.transport.usage.readUnits;
      const result = await get(`${decodedUserPath(MANY)}/sessions`, `order=${order}`);
      firstPageReadUnits.set(order, store.transport.usage.readUnits - before);
      expect((result.body as PageJson).sessions).toHaveLength(20);
      expectDocumented('/users/{userId}/sessions', result);
      expect(firstPageReadUnits.get(order)).toBeGreaterThan(0);
    },
  );

  // The reader sizes its first Query by the user's sessions per day (16 here), so a dense history reads a
  // page's days, not 20 of them.
  it.each(['desc', 'asc'] as const)(
    `reads at most ${MAX_READ_UNITS_PER_PAGE} units for the first %s page of a long history`,
    (order) => {
      expect(firstPageReadUnits.get(order)).toBeLessThanOrEqual(MAX_READ_UNITS_PER_PAGE);
    },
  );

  it.each(ODD_USERS.map((userId) => [userId]))(
    'round-trips the user id %j on every route',
    async (userId) => {
      const path = decodedUserPath(pathId(userId));
      const summary = await get(path);
      expect(summary.body).toMatchObject({ userId, sessionCount: 4 });
      const sessions = (await walk(userId, { limit: 3, order: 'asc' })).flatMap((page) => page.sessions);
      expect(sessions.map((session) => [session.userId, session.sessionNumber])).toEqual([
        [userId, 1],
        [userId, 2],
        [userId, 3],
        [userId, 4],
      ]);
      const session = await get(`${path}/sessions/${sessions[1]?.sessionId}`);
      expect(session.body).toMatchObject({ userId, sessionNumber: 2 });
    },
  );

  it('redirects a stitched anonymousId to its user, and the Location leads there', async () => {
    const redirect = await get(`${decodedUserPath('anon-1')}/sessions`, 'limit=2');
    expect(redirect.status).toBe(307);
    expectDocumented('/users/{userId}/sessions', redirect);
    const [path = '', rawQuery = ''] = (redirect.headers.location ?? '').split('?');
    const followed = await get(decodeURIComponent(path), rawQuery);
    expect(followed.body).toMatchObject({
      userId: MANY,
      sessions: [{ sessionNumber: 300 }, { sessionNumber: 299 }],
    });
  });

  it('keeps users apart: a cursor of one user is refused for another', async () => {
    const first = await get(`${decodedUserPath(MANY)}/sessions`, 'limit=5');
    const cursor = (first.body as PageJson).nextCursor ?? '';
    const other = await get(
      `${decodedUserPath(ODD_USERS[0] as string)}/sessions`,
      query({ limit: 5, cursor }),
    );
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ error: { parameter: 'cursor' } });
  });

  it('answers 404 for unknown users and sessions', async () => {
    const results: CallResult[] = [
      await get(decodedUserPath('nobody')),
      await get(`${decodedUserPath('nobody')}/sessions`),
      await get(`${decodedUserPath(MANY)}/sessions/20240101T090000001Z`),
      // A prefix of an existing id is another user, not a partial match.
      await get(decodedUserPath('a#b')),
    ];
    expect(results.map((result) => result.status)).toEqual([404, 404, 404, 404]);
  });

  it('serves the same through the Lambda entry, configured from its environment', async () => {
    vi.stubEnv('TABLE_NAME', store.tableName);
    vi.stubEnv('CURSOR_SIGNING_KEY', TEST_SIGNING_KEY);
    vi.stubEnv('API_PATHS_DECODED', 'true');
    vi.stubEnv('DYNAMODB_ENDPOINT', dynamo.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    try {
      vi.resetModules();
      const entry = await import('../../functions/api/handler.js');
      const lambda = (event: APIGatewayProxyEventV2) =>
        entry.handler(event) as Promise<APIGatewayProxyStructuredResultV2>;
      const path = `${decodedUserPath(ODD_USERS[0] as string)}/sessions`;
      const viaEntry = await send(lambda, gatewayEvent('GET', path, { query: 'order=asc' }));
      expect(viaEntry.body).toEqual((await get(path, 'order=asc')).body);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
