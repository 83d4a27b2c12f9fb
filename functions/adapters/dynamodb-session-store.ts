import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type ConsumedCapacity,
  CreateTableCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { EventRecord } from '../domain/event.js';
import {
  affectedWindow,
  type BucketOperation,
  dayOf,
  planMerge,
  type StoredBucket,
} from '../domain/merge-plan.js';
import type {
  SessionListPage,
  SessionListQuery,
  SessionReader,
  SessionWriter,
  StoredSession,
  TimelineEvent,
  UserMergeResult,
  UserSummary,
} from '../domain/session-store.js';
import { toTimelineEvent } from '../domain/session-view.js';
import { sessionIdFor, startedAtFromSessionId } from '../domain/sessionize.js';
import {
  DAY_PREFIX,
  type DaySummary,
  daySortKey,
  decodeDaySessions,
  decodeDaySummary,
  encodeDay,
  HEAD_SORT_KEY,
  type SessionRow,
  userPartitionKey,
} from './session-items.js';

export interface DynamoDbSessionStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly gapMs: number;
  /** Events blobs above this many bytes go to part items (tests lower it to exercise parts). */
  readonly inlineLimitBytes?: number;
  /** Merge attempts when other writers keep winning the optimistic-concurrency race. */
  readonly maxMergeAttempts?: number;
  /** Attempts for one request that DynamoDB throttles or fails transiently. */
  readonly maxRequestAttempts?: number;
  readonly baseDelayMs?: number;
}

/** DynamoDB capacity consumed through this store, as reported by ReturnConsumedCapacity. */
export interface CapacityUsage {
  readUnits: number;
  writeUnits: number;
}

export class MergeConflictError extends Error {
  constructor(userId: string, attempts: number) {
    super(`gave up merging user ${JSON.stringify(userId)} after ${attempts} conflicting attempts`);
    this.name = 'MergeConflictError';
  }
}

