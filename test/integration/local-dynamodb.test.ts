// DynamoDB Local as the local stack runs it (local/dynamodb-local.ts): an ephemeral port, and tables kept
// in its data dir across a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startLocalDynamoDb } from '../helpers/local-servers.js';

describe('DynamoDB Local', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddb-local-test-'));
  let ddb: LocalDynamoDb;

  beforeAll(async () => {
    ddb = await startLocalDynamoDb({ dataDir });
  });

  afterAll(async () => {
    await ddb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers on an ephemeral port and supports create table, put and get', async () => {
    expect(ddb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await ddb.client.send(
      new CreateTableCommand({
        TableName: 'sessions',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await ddb.client.send(
      new PutItemCommand({ TableName: 'sessions', Item: { pk: { S: 'user#1' }, events: { N: '3' } } }),
    );
    const got = await ddb.client.send(
      new GetItemCommand({ TableName: 'sessions', Key: { pk: { S: 'user#1' } } }),
    );
    expect(got.Item).toEqual({ pk: { S: 'user#1' }, events: { N: '3' } });
  });

  it('keeps tables and items across a restart with the same dataDir', async () => {
    await ddb.stop();
    ddb = await startLocalDynamoDb({ dataDir });
    const tables = await ddb.client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain('sessions');
    const got = await ddb.client.send(
      new GetItemCommand({ TableName: 'sessions', Key: { pk: { S: 'user#1' } } }),
    );
    expect(got.Item?.events).toEqual({ N: '3' });
  });
});
