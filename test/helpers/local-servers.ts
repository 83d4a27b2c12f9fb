// Convenience wrappers for integration tests: start a local server on an ephemeral port with a client
// already pointed at it. Call stop() in afterAll; it also destroys the client.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { createLocalDynamoDbClient, createLocalS3Client } from '../../local/s3-client.js';
import { startS3Local } from '../../local/s3-local.js';

/** The sessions table as on AWS, for tests against DynamoDB Local. */
export { createSessionTable } from '../../local/session-table.js';

export interface LocalDynamoDb {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  stop(): Promise<void>;
}

/** In-memory DynamoDB Local unless `dataDir` is given. */
export async function startLocalDynamoDb(options: { dataDir?: string } = {}): Promise<LocalDynamoDb> {
  const server = await startDynamoDbLocal({ dataDir: options.dataDir });
  const client = createLocalDynamoDbClient(server.endpoint);
  return {
    endpoint: server.endpoint,
    client,
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

/** Local S3 with `bucket` created, in a temporary directory removed by stop(). */
export async function startLocalS3(
  bucket: string,
  onObjectCreated?: (event: S3Event) => void | Promise<void>,
): Promise<LocalS3> {
  const server = await startS3Local({ bucket, ...(onObjectCreated ? { onObjectCreated } : {}) });
  const client = createLocalS3Client(server.endpoint);
  return {
    endpoint: server.endpoint,
    client,
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

/**
 * Polls `probe` until it returns something other than undefined/false, for things that happen
 * asynchronously (S3 events arrive over IPC after the upload's response). Throws with `what` on timeout.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 5_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