const RETRYABLE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
]);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export function isRetryableError(error: unknown): boolean {
  return RETRYABLE_ERRORS.has(errorName(error));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full-jitter exponential backoff, capped at 5 s. */
function backoff(attempt: number, baseDelayMs: number): Promise<void> {
  return sleep(Math.random() * Math.min(5_000, baseDelayMs * 2 ** attempt));
}

const DAY_FIRST = DAY_PREFIX;
/** Sorts after every `DAY#YYYY-MM-DD` key and before `HEAD`. */
const DAY_LAST = `${DAY_PREFIX}\uffff`;
const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;

/**
 * The session store on one DynamoDB table (layout in session-items.ts).
 *
 * Merging one user's events: read the user's head version, load the day buckets within one gap of the new
 * events, plan the changed buckets (merge-plan.ts), write each with a condition on the version it was read
 * at, then commit by bumping the head version with a condition on the version read first. Any condition
 * failure means another writer touched the user: start over from fresh reads. Writes go in ascending day
 * order, so a crash mid-merge can leave an event stored twice but never lost, and re-running the same
 * delivery converges. See README "Design" for the argument.
 */
export class DynamoDbSessionStore implements SessionReader, SessionWriter {
  readonly usage: CapacityUsage = { readUnits: 0, writeUnits: 0 };
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly gapMs: number;
  private readonly inlineLimitBytes: number | undefined;
  private readonly maxMergeAttempts: number;
  private readonly maxRequestAttempts: number;
  private readonly baseDelayMs: number;

  constructor(options: DynamoDbSessionStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.gapMs = options.gapMs;
    this.inlineLimitBytes = options.inlineLimitBytes;
    this.maxMergeAttempts = options.maxMergeAttempts ?? 25;
    this.maxRequestAttempts = options.maxRequestAttempts ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 50;
  }

  // ---- write side -------------------------------------------------------------------------------------

  async mergeUserEvents(userId: string, events: readonly EventRecord[]): Promise<UserMergeResult> {
    if (events.length === 0) return { userId, newEvents: 0, sessionsWritten: 0, attempts: 0 };
    const pk = userPartitionKey(userId);
    // Counted on the first attempt: a retry would see this merge's own partial writes as already stored.
    let newEvents: number | undefined;
    for (let attempt = 1; attempt <= this.maxMergeAttempts; attempt++) {
      const headVersion = await this.readHeadVersion(pk);
      const window = affectedWindow(events, this.gapMs);
      const loaded = await this.loadBuckets(pk, window.from, window.to);
      const plan = planMerge(
        userId,
        loaded.map((entry) => entry.bucket),
        events,
        this.gapMs,
      );
      newEvents ??= plan.newEvents;
      if (plan.operations.length === 0) {
        return { userId, newEvents, sessionsWritten: 0, attempts: attempt };
      }
      const partKeys = new Map(loaded.map((entry) => [entry.bucket.day, entry.summary.partKeys]));
      try {
        for (const operation of plan.operations) {
          await this.applyOperation(pk, userId, operation, partKeys.get(operation.day) ?? []);
        }
        await this.commitHead(pk, headVersion);
        return {
          userId,
          newEvents: plan.newEvents,
          sessionsWritten: plan.sessionsWritten,
          attempts: attempt,
        };
      } catch (error) {
        if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
        await backoff(attempt, this.baseDelayMs);
      }
    }
    throw new MergeConflictError(userId, this.maxMergeAttempts);
  }

  private async readHeadVersion(pk: string): Promise<number> {
    const response = await this.send('read', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: pk }, sk: { S: HEAD_SORT_KEY } },
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    return Number(response.Item?.v?.N ?? 0);
  }

  private async commitHead(pk: string, readVersion: number): Promise<void> {
    await this.send('write', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: { S: pk }, sk: { S: HEAD_SORT_KEY }, v: { N: String(readVersion + 1) } },
          ConditionExpression: readVersion === 0 ? 'attribute_not_exists(pk)' : 'v = :read',
          ...(readVersion !== 0 && { ExpressionAttributeValues: { ':read': { N: String(readVersion) } } }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }

  private versionCondition(expectedVersion: number | undefined) {
    return expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'v = :expected',
          ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
        };
  }

  private async applyOperation(
    pk: string,
    userId: string,
    operation: BucketOperation,
    oldPartKeys: readonly string[],
  ): Promise<void> {
    const key = { pk: { S: pk }, sk: { S: daySortKey(operation.day) } };
    if (operation.kind === 'delete') {
      await this.send('write', () =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.tableName,
            Key: key,
            ...this.versionCondition(operation.expectedVersion),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
      await this.deleteParts(pk, oldPartKeys);
      return;
    }
    const encoded = encodeDay(
      userId,
      operation.day,
      (operation.expectedVersion ?? 0) + 1,
      operation.sessions,
      this.inlineLimitBytes,
    );
    // Parts are content-addressed and written first: the day item that names them is the commit point.
    await this.batchWrite(encoded.parts.map((item) => ({ PutRequest: { Item: item } })));
    const newPartKeys = encoded.parts.map((part) => part.sk?.S ?? '');
    try {
      await this.send('write', () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: encoded.item,
            ...this.versionCondition(operation.expectedVersion),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
    } catch (error) {
      await this.deleteParts(
        pk,
        newPartKeys.filter((partKey) => !oldPartKeys.includes(partKey)),
      );
      throw error;
    }
    await this.deleteParts(
      pk,
      oldPartKeys.filter((partKey) => !newPartKeys.includes(partKey)),
    );
  }

  private async deleteParts(pk: string, partKeys: readonly string[]): Promise<void> {
    await this.batchWrite(
      partKeys.map((sk) => ({ DeleteRequest: { Key: { pk: { S: pk }, sk: { S: sk } } } })),
    );
  }

  /** BatchWriteItem in chunks of 25, retrying UnprocessedItems with backoff until all are written. */
  private async batchWrite(requests: readonly WriteRequest[]): Promise<void> {
    for (let offset = 0; offset < requests.length; offset += BATCH_WRITE_LIMIT) {
      let pending: WriteRequest[] = requests.slice(offset, offset + BATCH_WRITE_LIMIT);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > this.maxRequestAttempts) {
          throw new Error(
            `BatchWriteItem left ${pending.length} unprocessed items after ${attempt - 1} attempts`,
          );
        }
        const response = await this.send('write', () =>
          this.client.send(
            new BatchWriteItemCommand({
              RequestItems: { [this.tableName]: pending },
              ReturnConsumedCapacity: 'TOTAL',
            }),
          ),
        );
        pending = response.UnprocessedItems?.[this.tableName] ?? [];
        if (pending.length > 0) await backoff(attempt, this.baseDelayMs);
      }
    }
  }

  // ---- loading ----------------------------------------------------------------------------------------

  /** Every stored bucket holding a session that overlaps [from, to]. */
  private async loadBuckets(
    pk: string,
    from: number,
    to: number,
  ): Promise<Array<{ summary: DaySummary; bucket: StoredBucket }>> {
    // Newest first from the window's last day, on past its first day while an earlier day still reaches
    // into the window (a session that started days before it); session ends increase with starts, so the
    // first day that ends before the window means every older one does too.
    const firstDay = daySortKey(dayOf(from));
    const endsBeforeWindow = (item: Record<string, AttributeValue>) =>
      (item.sk?.S ?? '') < firstDay && Number(item.l?.N) < from;
    const newestFirst = await this.queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': { S: pk },
          ':first': { S: DAY_FIRST },
          ':last': { S: daySortKey(dayOf(to)) },
        },
        ScanIndexForward: false,
        Limit: 10,
        ConsistentRead: true,
      },
      (items) => items.some(endsBeforeWindow),
    );
    const items = newestFirst.filter((item) => !endsBeforeWindow(item)).reverse();
    const summaries = items.map(decodeDaySummary);
    const blobs = await this.readBlobs(pk, items, summaries, true);
    return summaries.map((summary, index) => ({
      summary,
      bucket: decodeDaySessions(summary, blobs[index] as Uint8Array),
    }));
  }

  /** The events blob of each day item: inline, or concatenated from its parts. */
  private async readBlobs(
    pk: string,
    items: readonly Record<string, AttributeValue>[],
    summaries: readonly DaySummary[],
    consistent: boolean,
  ): Promise<Uint8Array[]> {
    const partKeys = summaries.flatMap((summary) => summary.partKeys);
    const parts = await this.batchGet(pk, partKeys, consistent);
    return items.map((item, index) => {
      const inline = item.d?.B;
      if (inline !== undefined) return inline;
      const summary = summaries[index] as DaySummary;
      return Buffer.concat(
        summary.partKeys.map((partKey) => {
          const part = parts.get(partKey);
          if (part === undefined) throw new PartMissingError(summary.userId, summary.day);
          return part;
        }),
      );
    });
  }

  private async batchGet(pk: string, sortKeys: readonly string[], consistent: boolean) {
    const found = new Map<string, Uint8Array>();
    for (let offset = 0; offset < sortKeys.length; offset += BATCH_GET_LIMIT) {
      let pending: Record<string, AttributeValue>[] = sortKeys
        .slice(offset, offset + BATCH_GET_LIMIT)
        .map((sk) => ({ pk: { S: pk }, sk: { S: sk } }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > this.maxRequestAttempts)
          throw new Error('BatchGetItem kept returning unprocessed keys');
        const response = await this.send('read', () =>
          this.client.send(
            new BatchGetItemCommand({
              RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistent } },
              ReturnConsumedCapacity: 'TOTAL',
            }),
          ),
        );
        for (const item of response.Responses?.[this.tableName] ?? []) {
          if (item.sk?.S !== undefined && item.d?.B !== undefined) found.set(item.sk.S, item.d.B);
        }
        pending = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (pending.length > 0) await backoff(attempt, this.baseDelayMs);
      }
    }
    return found;
  }

  private async queryAll(
    input: Omit<QueryCommandInput, 'TableName'>,
    stopWhen?: (items: readonly Record<string, AttributeValue>[]) => boolean,
  ): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const response = await this.send('read', () =>
        this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ReturnConsumedCapacity: 'TOTAL',
            ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
          }),
        ),
      );
      items.push(...(response.Items ?? []));
      startKey = response.LastEvaluatedKey;
    } while (startKey !== undefined && !stopWhen?.(items));
    return items;
  }

  // ---- read side --------------------------------------------------------------------------------------

  async listSessions(query: SessionListQuery): Promise<SessionListPage> {
    const pk = userPartitionKey(query.userId);
    const ascending = query.order === 'asc';
    let lowest = query.from ?? Number.NEGATIVE_INFINITY;
    let highest = query.to ?? Number.POSITIVE_INFINITY;
    if (query.after !== undefined) {
      if (ascending) lowest = Math.max(lowest, query.after + 1);
      else highest = Math.min(highest, query.after - 1);
    }
    if (lowest > highest) return { sessions: [], hasMore: false };
    const wanted = query.limit + 1;
    const matching: Array<{ day: string; row: SessionRow; index: number }> = [];
    const sessionsPerDay = new Map<string, number>();
    const items = await this.queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': { S: pk },
          ':first': { S: Number.isFinite(lowest) ? daySortKey(dayOf(lowest)) : DAY_FIRST },
          ':last': { S: Number.isFinite(highest) ? daySortKey(dayOf(highest)) : DAY_LAST },
        },
        ...SUMMARY_PROJECTION,
        ScanIndexForward: ascending,
        Limit: 20,
      },
      () => matching.length >= wanted,
    );
    for (const item of items) {
      if (matching.length >= wanted) break;
      const summary = decodeDaySummary(item);
      sessionsPerDay.set(summary.day, summary.sessionCount);
      const indexes = summary.rows.map((_, index) => index);
      if (!ascending) indexes.reverse();
      for (const index of indexes) {
        const row = summary.rows[index] as SessionRow;
        if (row[0] < lowest || row[0] > highest) continue;
        matching.push({ day: summary.day, row, index });
        if (matching.length >= wanted) break;
      }
    }
    const page = matching.slice(0, query.limit);
    if (page.length === 0) return { sessions: [], hasMore: false };
    // Session numbers count every earlier session of the user, including those before the queried range.
    const earliestDay = page.map((entry) => entry.day).sort()[0] as string;
    let running = await this.countSessionsBefore(pk, earliestDay);
    const firstNumberOfDay = new Map<string, number>();
    for (const day of [...sessionsPerDay.keys()].sort()) {
      if (day < earliestDay) continue;
      firstNumberOfDay.set(day, running + 1);
      running += sessionsPerDay.get(day) ?? 0;
    }
    return {
      sessions: page.map(({ day, row, index }) =>
        toStoredSession(query.userId, row, (firstNumberOfDay.get(day) ?? 1) + index),
      ),
      hasMore: matching.length > query.limit,
    };
  }

  private async countSessionsBefore(pk: string, day: string): Promise<number> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :day',
      ExpressionAttributeValues: {
        ':pk': { S: pk },
        ':first': { S: DAY_FIRST },
        ':day': { S: daySortKey(day) },
      },
      ProjectionExpression: 'sk, #n',
      ExpressionAttributeNames: { '#n': 'n' },
    });
    const dayKey = daySortKey(day);
    return items.reduce((sum, item) => (item.sk?.S === dayKey ? sum : sum + Number(item.n?.N ?? 0)), 0);
  }

  async getSession(
    userId: string,
    sessionId: string,
  ): Promise<{ session: StoredSession; events: readonly TimelineEvent[] } | undefined> {
    const startedAt = startedAtFromSessionId(sessionId);
    if (startedAt === undefined) return undefined;
    const pk = userPartitionKey(userId);
    const day = dayOf(startedAt);
    // A concurrent merge may replace the parts between reading the day and its parts: read again.
    for (let attempt = 1; ; attempt++) {
      const response = await this.send('read', () =>
        this.client.send(
          new GetItemCommand({
            TableName: this.tableName,
            Key: { pk: { S: pk }, sk: { S: daySortKey(day) } },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
      const item = response.Item;
      if (item === undefined) return undefined;
      const summary = decodeDaySummary(item);
      const index = summary.rows.findIndex((row) => row[0] === startedAt);
      const row = summary.rows[index];
      if (row === undefined) return undefined;
      try {
        const [blob] = await this.readBlobs(pk, [item], [summary], false);
        const bucket = decodeDaySessions(summary, blob as Uint8Array);
        const number = (await this.countSessionsBefore(pk, day)) + index + 1;
        const events = bucket.sessions[index]?.events ?? [];
        return {
          session: toStoredSession(userId, row, number),
          events: events.map(toTimelineEvent),
        };
      } catch (error) {
        if (!(error instanceof PartMissingError) || attempt >= 3) throw error;
      }
    }
  }

  async getUserSummary(userId: string): Promise<UserSummary | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': { S: userPartitionKey(userId) },
        ':first': { S: DAY_FIRST },
        ':last': { S: DAY_LAST },
      },
      ProjectionExpression: '#n, #e, #f, #l',
      ExpressionAttributeNames: { '#n': 'n', '#e': 'e', '#f': 'f', '#l': 'l' },
    });
    if (items.length === 0) return undefined;
    let sessionCount = 0;
    let eventCount = 0;
    let firstSeenAt = Number.POSITIVE_INFINITY;
    let lastSeenAt = Number.NEGATIVE_INFINITY;
    for (const item of items) {
      sessionCount += Number(item.n?.N ?? 0);
      eventCount += Number(item.e?.N ?? 0);
      firstSeenAt = Math.min(firstSeenAt, Number(item.f?.N));
      lastSeenAt = Math.max(lastSeenAt, Number(item.l?.N));
    }
    return { userId, sessionCount, eventCount, firstSeenAt, lastSeenAt };
  }

  // ---- transport --------------------------------------------------------------------------------------

  /** Sends one request, retrying throttling and transient server errors with backoff; counts capacity. */
  private async send<Output extends { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }>(
    kind: 'read' | 'write',
    request: () => Promise<Output>,
  ): Promise<Output> {
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await request();
        const consumed = output.ConsumedCapacity;
        const entries = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
        const units = entries.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
        if (kind === 'read') this.usage.readUnits += units;
        else this.usage.writeUnits += units;
        return output;
      } catch (error) {
        if (!isRetryableError(error) || attempt >= this.maxRequestAttempts) throw error;
        await backoff(attempt, this.baseDelayMs);
      }
    }
  }
}

class PartMissingError extends Error {
  constructor(userId: string, day: string) {
    super(`events of day ${day} of user ${JSON.stringify(userId)} were replaced while being read`);
    this.name = 'PartMissingError';
  }
}

const SUMMARY_PROJECTION = {
  ProjectionExpression: 'sk, #v, #uid, #n, #e, #f, #l, #s',
  ExpressionAttributeNames: {
    '#v': 'v',
    '#uid': 'uid',
    '#n': 'n',
    '#e': 'e',
    '#f': 'f',
    '#l': 'l',
    '#s': 's',
  },
};

function toStoredSession(userId: string, row: SessionRow, sessionNumber: number): StoredSession {
  const [startedAt, endedAt, eventCount, firstEvent, lastEvent] = row;
  return {
    userId,
    sessionId: sessionIdFor(startedAt),
    sessionNumber,
    startedAt,
    endedAt,
    eventCount,
    firstEvent,
    lastEvent,
  };
}

/** Creates the single table (on-demand). Used by the local stack and tests; CDK defines the real one. */
export async function createSessionTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (errorName(error) !== 'ResourceInUseException') throw error;
  }
}
