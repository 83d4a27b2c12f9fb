import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type ConsumedCapacity,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { backoff, checkDeadline, isRetryableError } from './request-errors.js';

export type Item = Record<string, AttributeValue>;
export type Key = { pk: { S: string }; sk: { S: string } };

/** DynamoDB capacity consumed through one transport, as ReturnConsumedCapacity reports it. */
export interface CapacityUsage {
  readUnits: number;
  writeUnits: number;
}

export interface TransportOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Attempts for one request that DynamoDB throttles or fails transiently. */
  readonly maxRequestAttempts?: number;
  readonly baseDelayMs?: number;
}

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;

/**
 * Every DynamoDB request of the store goes through here: throttling and transient server errors are retried
 * with full-jitter backoff, batch leftovers (UnprocessedItems/Keys) are resent, capacity is counted.
 */
export class Transport {
  readonly usage: CapacityUsage = { readUnits: 0, writeUnits: 0 };
  readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly maxRequestAttempts: number;
  readonly baseDelayMs: number;

  constructor(options: TransportOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxRequestAttempts = options.maxRequestAttempts ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 50;
  }

  private async send<Output extends { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }>(
    kind: 'read' | 'write',
    request: () => Promise<Output>,
    notAfter?: number,
  ): Promise<Output> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) checkDeadline(notAfter);
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

  async get(
    key: Key,
    consistent = true,
    input: Partial<GetItemCommandInput> = {},
  ): Promise<Item | undefined> {
    const output = await this.send('read', () =>
      this.client.send(
        new GetItemCommand({
          ...input,
          TableName: this.tableName,
          Key: key,
          ConsistentRead: consistent,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    return output.Item;
  }

  async put(item: Item, input: Partial<PutItemCommandInput> = {}): Promise<void> {
    await this.send('write', () =>
      this.client.send(
        new PutItemCommand({
          ...input,
          TableName: this.tableName,
          Item: item,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }

  async update(
    key: Key,
    input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  ): Promise<Item | undefined> {
    const output = await this.send('write', () =>
      this.client.send(
        new UpdateItemCommand({
          ...input,
          TableName: this.tableName,
          Key: key,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    return output.Attributes;
  }

  async delete(key: Key, input: Partial<DeleteItemCommandInput> = {}): Promise<void> {
    await this.send('write', () =>
      this.client.send(
        new DeleteItemCommand({
          ...input,
          TableName: this.tableName,
          Key: key,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }

  async transact(items: readonly TransactWriteItem[]): Promise<void> {
    const withTable = items.map((item) => {
      const [kind, body] = Object.entries(item)[0] as [keyof TransactWriteItem, Record<string, unknown>];
      return { [kind]: { ...body, TableName: this.tableName } } as TransactWriteItem;
    });
    // One token for every resend: DynamoDB answers a resent transaction it already applied with success.
    const clientRequestToken = randomUUID();
    await this.send('write', () =>
      this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: withTable,
          ClientRequestToken: clientRequestToken,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }

  /**
   * Every item of a query, page by page, until `stopWhen` says the items so far are enough. `nextLimit` sizes
   * each following page from the items so far, so a reader that needs a few more items pays for a few.
   */
  async query(
    input: Omit<QueryCommandInput, 'TableName'>,
    stopWhen?: (items: readonly Item[]) => boolean,
    nextLimit?: (items: readonly Item[]) => number,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    let limit = input.Limit;
    do {
      const output = await this.send('read', () =>
        this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ReturnConsumedCapacity: 'TOTAL',
            ...(limit !== undefined && { Limit: limit }),
            ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
          }),
        ),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
      if (nextLimit !== undefined) limit = nextLimit(items);
    } while (startKey !== undefined && !stopWhen?.(items));
    return items;
  }

  /** One page of a Scan (a parallel scan's segment when `Segment` is given): its items, count and where it stopped. */
  async scanPage(
    input: Omit<ScanCommandInput, 'TableName'>,
  ): Promise<{ items: Item[]; count: number; lastKey: Item | undefined }> {
    const output = await this.send('read', () =>
      this.client.send(
        new ScanCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
      ),
    );
    return { items: output.Items ?? [], count: output.Count ?? 0, lastKey: output.LastEvaluatedKey };
  }

  /**
   * BatchWriteItem in chunks of 25, resending UnprocessedItems with backoff until all are written; with
   * `notAfter`, nothing is sent after that instant (`DeadlinePassed`).
   */
  async batchWrite(requests: readonly WriteRequest[], notAfter?: number): Promise<void> {
    for (let offset = 0; offset < requests.length; offset += BATCH_WRITE_LIMIT) {
      let pending: WriteRequest[] = requests.slice(offset, offset + BATCH_WRITE_LIMIT);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > this.maxRequestAttempts) {
          throw new Error(
            `BatchWriteItem left ${pending.length} unprocessed items after ${attempt - 1} attempts`,
          );
        }
        checkDeadline(notAfter);
        const output = await this.send(
          'write',
          () =>
            this.client.send(
              new BatchWriteItemCommand({
                RequestItems: { [this.tableName]: pending },
                ReturnConsumedCapacity: 'TOTAL',
              }),
            ),
          notAfter,
        );
        pending = output.UnprocessedItems?.[this.tableName] ?? [];
        if (pending.length > 0) await backoff(attempt, this.baseDelayMs);
      }
    }
  }

  async deleteKeys(keys: readonly Key[]): Promise<void> {
    await this.batchWrite(keys.map((key) => ({ DeleteRequest: { Key: key } })));
  }

  /**
   * BatchGetItem of items written once and never changed (chunks: their keys name the attempt that wrote
   * them), so any copy read is the one written: eventually consistent, at half the read units, and again
   * strongly consistent only for keys a replica did not have yet.
   */
  async batchGetWrittenOnce(keys: readonly Key[]): Promise<Map<string, Item>> {
    const found = await this.batchGet(keys, false);
    const missing = keys.filter((key) => !found.has(batchKey(key.pk.S, key.sk.S)));
    if (missing.length === 0) return found;
    for (const [key, item] of await this.batchGet(missing, true)) found.set(key, item);
    return found;
  }

  /** BatchGetItem in chunks of 100, resending UnprocessedKeys with backoff. Items come back by sort key. */
  async batchGet(keys: readonly Key[], consistent = true): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (let offset = 0; offset < keys.length; offset += BATCH_GET_LIMIT) {
      let pending: Item[] = keys.slice(offset, offset + BATCH_GET_LIMIT);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > this.maxRequestAttempts)
          throw new Error('BatchGetItem kept returning unprocessed keys');
        const output = await this.send('read', () =>
          this.client.send(
            new BatchGetItemCommand({
              RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistent } },
              ReturnConsumedCapacity: 'TOTAL',
            }),
          ),
        );
        for (const item of output.Responses?.[this.tableName] ?? []) {
          found.set(batchKey(item.pk?.S ?? '', item.sk?.S ?? ''), item);
        }
        pending = output.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (pending.length > 0) await backoff(attempt, this.baseDelayMs);
      }
    }
    return found;
  }
}

export function itemKey(pk: string, sk: string): Key {
  return { pk: { S: pk }, sk: { S: sk } };
}

export function batchKey(pk: string, sk: string): string {
  return `${pk}\u0000${sk}`;
}
