// The lookup API end to end: the real Lambda entry (handler.ts, its config and shared client) over
// DynamoDB Local, with every session written by the store's own mergeUserEvents.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSessionTable, DynamoDbSessionStore } from '../../functions/adapters/dynamodb-session-store.js';
import type { ApiHandler } from '../../functions/api/app.js';
import type { EventRecord } from '../../functions/domain/event.js';
import { minutesToMs, sessionize } from '../../functions/domain/sessionize.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/s3-client.js';
import { eventsForSessions } from '../helpers/fake-session-reader.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../helpers/local-servers.js';
import { call, query, TEST_SIGNING_KEY, userPath } from '../unit/api/api-event.js';

const TABLE = 'api-sessions';
const GAP_MS = minutesToMs(30);
const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);
const SESSION_SPACING_MS = 90 * 60_000;
const MANY = 'many-sessions';
const MANY_COUNT = 1000;
const ODD_USERS = ['a#b/c+d%e f', 'ü😀 ünïcödé', '%2F%25+ +', ' x ', '?&=;,', `long-${'é'.repeat(600)}`];

let dynamo: LocalDynamoDb;
let handler: ApiHandler;

interface SessionJson {
  userId: string;
  sessionId: string;
  sessionNumber: number;
  startedAt: string;
  eventCount: number;
}

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
  await createSessionTable(dynamo.client, TABLE);
  const store = new DynamoDbSessionStore({ client: dynamo.client, tableName: TABLE, gapMs: GAP_MS });
  await store.mergeUserEvents(MANY, eventsForSessions(MANY, MANY_COUNT, T0));
  for (const userId of ODD_USERS) await store.mergeUserEvents(userId, eventsForSessions(userId, 4, T0));

  vi.stubEnv('TABLE_NAME', TABLE);
  vi.stubEnv('CURSOR_SIGNING_KEY', TEST_SIGNING_KEY);
  vi.stubEnv('DYNAMODB_ENDPOINT', dynamo.endpoint);
  vi.stubEnv('AWS_REGION', LOCAL_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.resetModules();
  const entry = await import('../../functions/api/handler.js');
  handler = (event: APIGatewayProxyEventV2) =>
    entry.handler(event) as Promise<APIGatewayProxyStructuredResultV2>;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamo?.stop();
});

async function walk(userId: string, params: Record<string, string | number>): Promise<SessionJson[][]> {
  const pages: SessionJson[][] = [];
  let cursor: string | undefined;
  do {
    const result = await call(handler, 'GET', userPath(userId, 'sessions'), {
      query: query({ ...params, cursor }),
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const body = result.body as { userId: string; sessions: SessionJson[]; nextCursor: string | null };
    expect(body.userId).toBe(userId);
    pages.push(body.sessions);
    cursor = body.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

describe('lookup API over DynamoDB Local', () => {
  const expected = sessionize(eventsForSessions(MANY, MANY_COUNT, T0), GAP_MS);

  it.each(['asc', 'desc'] as const)(
    'walks all %s of a user with 1,000 sessions exactly once, in order, 37 a page',
    async (order) => {
      const pages = await walk(MANY, { order, limit: 37 });
      expect(pages).toHaveLength(Math.ceil(MANY_COUNT / 37));
      expect(pages.slice(0, -1).every((page) => page.length === 37)).toBe(true);
      const seen = pages.flat();
      const inOrder = order === 'asc' ? expected : [...expected].reverse();
      expect(seen.map((session) => session.sessionId)).toEqual(inOrder.map((session) => session.sessionId));
      expect(seen.map((session) => session.sessionNumber)).toEqual(
        inOrder.map((session) => session.sessionNumber),
      );
      expect(new Set(seen.map((session) => session.sessionId)).size).toBe(MANY_COUNT);
    },
  );

  it.each(['asc', 'desc'] as const)('walks a from/to window in %s order exactly once', async (order) => {
    // Bounds on session starts (inclusive) and between them, with offsets.
    const from = new Date(T0 + 123 * SESSION_SPACING_MS).toISOString();
    const to = new Date(T0 + 876 * SESSION_SPACING_MS + 1).toISOString().replace('Z', '+00:00');
    const seen = (await walk(MANY, { order, limit: 37, from, to })).flat();
    const window = expected.slice(123, 877);
    const inOrder = order === 'asc' ? window : [...window].reverse();
    expect(seen.map((session) => session.sessionId)).toEqual(inOrder.map((session) => session.sessionId));
    expect(seen[0]?.sessionNumber).toBe(order === 'asc' ? 124 : 877);
  });

  it('serves the summary and a session timeline of the big user', async () => {
    const summary = await call(handler, 'GET', userPath(MANY));
    expect(summary.body).toEqual({
      userId: MANY,
      sessionCount: MANY_COUNT,
      eventCount: expected.reduce((sum, session) => sum + session.eventCount, 0),
      firstSeenAt: '2024-01-01T09:00:00.000Z',
      lastSeenAt: new Date((expected.at(-1) as { endedAt: number }).endedAt).toISOString(),
    });
    const target = expected[500] as (typeof expected)[number];
    const session = await call(handler, 'GET', userPath(MANY, 'sessions', target.sessionId));
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      sessionId: target.sessionId,
      sessionNumber: 501,
      eventCount: target.eventCount,
      events: target.events.map((event: EventRecord) => ({
        id: event.id,
        messageId: event.hasMessageId ? event.id : null,
        type: event.type,
        name: event.name,
        timestamp: new Date(event.timestamp).toISOString(),
      })),
    });
  });

  it.each(ODD_USERS.map((userId) => [userId]))(
    'round-trips the user id %j on every route',
    async (userId) => {
      const summary = await call(handler, 'GET', userPath(userId));
      expect(summary.status).toBe(200);
      expect(summary.body).toMatchObject({ userId, sessionCount: 4 });
      const pages = await walk(userId, { limit: 3, order: 'asc' });
      const sessions = pages.flat();
      expect(sessions.map((session) => session.userId)).toEqual([userId, userId, userId, userId]);
      const session = await call(
        handler,
        'GET',
        userPath(userId, 'sessions', sessions[1]?.sessionId as string),
      );
      expect(session.body).toMatchObject({ userId, sessionNumber: 2 });
    },
  );

  it('keeps users apart: a cursor of one user is refused for another', async () => {
    const first = await call(handler, 'GET', userPath(MANY, 'sessions'), { query: 'limit=5' });
    const cursor = (first.body as { nextCursor: string }).nextCursor;
    const other = await call(handler, 'GET', userPath(ODD_USERS[0] as string, 'sessions'), {
      query: query({ limit: 5, cursor }),
    });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ error: { parameter: 'cursor' } });
  });

  it('answers 404 for unknown users and sessions', async () => {
    expect((await call(handler, 'GET', userPath('nobody'))).status).toBe(404);
    expect((await call(handler, 'GET', userPath('nobody', 'sessions'))).status).toBe(404);
    expect((await call(handler, 'GET', userPath(MANY, 'sessions', '20240101T090000001Z'))).status).toBe(404);
    // A prefix of an existing id is another user, not a partial match.
    expect((await call(handler, 'GET', userPath('a#b'))).status).toBe(404);
  });
});
