// DynamoDB clients for fault tests: one that dies after a given number of writes, as a Lambda killed mid-merge,
// and one that lets a test decide, request by request, what the store sees.
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

/** What a test does with one request: pass it on (`send`), fail it, or both (an answer lost after the write). */
export type RequestHook = (
  command: string,
  input: Record<string, unknown>,
  send: () => Promise<unknown>,
) => Promise<unknown>;

export function hookedClient(endpoint: string, hook: RequestHook): DynamoDBClient {
  const client = localClient(endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) =>
      (await hook(context.commandName ?? '', args.input as Record<string, unknown>, () =>
        next(args),
      )) as never,
    { step: 'initialize', name: 'requestHook' },
  );
  return client;
}

/** The update that commits a merge: it moves the head's recorded commits (`#rc`). */
export function isHeadCommit(command: string, input: Record<string, unknown>): boolean {
  return command === 'UpdateItemCommand' && String(input.UpdateExpression).includes('#rc = :rc');
}
