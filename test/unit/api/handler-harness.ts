// The Lambda entry (handler.ts: config, logger, shared client) over the real DynamoDbSessionReader, with the
// DynamoDB client mocked by an in-memory table holding items encoded exactly as the writer encodes them; for
// the handler's test files.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, expect, vi } from 'vitest';
import { type ApiHandler, createApiHandler } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { record } from '../../helpers/event-arbitraries.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { MockTable } from '../../helpers/mock-table.js';
import { storedUser } from '../../helpers/stored-items.js';
import { stubApiEnvironment, TABLE } from './api-environment.js';
import { type CallResult, gatewayEvent, send, TEST_SIGNING_KEY } from './api-event.js';
import { campaignHistory } from './lookup-fixture.js';

export const MINUTE = 60_000;
/** 40 sessions from 31 January 09:00, 90 minutes apart: 10 in January, 30 in February. */
export const T0 = Date.UTC(2024, 0, 31, 9, 0, 0);

export const SLASHED = 'acme/100% ü 😀';
export const QUESTION = 'who?';
export const LONGEST = 'é'.repeat(256);

export const alice = () => campaignHistory('alice', 40, T0);
/** One session of 60 events a minute apart, stored with a small page limit so its events go to chunks. */
export const chunky = (count = 60) =>
  Array.from({ length: count }, (_, index) =>
    record({
      id: `m:chunky-${index}`,
      userId: 'chunky',
      timestamp: T0 + index * MINUTE,
      name: `Step ${index}`,
    }),
  );

type Entry = (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export const ddb = mockClient(DynamoDBClient);
let table: MockTable | undefined;
let entry: Entry | undefined;

const started = <T>(value: T | undefined): T => {
  if (value === undefined)
    throw new Error('the handler loads in beforeAll and the table is stored in beforeEach');
  return value;
};
const lambda: ApiHandler = (event) => started(entry)(event);

/** The same requests answered from the fake reader: what the real reader's answers must equal. */
export function referenceApp(events: readonly EventRecord[]): ApiHandler {
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

export const ALL_EVENTS = [
  ...alice(),
  ...chunky(),
  ...eventsForSessions(SLASHED, 3, T0),
  ...eventsForSessions(QUESTION, 2, T0),
  ...eventsForSessions(LONGEST, 2, T0),
  ...eventsForSessions('brief', 1, T0),
];

function storeDefaultUsers(into: MockTable): void {
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
    into.put(stored.head, ...stored.items);
  }
}

export const get = (path: string, rawQuery = '') =>
  send(lambda, gatewayEvent('GET', path, { query: rawQuery }));

export async function expectSameAsReference(
  path: string,
  rawQuery = '',
  events = ALL_EVENTS,
): Promise<CallResult> {
  const result = await get(path, rawQuery);
  const expected = await send(referenceApp(events), gatewayEvent('GET', path, { query: rawQuery }));
  expect(result.status, JSON.stringify(result.body)).toBe(expected.status);
  expect(result.body).toEqual(expected.body);
  return result;
}

export interface MockedTable {
  /** This test's table, holding the default users (alice, chunky, the odd ids, brief, anon-1). */
  readonly table: MockTable;
  /** The Lambda entry, loaded under the test environment. */
  readonly entry: Entry;
}

/**
 * Loads the handler under a test environment before the file's tests (restoring the environment after them),
 * and before each test resets the mocked client and serves it a fresh table holding the default users.
 */
export function useMockedTable(): MockedTable {
  beforeAll(async () => {
    stubApiEnvironment({
      CURSOR_SIGNING_KEY: TEST_SIGNING_KEY,
      CORS_ALLOWED_ORIGINS: 'https://app.example',
      API_PATHS_DECODED: 'true',
    });
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
    storeDefaultUsers(table);
  });

  return {
    get table() {
      return started(table);
    },
    get entry() {
      return started(entry);
    },
  };
}
