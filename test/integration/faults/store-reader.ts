// What the stack serves, read as a user of the lookup API reads it: every page of every user's sessions,
// and every session with its events. The users are those the batch expects plus every user the table
// holds a head for (the API has no route that lists users), so events stored under a user nobody
// expected are found too.
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { HEAD_SK, userOfPk } from '../../../functions/adapters/dynamodb/keys.js';
import { MAX_LIMIT } from '../../../functions/api/query-params.js';
import type { SessionView } from '../../../functions/domain/views/session-view.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE } from '../../../local/s3-client.js';
import type { SeededRandom } from './seeded-random.js';

export interface StoredSession {
  /** As the session list shows it. */
  view: SessionView;
  /** As the session's own route shows it (must be the same). */
  detail: SessionView;
  /** Ids of its events, in the order served. */
  eventIds: string[];
}

export interface StoreEndpoints {
  apiUrl: string;
  dynamoDbEndpoint: string;
}

/** Users with a head item in the table. */
async function usersInTable(endpoint: string): Promise<string[]> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
  });
  try {
    const users: string[] = [];
    const pages = paginateScan(
      { client },
      {
        TableName: LOCAL_TABLE,
        FilterExpression: 'sk = :head',
        ExpressionAttributeValues: { ':head': { S: HEAD_SK } },
        ProjectionExpression: 'pk',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const user = userOfPk(item.pk?.S ?? '');
        if (user !== undefined) users.push(user);
      }
    }
    return users;
  } finally {
    client.destroy();
  }
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  const body = (await response.json()) as unknown;
  if (response.status !== 200 && response.status !== 404) {
    throw new Error(`GET ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return { status: response.status, body };
}

/** Every session of `userId`, oldest first, following nextCursor with pages of `limit`. */
async function listSessions(apiUrl: string, userId: string, limit: number): Promise<SessionView[]> {
  const sessions: SessionView[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ order: 'asc', limit: String(limit) });
    if (cursor !== null) query.set('cursor', cursor);
    const { status, body } = await getJson(`${apiUrl}/users/${encodeURIComponent(userId)}/sessions?${query}`);
    if (status === 404) return sessions;
    const page = body as { sessions: SessionView[]; nextCursor: string | null };
    sessions.push(...page.sessions);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return sessions;
}

type SessionBody = SessionView & { events: { id: string }[]; nextCursor: string | null };

/** A session by its own route, every page of its events. */
async function readSession(apiUrl: string, view: SessionView): Promise<StoredSession> {
  const url = `${apiUrl}/users/${encodeURIComponent(view.userId)}/sessions/${encodeURIComponent(view.sessionId)}`;
  const { status, body } = await getJson(url);
  if (status === 404) return { view, detail: view, eventIds: [] };
  const { events, nextCursor, ...detail } = body as SessionBody;
  const eventIds = events.map((event) => event.id);
  for (let cursor = nextCursor; cursor !== null; ) {
    const page = (await getJson(`${url}?cursor=${encodeURIComponent(cursor)}`)).body as SessionBody;
    for (const event of page.events) eventIds.push(event.id);
    cursor = page.nextCursor;
  }
  return { view, detail, eventIds };
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++)
      results[index] = await work(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

/**
 * Every stored session of the expected users and of every user in the table, with its events. Page sizes
 * are drawn from `random` so that cursors are followed across page boundaries.
 */
export async function readStore(
  endpoints: StoreEndpoints,
  expectedUsers: Iterable<string>,
  random: SeededRandom,
): Promise<Map<string, StoredSession[]>> {
  const users = [...new Set([...expectedUsers, ...(await usersInTable(endpoints.dynamoDbEndpoint))])].sort();
  const pagesOf = users.map((user) => ({ user, limit: random.pick([3, 10, 37, MAX_LIMIT]) }));
  const lists = await inParallel(pagesOf, 4, ({ user, limit }) =>
    listSessions(endpoints.apiUrl, user, limit),
  );
  const stored = new Map<string, StoredSession[]>();
  for (const [index, user] of users.entries()) {
    stored.set(user, await inParallel(lists[index] ?? [], 4, (view) => readSession(endpoints.apiUrl, view)));
  }
  return stored;
}
