// DynamoDB clients for crash tests: one that dies after a given number of writes, as a Lambda killed mid-merge.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const WRITES: ReadonlySet<string> = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

export class Crash extends Error {
  constructor() {
    super('simulated crash');
    this.name = 'Crash';
  }
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A client that dies (every later request fails) once it has sent `writesBeforeCrash` writes. */
export function crashingClient(endpoint: string, writesBeforeCrash: number): DynamoDBClient {
  const client = localClient(endpoint);
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (writes >= writesBeforeCrash) throw new Crash();
      if (WRITES.has(context.commandName ?? '')) writes++;
      return next(args);
    },
    { step: 'initialize', name: 'crashAfterWrites' },
  );
  return client;
}
