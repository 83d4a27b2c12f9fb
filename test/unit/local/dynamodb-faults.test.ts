// The local stack's DynamoDB fault injection, on a real SDK client whose requests are answered in process
// (a stub ahead of serialization), so the middleware sees exactly what the store's calls look like.
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { injectDynamoDbFaults, type ThrottleForm } from '../../../local/dynamodb-faults.js';

/** A client that never reaches the network: every request is recorded and answered with `answer`. */
function stubbedClient(answer: Record<string, unknown> = {}) {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const sent: { operation: string; input: Record<string, unknown> }[] = [];
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      sent.push({ operation: context.commandName ?? '', input: args.input as Record<string, unknown> });
      return { output: { $metadata: {}, ...answer } as never, response: {} };
    },
    { step: 'serialize', priority: 'high', name: 'answerInProcess' },
  );
  return { client, sent };
}

/** Random draws given in order, then 0.99 (no more faults). */
const scripted = (...draws: number[]) => {
  const queue = [...draws];
  return () => queue.shift() ?? 0.99;
};

const key = (id: string) => ({ pk: { S: `u#${id}` }, sk: { S: 'head' } });
const put = (id: string): WriteRequest => ({ PutRequest: { Item: key(id) } });

describe('injectDynamoDbFaults', () => {
  const clients: DynamoDBClient[] = [];
  const track = <T extends { client: DynamoDBClient }>(stub: T): T => {
    clients.push(stub.client);
    return stub;
  };
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  it('throttles a call whose draw falls below the share, with the error DynamoDB sends, and reports it', async () => {
    const { client, sent } = track(stubbedClient());
    const reported: [string, ThrottleForm][] = [];
    // First call: 0.01 < 0.05 throttles, 0.1 picks ProvisionedThroughputExceededException. Second: 0.99 passes.
    injectDynamoDbFaults(
      client,
      { throttle: 0.05 },
      { random: scripted(0.01, 0.1), onThrottle: (...call) => reported.push(call) },
    );

    const first = client.send(new PutItemCommand({ TableName: 't', Item: key('a') }));
    await expect(first).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $fault: 'client',
    });
    await client.send(new GetItemCommand({ TableName: 't', Key: key('a') }));

    expect(sent.map(({ operation }) => operation)).toEqual(['GetItemCommand']);
    expect(reported).toEqual([['PutItem', 'ProvisionedThroughputExceededException']]);
  });

  it('sends ThrottlingException for the other quarter of single-item calls', async () => {
    const { client } = track(stubbedClient());
    injectDynamoDbFaults(client, { throttle: 0.5 }, { random: scripted(0, 0.8) });

    await expect(client.send(new GetItemCommand({ TableName: 't', Key: key('a') }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });

  it('never throttles table management, whatever the share', async () => {
    const { client, sent } = track(stubbedClient());
    injectDynamoDbFaults(client, { throttle: 0.99 }, { random: () => 0 });

    await client.send(
      new CreateTableCommand({
        TableName: 't',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    expect(sent.map(({ operation }) => operation)).toEqual(['CreateTableCommand']);
  });

  it('cancels a throttled transaction with one reason per item, one of them ThrottlingError', async () => {
    const { client } = track(stubbedClient());
    injectDynamoDbFaults(client, { throttle: 0.5 }, { random: scripted(0, 0.1) });
    const items = ['a', 'b', 'c'].map((id) => ({ Put: { TableName: 't', Item: key(id) } }));

    const attempt = client.send(new TransactWriteItemsCommand({ TransactItems: items }));

    await expect(attempt).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }, { Code: 'None' }],
    });
  });

  it('answers a throttled batch write in part: what was not sent comes back as UnprocessedItems', async () => {
    const { client, sent } = track(stubbedClient({ UnprocessedItems: {} }));
    const reported: ThrottleForm[] = [];
    // Throttle (0), partial form (0.2), cut after 1 + floor(0.5 * 3) = 2 of 4 requests.
    injectDynamoDbFaults(
      client,
      { throttle: 0.1 },
      { random: scripted(0, 0.2, 0.5), onThrottle: (_operation, form) => reported.push(form) },
    );
    const requests = ['a', 'b', 'c', 'd'].map(put);

    const output = await client.send(new BatchWriteItemCommand({ RequestItems: { t: requests } }));

    expect(sent).toEqual([
      { operation: 'BatchWriteItemCommand', input: { RequestItems: { t: requests.slice(0, 2) } } },
    ]);
    expect(output.UnprocessedItems).toEqual({ t: requests.slice(2) });
    expect(reported).toEqual(['UnprocessedItems']);
  });

  it('answers a throttled batch read in part, keeping the read options of the keys held back', async () => {
    const { client, sent } = track(stubbedClient({ Responses: { t: [] } }));
    injectDynamoDbFaults(client, { throttle: 0.1 }, { random: scripted(0, 0.2, 0) });
    const keys = ['a', 'b', 'c'].map(key);

    const output = await client.send(
      new BatchGetItemCommand({ RequestItems: { t: { Keys: keys, ConsistentRead: true } } }),
    );

    expect(sent[0]?.input).toEqual({ RequestItems: { t: { Keys: keys.slice(0, 1), ConsistentRead: true } } });
    expect(output.UnprocessedKeys).toEqual({ t: { Keys: keys.slice(1), ConsistentRead: true } });
  });

  it('fails a one-item batch whole, since there is nothing to split', async () => {
    const { client, sent } = track(stubbedClient());
    injectDynamoDbFaults(client, { throttle: 0.1 }, { random: scripted(0, 0.2) });

    const attempt = client.send(new BatchWriteItemCommand({ RequestItems: { t: [put('a')] } }));

    await expect(attempt).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(sent).toEqual([]);
  });

  it('adds nothing when the share is 0', async () => {
    const { client, sent } = track(stubbedClient());
    injectDynamoDbFaults(client, { throttle: 0 }, { random: () => 0 });

    await client.send(new PutItemCommand({ TableName: 't', Item: key('a') }));

    expect(sent).toHaveLength(1);
  });
});
