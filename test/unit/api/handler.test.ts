import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeDay } from '../../../functions/adapters/session-items.js';
import type { ApiHandler } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/event.js';
import { dayOf } from '../../../functions/domain/merge-plan.js';
import { minutesToMs, type Session, sessionize } from '../../../functions/domain/sessionize.js';
import { eventsForSessions } from '../../helpers/fake-session-reader.js';
import { apiEvent, call, query, TEST_SIGNING_KEY, userPath } from './api-event.js';

const TABLE = 'sessions-table';
const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);
const ODD_USER = 'a#b/c+d%e f ü😀';
// Past the adapter's 1 KB readable-key limit, so its partition key is a hash.
const LONG_USER = `long-${'x'.repeat(1100)}`;

const ddb = mockClient(DynamoDBClient);
const table = new Map<string, Record<string, AttributeValue>>();

function storeItems(events: readonly EventRecord[]): void {
  const byUserDay = new Map<string, Session[]>();
  for (const session of sessionize(events, minutesToMs(30))) {
    const key = JSON.stringify([session.userId, dayOf(session.startedAt)]);
    byUserDay.set(key, [...(byUserDay.get(key) ?? []), session]);
  }
  for (const [key, sessions] of byUserDay) {
    const [userId, day] = JSON.parse(key) as [string, string];
    const { item, parts } = encodeDay(userId, day, 1, sessions);
    for (const stored of [item, ...parts]) table.set(`${stored.pk?.S}\u0000${stored.sk?.S}`, stored);
  }
}

/** Just enough of DynamoDB's Query for the adapter's key conditions: `pk = :pk AND sk BETWEEN :a AND :b`. */
function answerQuery(input: QueryCommandInput) {
  const match = /^pk = :pk AND sk BETWEEN (:\w+) AND (:\w+)$/.exec(input.KeyConditionExpression ?? '');
  if (match === null || input.TableName !== TABLE)
    throw new Error(`unexpected query ${JSON.stringify(input)}`);
  const values = input.ExpressionAttributeValues ?? {};
  const [pk, low, high] = [values[':pk']?.S, values[match[1] as string]?.S, values[match[2] as string]?.S];
  const start = input.ExclusiveStartKey?.sk?.S;
  const forward = input.ScanIndexForward !== false;
  let items = [...table.values()]
    .filter(
      (item) =>
        item.pk?.S === pk &&
        (item.sk?.S as string) >= (low as string) &&
        (item.sk?.S as string) <= (high as string),
    )
    .sort((a, b) => ((a.sk?.S as string) < (b.sk?.S as string) ? -1 : 1));
  if (!forward) items.reverse();
  if (start !== undefined)
    items = items.filter((item) =>
      forward ? (item.sk?.S as string) > start : (item.sk?.S as string) < start,
    );
  const limit = input.Limit ?? Number.POSITIVE_INFINITY;
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return {
    Items: page,
    ...(items.length > limit &&
      last !== undefined && {
        LastEvaluatedKey: { pk: last.pk, sk: last.sk } as Record<string, AttributeValue>,
      }),
  };
}

let handler: (event: APIGatewayProxyEventV2, context?: Context) => Promise<unknown>;
let apiHandler: ApiHandler;

beforeAll(async () => {
  vi.stubEnv('TABLE_NAME', TABLE);
  vi.stubEnv('CURSOR_SIGNING_KEY', TEST_SIGNING_KEY);
  vi.stubEnv('CORS_ALLOWED_ORIGINS', 'https://app.example');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('DYNAMODB_ENDPOINT', '');
  vi.stubEnv('POWERTOOLS_DEV', '');
  vi.resetModules();
  ({ handler } = await import('../../../functions/api/handler.js'));
  apiHandler = (event) => handler(event) as ReturnType<ApiHandler>;
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  ddb.reset();
  table.clear();
  storeItems([
    ...eventsForSessions('alice', 40, T0),
    ...eventsForSessions(ODD_USER, 3, T0),
    ...eventsForSessions(LONG_USER, 2, T0),
  ]);
  ddb.on(QueryCommand).callsFake(answerQuery);
  ddb.on(GetItemCommand).callsFake((input) => ({
    Item: table.get(`${input.Key?.pk?.S}\u0000${input.Key?.sk?.S}`),
  }));
});

