// Apart from local-servers.ts because it registers vitest hooks: the soak script (tsx, no vitest) loads that one.
import { afterAll, beforeAll } from 'vitest';
import { type LocalDynamoDb, startLocalDynamoDb } from './local-servers.js';

/**
 * An in-memory DynamoDB Local started before the tests of the enclosing describe block (or file) and stopped
 * after them. Its endpoint and client are there from beforeAll on, not while the file is being collected.
 */
export function useLocalDynamoDb(): Omit<LocalDynamoDb, 'stop'> {
  let server: LocalDynamoDb | undefined;
  beforeAll(async () => {
    server = await startLocalDynamoDb();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = (): LocalDynamoDb => {
    if (server === undefined) throw new Error('DynamoDB Local starts in beforeAll');
    return server;
  };
  return {
    get endpoint() {
      return started().endpoint;
    },
    get client() {
      return started().client;
    },
  };
}
