import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { Item } from '../../functions/adapters/dynamodb/transport.js';

// biome-ignore lint/suspicious/noExplicitAny: the stub's input and output types are the client's
type DynamoDbStub = AwsStub<any, any, DynamoDBClient['config']>;

const keyOf = (key: Record<string, AttributeValue> | undefined) => `${key?.pk?.S}\u0000${key?.sk?.S}`;

/**
 * A single table in memory behind a mocked DynamoDB client, with just the reads the session reader makes:
 * GetItem, Query on `pk = :pk AND sk BETWEEN :a AND :b` (order, Limit, paging by LastEvaluatedKey) and
 * BatchGetItem. Anything else throws, so a reader that starts making other requests fails loudly here.
 */
export class MockTable {
  private readonly items = new Map<string, Item>();
  /** Items returned by queries so far: how much of a history a read went through. */
  queriedItems = 0;
  /** Runs after each GetItem has been answered: a test's chance to change the table between two reads. */
  afterGet: ((input: GetItemCommandInput) => void) | undefined;

  constructor(readonly tableName: string) {}

  put(...items: readonly Item[]): void {
    for (const item of items) this.items.set(keyOf(item), item);
  }

  delete(...items: readonly Item[]): void {
    for (const item of items) this.items.delete(keyOf(item));
  }

  /** Answers the stub's reads from this table (call again after `stub.reset()`). */
  serve(stub: DynamoDbStub): void {
    stub.on(GetItemCommand).callsFake((input: GetItemCommandInput) => {
      this.checkTable(input.TableName);
      const item = this.items.get(keyOf(input.Key));
      this.afterGet?.(input);
      return { ...(item !== undefined && { Item: structuredClone(item) }) };
    });
    stub.on(QueryCommand).callsFake((input: QueryCommandInput) => this.query(input));
    stub.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => {
      const responses: Record<string, Item[]> = {};
      for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
        this.checkTable(table);
        responses[table] = (request.Keys ?? [])
          .map((key) => this.items.get(keyOf(key)))
          .filter((item): item is Item => item !== undefined)
          .map((item) => structuredClone(item));
      }
      return { Responses: responses };
    });
  }

  private checkTable(name: string | undefined): void {
    if (name !== this.tableName)
      throw new Error(`MockTable: request for table ${name}, not ${this.tableName}`);
  }

  private query(input: QueryCommandInput) {
    this.checkTable(input.TableName);
    const match = /^pk = :pk AND sk BETWEEN (:\w+) AND (:\w+)$/.exec(input.KeyConditionExpression ?? '');
    if (match === null) throw new Error(`MockTable: unsupported query ${input.KeyConditionExpression}`);
    const values = input.ExpressionAttributeValues ?? {};
    const pk = values[':pk']?.S;
    const low = values[match[1] as string]?.S ?? '';
    const high = values[match[2] as string]?.S ?? '';
    const forward = input.ScanIndexForward !== false;
    const start = input.ExclusiveStartKey?.sk?.S;
    const inRange = [...this.items.values()]
      .filter((item) => item.pk?.S === pk && (item.sk?.S ?? '') >= low && (item.sk?.S ?? '') <= high)
      .sort((a, b) => ((a.sk?.S ?? '') < (b.sk?.S ?? '') ? -1 : 1));
    if (!forward) inRange.reverse();
    const remaining =
      start === undefined
        ? inRange
        : inRange.filter((item) => (forward ? (item.sk?.S ?? '') > start : (item.sk?.S ?? '') < start));
    const limit = input.Limit ?? Number.POSITIVE_INFINITY;
    const page = remaining.slice(0, limit);
    this.queriedItems += page.length;
    const last = page[page.length - 1];
    return {
      Items: page.map((item) => structuredClone(item)),
      // Like DynamoDB, a page cut by Limit has a LastEvaluatedKey even when nothing follows it.
      ...(remaining.length >= limit &&
        last !== undefined && { LastEvaluatedKey: { pk: last.pk, sk: last.sk } }),
    };
  }
}