describe('handler (DynamoDB adapter over a mocked client)', () => {
  it('serves the user summary from the stored day items', async () => {
    const result = await call(apiHandler, 'GET', userPath('alice'));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      userId: 'alice',
      sessionCount: 40,
      eventCount: 14 * 1 + 13 * 2 + 13 * 3,
      firstSeenAt: '2024-01-01T09:00:00.000Z',
      lastSeenAt: new Date(T0 + 39 * 90 * 60_000).toISOString(),
    });
    const queries = ddb.commandCalls(QueryCommand).map((entry) => entry.args[0].input);
    expect(queries.every((input) => input.TableName === TABLE)).toBe(true);
  });

  it('pages through sessions across day items in both orders with session numbers', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const numbers: number[] = [];
      let cursor: string | undefined;
      do {
        const result = await call(apiHandler, 'GET', userPath('alice', 'sessions'), {
          query: query({ order, limit: 7, cursor }),
        });
        expect(result.status).toBe(200);
        const body = result.body as {
          sessions: { sessionNumber: number; sessionId: string }[];
          nextCursor: string | null;
        };
        numbers.push(...body.sessions.map((session) => session.sessionNumber));
        cursor = body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      const expected = Array.from({ length: 40 }, (_, index) => index + 1);
      expect(numbers).toEqual(order === 'asc' ? expected : expected.reverse());
    }
  });

  it('serves a session with its timeline', async () => {
    const result = await call(apiHandler, 'GET', userPath('alice', 'sessions', '20240102T013000000Z'));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      userId: 'alice',
      sessionId: '20240102T013000000Z',
      sessionNumber: 12,
      eventCount: 3,
      durationSeconds: 120,
      firstEvent: 'Home',
      lastEvent: 'Checkout',
      events: [
        { id: 'alice-11-0', messageId: 'alice-11-0', type: 'page', timestamp: '2024-01-02T01:30:00.000Z' },
        { id: 'alice-11-1', messageId: null, type: 'page', name: null },
        { id: 'alice-11-2', type: 'track', name: 'Checkout', timestamp: '2024-01-02T01:32:00.000Z' },
      ],
    });
  });

  it.each([
    ['a user id that needs encoding', ODD_USER],
    ['a user id too long for a readable key', LONG_USER],
  ])('finds %s', async (_what, userId) => {
    const summary = await call(apiHandler, 'GET', userPath(userId));
    expect(summary.body).toMatchObject({ userId, sessionCount: expect.any(Number) });
    const list = await call(apiHandler, 'GET', userPath(userId, 'sessions'), { query: 'order=asc' });
    expect((list.body as { sessions: { userId: string }[] }).sessions[0]?.userId).toBe(userId);
    const session = await call(apiHandler, 'GET', userPath(userId, 'sessions', '20240101T090000000Z'));
    expect(session.status).toBe(200);
  });

  it.each([
    userPath('nobody'),
    userPath('nobody', 'sessions'),
    userPath('nobody', 'sessions', '20240101T090000000Z'),
    userPath('alice', 'sessions', '20240101T091500000Z'),
  ])('is 404 for %s', async (path) => {
    expect((await call(apiHandler, 'GET', path)).status).toBe(404);
  });

  it('answers a generic 500 when DynamoDB fails, logging the details with the request id', async () => {
    const failure = Object.assign(new Error('User: arn:aws:sts::123:assumed-role/api is not authorized'), {
      name: 'AccessDeniedException',
    });
    ddb.on(QueryCommand).rejects(failure);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const context = { awsRequestId: 'req-42', functionName: 'api' } as Context;
      const raw = (await handler(
        apiEvent('GET', userPath('alice'), {
          headers: { origin: 'https://app.example' },
        }),
        context,
      )) as { statusCode: number; body: string; headers: Record<string, string> };
      expect(raw.statusCode).toBe(500);
      expect(JSON.parse(raw.body)).toEqual({ error: { code: 'internal_error', message: 'Internal error' } });
      expect(raw.body).not.toContain('arn:');
      expect(raw.headers['access-control-allow-origin']).toBe('https://app.example');
    } finally {
      spy.mockRestore();
    }
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
    vi.stubEnv('CURSOR_SIGNING_KEY', 'too-short');
    vi.resetModules();
    try {
      await expect(import('../../../functions/api/handler.js')).rejects.toThrowError(
        /CURSOR_SIGNING_KEY must be at least 32 characters/,
      );
    } finally {
      vi.stubEnv('CURSOR_SIGNING_KEY', TEST_SIGNING_KEY);
    }
  });
});
