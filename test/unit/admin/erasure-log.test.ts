// The admin function's log must not hold the id it erases (docs/operations.md, "Who may erase"), also when
// the erasure fails: its error goes to the log whole.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { createAdminHandler } from '../../../functions/admin/app.js';
import { call } from '../api/api-event.js';

const ddb = mockClient(DynamoDBClient);

afterEach(() => {
  ddb.reset();
});

it('logs an erasure that gave up on a head that kept changing without the id it erased', async () => {
  const id = 'alice@example.com';
  // No head yet, and every attempt to create it loses to another writer.
  ddb.on(GetItemCommand).resolves({});
  ddb
    .on(PutItemCommand)
    .rejects(
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
    );
  const transport = new Transport({
    client: new DynamoDBClient({ region: 'us-east-1' }),
    tableName: 'sessions',
    baseDelayMs: 0,
  });
  const logged: unknown[] = [];
  const handler = createAdminHandler({
    eraser: new DynamoDbEraser({ transport, maxAttempts: 2 }),
    config: { pathsDecoded: false },
    logger: {
      info: (message, attributes) => logged.push({ message, attributes }),
      error: (message, attributes) => logged.push({ message, attributes }),
    },
  });

  const result = await call(handler, 'DELETE', `/admin/users/${encodeURIComponent(id)}`);

  expect(result.status).toBe(500);
  const error = (logged[0] as { attributes: { error: Error } }).attributes.error;
  expect(error.message).toMatch(/changed under 2 attempts/);
  // What a logger writes of an error: its message and stack too, which JSON.stringify leaves out.
  expect(JSON.stringify(logged) + error.message + error.stack).not.toContain(id);
});
