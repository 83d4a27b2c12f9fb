import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbSessionReader } from '../../../functions/adapters/dynamodb/session-reader.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { type ApiHandler, createApiHandler } from '../../../functions/api/app.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import {
  type CompiledRules,
  compileRules,
  type SessionRules,
} from '../../../functions/domain/rules/session-rules.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import { createSessionTable } from '../../../local/session-table.js';
import { collectEvents } from '../../helpers/collected-copies.js';
import { groupByUser } from '../../helpers/event-arbitraries.js';
import { TEST_SIGNING_KEY } from '../../unit/api/api-event.js';

export interface StoreUnderTest {
  readonly tableName: string;
  readonly transport: Transport;
  readonly writer: DynamoDbSessionWriter;
  readonly reader: DynamoDbSessionReader;
  readonly rules: CompiledRules;
}

let tables = 0;

export async function freshStore(
  client: DynamoDBClient,
  rules: Partial<SessionRules> = {},
  options: { pageLimitBytes?: number; wholePartitionEvents?: number } = {},
): Promise<StoreUnderTest> {
  const tableName = `sessions-${process.pid}-${++tables}`;
  await createSessionTable(client, tableName);
  const transport = new Transport({ client, tableName, baseDelayMs: 2 });
  const compiled = compileRules({
    gapMinutes: 30,
    gapMinutesByPlatform: {},
    identityStitching: false,
    ...rules,
  });
  return {
    tableName,
    transport,
    rules: compiled,
    // Windows only unless a test asks: the small partitions of tests would otherwise always load whole.
    writer: new DynamoDbSessionWriter({ transport, rules: compiled, wholePartitionEvents: 0, ...options }),
    reader: new DynamoDbSessionReader(transport),
  };
}

/** `writer`, calling `onMerge` before each `mergeUserEvents`; everything else is the writer's own. */
export function countingMerges(writer: DynamoDbSessionWriter, onMerge: () => void): DynamoDbSessionWriter {
  return new Proxy(writer, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'mergeUserEvents') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: Parameters<typeof target.mergeUserEvents>) => {
        onMerge();
        return target.mergeUserEvents(...args);
      };
    },
  });
}

/**
 * A writer on the store's table through another client (one that crashes, pauses or answers as the test
 * says), with the store's rules; windows only, as the store's own writer.
 */
export function writerOn(
  store: StoreUnderTest,
  client: DynamoDBClient,
  options: { pageLimitBytes?: number } = {},
): DynamoDbSessionWriter {
  return new DynamoDbSessionWriter({
    transport: new Transport({ client, tableName: store.tableName, baseDelayMs: 2 }),
    rules: store.rules,
    wholePartitionEvents: 0,
    ...options,
  });
}

/**
 * What one ingest of a file does: every user's events merged, a few users at once; with `prefetch`, their
 * heads read ahead in one request first, as the ingest does (stale by the merge when files race).
 */
export async function ingest(
  store: StoreUnderTest,
  events: readonly EventRecord[],
  options: { prefetch?: boolean } = {},
): Promise<void> {
  const byUser = [...groupByUser(events)];
  if (options.prefetch === true) await store.writer.prefetchHeads(byUser.map(([user]) => user));
  await Promise.all(byUser.map(([user, userEvents]) => store.writer.mergeUserEvents(user, userEvents)));
}

/**
 * Merges `events` as the ingest does one file without stitching: deduplicated by the batch first, each user's
 * kept events handed over with the copies kept for their links.
 */
export async function ingestCollected(store: StoreUnderTest, events: readonly EventRecord[]): Promise<void> {
  const collector = collectEvents(false, events);
  const merges: Promise<unknown>[] = [];
  await collector.forEachUser(
    async () => new Map(),
    (user, owned) => {
      merges.push(store.writer.mergeUserEvents(user, [...owned.events(), ...owned.parkable().events()]));
    },
  );
  await Promise.all(merges);
}

/** Every stored session of the users, read back only through the public read API, paged. */
export async function storedSessions(
  store: StoreUnderTest,
  users: Iterable<string>,
  order: 'asc' | 'desc' = 'asc',
  pageSize = 7,
): Promise<SessionSummary[]> {
  const sessions: SessionSummary[] = [];
  for (const user of [...new Set(users)].sort()) {
    const mine: SessionSummary[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await store.reader.listSessions({ userId: user, order, limit: pageSize, after });
      mine.push(...page.sessions);
      if (!page.hasMore) break;
      // As the API's cursor: past a page cut short at its read units, else past its last session.
      after = page.resumeAfter ?? page.sessions[page.sessions.length - 1]?.startedAt;
    }
    sessions.push(...(order === 'asc' ? mine : mine.reverse()));
  }
  return sessions;
}

/**
 * Every event stored for `user`, in session order, read back through the public read API: every session by the
 * list's pages (`storedSessions`), and each session's events by runs of `eventPageSize` from where the last
 * ended, as a timeline's pages are read, until the session's count.
 */
export async function storedEventsOf(
  store: StoreUnderTest,
  user: string,
  { sessionPageSize = 7, eventPageSize = 50 } = {},
): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  for (const session of await storedSessions(store, [user], 'asc', sessionPageSize)) {
    for (let from = 0; ; ) {
      const run = await store.reader.getSession(user, session.sessionId, {
        fromIndex: from,
        count: eventPageSize,
      });
      if (run === undefined) throw new Error(`session ${session.sessionId} of ${user} is gone`);
      const fresh = run.events.slice(from - run.firstIndex);
      if (run.firstIndex > from || (fresh.length === 0 && from < run.session.eventCount))
        throw new Error(
          `session ${session.sessionId} of ${user}: no events from ${from} of ${run.session.eventCount}`,
        );
      events.push(...fresh);
      from += fresh.length;
      if (from >= run.session.eventCount) break;
    }
  }
  return events;
}

/**
 * The lookup API over the store's reader, its errors logged nowhere; by default as behind API Gateway, which
 * gives the path decoded.
 */
export function lookupApiOn(store: Pick<StoreUnderTest, 'reader'>, { pathsDecoded = true } = {}): ApiHandler {
  return createApiHandler({
    reader: store.reader,
    config: { cursorSigningKey: TEST_SIGNING_KEY, corsAllowedOrigins: [], pathsDecoded },
    logger: { error: () => undefined },
  });
}
