import { createHash } from 'node:crypto';
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSessionTable,
  DynamoDbSessionStore,
  type DynamoDbSessionStoreOptions,
} from '../../functions/adapters/dynamodb-session-store.js';
import { userPartitionKey } from '../../functions/adapters/session-items.js';
import type { EventRecord } from '../../functions/domain/event.js';
import type { StoredSession } from '../../functions/domain/session-store.js';
import { sessionize } from '../../functions/domain/sessionize.js';
import {
  deliveryArbitrary,
  eventRecordsArbitrary,
  groupByUser,
  MINUTE,
} from '../helpers/event-arbitraries.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../helpers/local-servers.js';

const GAP = 30 * MINUTE;
let dynamo: LocalDynamoDb;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
});

afterAll(async () => {
  await dynamo?.stop();
});

async function freshStore(
  overrides: Partial<DynamoDbSessionStoreOptions> & { client?: DynamoDBClient } = {},
): Promise<{ store: DynamoDbSessionStore; tableName: string }> {
  const tableName = `sessions-${++tableCount}`;
  await createSessionTable(dynamo.client, tableName);
  const store = new DynamoDbSessionStore({
    client: dynamo.client,
    tableName,
    gapMs: GAP,
    baseDelayMs: 2,
    ...overrides,
  });
  return { store, tableName };
}

async function ingestFile(store: DynamoDbSessionStore, events: readonly EventRecord[]): Promise<void> {
  await Promise.all(
    [...groupByUser(events)].map(([userId, userEvents]) => store.mergeUserEvents(userId, userEvents)),
  );
}

async function allSessions(store: DynamoDbSessionStore, userId: string, order: 'asc' | 'desc' = 'asc') {
  const sessions: StoredSession[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await store.listSessions({ userId, order, limit: 7, ...(after !== undefined && { after }) });
    sessions.push(...page.sessions);
    if (!page.hasMore) return sessions;
    after = page.sessions[page.sessions.length - 1]?.startedAt;
  }
}

/** The stored state as comparable rows, read back only through the public read API. */
async function storedRows(store: DynamoDbSessionStore, userIds: Iterable<string>) {
  const rows = [];
  for (const userId of [...new Set(userIds)].sort()) {
    for (const session of await allSessions(store, userId)) {
      rows.push({
        userId,
        sessionNumber: session.sessionNumber,
        startedAt: session.startedAt,
        endedAt: session.endedAt,
        eventCount: session.eventCount,
      });
    }
  }
  return rows;
}

function batchRows(events: readonly EventRecord[]) {
  return sessionize(events, GAP).map(({ userId, sessionNumber, startedAt, endedAt, eventCount }) => ({
    userId,
    sessionNumber,
    startedAt,
    endedAt,
    eventCount,
  }));
}

function event(id: string, userId: string, minute: number): EventRecord {
  return {
    id,
    userId,
    timestamp: Date.UTC(2024, 0, 1, 9) + minute * MINUTE,
    type: 'track',
    name: `e-${id}`,
    hasMessageId: true,
  };
}

/** Fails chosen requests before they reach DynamoDB, the way a throttled or dying client would. */
function injectFaults(client: DynamoDBClient, fault: (commandName: string) => Error | undefined): () => void {
  const name = `fault-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const error = fault(context.commandName ?? '');
      if (error !== undefined) throw error;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}

function awsError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

describe('DynamoDbSessionStore', () => {
  it('converges to the batch result for any split, arrival order, redelivery and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventRecordsArbitrary({ maxEvents: 40 }).chain((events) =>
          fc.tuple(fc.constant(events), deliveryArbitrary(events, 4), fc.integer({ min: 1, max: 3 })),
        ),
        async ([events, delivery, concurrency]) => {
          const { store } = await freshStore();
          // Deliveries run in waves of `concurrency` files at once, like parallel Lambda invocations.
          for (let start = 0; start < delivery.order.length; start += concurrency) {
            const wave = delivery.order.slice(start, start + concurrency);
            await Promise.all(wave.map((fileIndex) => ingestFile(store, delivery.files[fileIndex] ?? [])));
          }
          const expected = batchRows(events);
          expect(
            await storedRows(
              store,
              events.map((e) => e.userId),
            ),
          ).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('loses nothing when many writers merge the same user at once', async () => {
    const { store } = await freshStore();
    const events = Array.from({ length: 120 }, (_, index) =>
      event(`c-${index}`, 'hot-user', (index * 7) % 400),
    );
    const files = Array.from({ length: 8 }, (_, file) => events.filter((_, index) => index % 8 === file));

    const results = await Promise.all(files.map((file) => store.mergeUserEvents('hot-user', file)));

    expect(results.every((result) => result.attempts >= 1)).toBe(true);
    expect(await storedRows(store, ['hot-user'])).toEqual(batchRows(events));
  });

  it('joins stored sessions when a late event bridges them, and moves a start earlier', async () => {
    const { store } = await freshStore();
    await store.mergeUserEvents('u', [event('a', 'u', 0), event('c', 'u', 50)]);
    expect(await allSessions(store, 'u')).toHaveLength(2);

    await store.mergeUserEvents('u', [event('b', 'u', 25)]);
    await store.mergeUserEvents('u', [event('z', 'u', -20)]);

    const [session, ...rest] = await allSessions(store, 'u');
    expect(rest).toEqual([]);
    expect(session).toMatchObject({
      startedAt: event('z', 'u', -20).timestamp,
      eventCount: 4,
      firstEvent: 'e-z',
      lastEvent: 'e-c',
    });
  });

  it('extends a session that started days before the new events', async () => {
    const { store } = await freshStore();
    // One session of events 20 minutes apart over three days, stored in the day it started.
    const long = Array.from({ length: 216 }, (_, index) => event(`l-${index}`, 'marathon', index * 20));
    await store.mergeUserEvents('marathon', long);
    const tail = event('tail', 'marathon', 215 * 20 + 25);
    const head = event('head', 'marathon', -29);

    await store.mergeUserEvents('marathon', [tail]);
    await store.mergeUserEvents('marathon', [head]);

    expect(await storedRows(store, ['marathon'])).toEqual(batchRows([...long, tail, head]));
    expect(await allSessions(store, 'marathon')).toHaveLength(1);
  });

  it('counts a redelivered file once and writes nothing for it', async () => {
    const { store } = await freshStore();
    const file = [event('a', 'u', 0), event('b', 'u', 5), event('c', 'v', 5)];
    await ingestFile(store, file);
    const unitsAfterFirst = store.usage.writeUnits;

    const again = await store.mergeUserEvents('u', file.slice(0, 2));

    expect(again.newEvents).toBe(0);
    expect(store.usage.writeUnits).toBe(unitsAfterFirst);
    expect(await store.getUserSummary('u')).toMatchObject({ sessionCount: 1, eventCount: 2 });
  });

  it('retries throttling and unprocessed batch items with backoff', async () => {
    const { store } = await freshStore({ inlineLimitBytes: 400 });
    let calls = 0;
    const remove = injectFaults(dynamo.client, () =>
      ++calls % 3 === 0
        ? awsError(calls % 2 === 0 ? 'ProvisionedThroughputExceededException' : 'ThrottlingException')
        : undefined,
    );
    let unprocessedOnce = true;
    const removeUnprocessed = (() => {
      const name = 'unprocessed';
      dynamo.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'BatchWriteItemCommand' && unprocessedOnce) {
            unprocessedOnce = false;
            const input = args.input as { RequestItems: Record<string, unknown[]> };
            return { output: { UnprocessedItems: input.RequestItems, $metadata: {} }, response: {} } as never;
          }
          return next(args);
        },
        { step: 'initialize', name },
      );
      return () => dynamo.client.middlewareStack.remove(name);
    })();
    const events = Array.from({ length: 200 }, (_, index) => event(`t-${index}`, 'u', index));
    try {
      await store.mergeUserEvents('u', events);
    } finally {
      remove();
      removeUnprocessed();
    }
    expect(unprocessedOnce).toBe(false);
    expect(await storedRows(store, ['u'])).toEqual(batchRows(events));
  });

  it('converges when a merge dies midway and the same file is processed again', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventRecordsArbitrary({ maxEvents: 40, users: 2 }).chain((events) =>
          fc.tuple(fc.constant(events), deliveryArbitrary(events, 3), fc.integer({ min: 1, max: 12 })),
        ),
        async ([events, delivery, crashAfterWrites]) => {
          const { store } = await freshStore({ inlineLimitBytes: 300 });
          const [crashing, ...others] = delivery.order;
          for (const fileIndex of others) await ingestFile(store, delivery.files[fileIndex] ?? []);
          let writes = 0;
          const remove = injectFaults(dynamo.client, (command) =>
            /Put|Delete|BatchWrite/.test(command) && ++writes > crashAfterWrites
              ? awsError('ProcessCrashed')
              : undefined,
          );
          try {
            await ingestFile(store, delivery.files[crashing ?? 0] ?? []).catch(() => undefined);
          } finally {
            remove();
          }
          await ingestFile(store, delivery.files[crashing ?? 0] ?? []);
          const delivered = delivery.order.flatMap((fileIndex) => delivery.files[fileIndex] ?? []);
          expect(
            await storedRows(
              store,
              events.map((e) => e.userId),
            ),
          ).toEqual(batchRows(delivered));
        },
      ),
      { numRuns: 20 },
    );
  });

  it('keeps items under 400 KB by splitting a huge day into parts, and drops replaced parts', async () => {
    const { store, tableName } = await freshStore();
    // One session of 60k events a second apart with UUID-like ids: ~1 MB of compressed events in one day.
    const events = Array.from({ length: 60_000 }, (_, index) => ({
      ...event(createHash('sha256').update(String(index)).digest('hex').slice(0, 32), 'bot', 0),
      timestamp: Date.UTC(2024, 0, 1, 1) + index * 1_000,
    }));
    await store.mergeUserEvents('bot', events);
    await store.mergeUserEvents('bot', [event('late', 'bot', 0)]);

    const page = await store.listSessions({ userId: 'bot', order: 'asc', limit: 10 });
    expect(page.sessions.map((s) => s.eventCount)).toEqual([60_001]);
    const timeline = await store.getSession('bot', page.sessions[0]?.sessionId ?? '');
    expect(timeline?.events).toHaveLength(60_001);
    const parts = await dynamo.client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :part)',
        ExpressionAttributeValues: { ':pk': { S: userPartitionKey('bot') }, ':part': { S: 'PART#' } },
      }),
    );
    const referenced = parts.Items ?? [];
    expect(referenced.length).toBeGreaterThan(1);
    expect(new Set(referenced.map((item) => item.sk?.S?.split('#')[2])).size).toBe(1);
  });

  it('serves one session with its ordered timeline and a user summary', async () => {
    const { store } = await freshStore();
    const userId = 'we#ird/ü ser+%';
    await store.mergeUserEvents(userId, [
      event('b', userId, 3),
      event('a', userId, 3),
      event('c', userId, 100),
    ]);

    const [first, second] = await allSessions(store, userId);
    const timeline = await store.getSession(userId, first?.sessionId ?? '');

    expect(timeline?.events.map((e) => e.id)).toEqual(['a', 'b']);
    expect(timeline?.session).toEqual(first);
    expect(second?.sessionNumber).toBe(2);
    expect(await store.getUserSummary(userId)).toEqual({
      userId,
      sessionCount: 2,
      eventCount: 3,
      firstSeenAt: event('a', userId, 3).timestamp,
      lastSeenAt: event('c', userId, 100).timestamp,
    });
    expect(await store.getUserSummary('nobody')).toBeUndefined();
    expect(await store.getSession(userId, '20240101T000000000Z')).toBeUndefined();
    expect(await store.getSession(userId, 'not-a-session')).toBeUndefined();
  });

  it('pages through sessions in both orders with from/to filters', async () => {
    const { store } = await freshStore();
    const events = Array.from({ length: 90 }, (_, index) => event(`p-${index}`, 'pager', index * 61 * 10));
    await store.mergeUserEvents('pager', events);
    const expected = batchRows(events);

    const ascending = await allSessions(store, 'pager', 'asc');
    const descending = await allSessions(store, 'pager', 'desc');

    expect(ascending.map((s) => s.sessionNumber)).toEqual(expected.map((s) => s.sessionNumber));
    expect(descending.map((s) => s.startedAt)).toEqual(expected.map((s) => s.startedAt).reverse());
    const from = expected[10]?.startedAt ?? 0;
    const to = expected[20]?.startedAt ?? 0;
    const filtered = await store.listSessions({ userId: 'pager', order: 'asc', limit: 100, from, to });
    expect(filtered.sessions.map((s) => s.sessionNumber)).toEqual(
      expected.slice(10, 21).map((s) => s.sessionNumber),
    );
  });
});
