// The transport's resends keep to an attempt's deadline: a put that lands after the head forgot its version
// would count as committed (docs/design.md, "The head's history"); items written once are read at half price.
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlinePassed } from '../../../functions/adapters/dynamodb/request-errors.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';

const dynamoMock = mockClient(DynamoDBClient);
const TABLE = 'sessions';
const put = (sk: string) => ({ PutRequest: { Item: { pk: { S: 'U#u' }, sk: { S: sk } } } });

let now: number;
/** When each request was sent, on the test's clock. */
let sentAt: number[];

beforeEach(() => {
  dynamoMock.reset();
  now = 1_000_000;
  sentAt = [];
  vi.spyOn(Date, 'now').mockImplementation(() => now);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const transport = () =>
  new Transport({ client: new DynamoDBClient({ region: 'us-east-1' }), tableName: TABLE, baseDelayMs: 1 });

describe('Transport.batchWrite with a deadline', () => {
  it('stops resending unprocessed items once the deadline has passed', async () => {
    dynamoMock.on(BatchWriteItemCommand).callsFake((input) => {
      sentAt.push(now);
      now += 20_000;
      return { UnprocessedItems: input.RequestItems };
    });

    await expect(transport().batchWrite([put('D#1')], now + 50_000)).rejects.toBeInstanceOf(DeadlinePassed);

    expect(sentAt).toEqual([1_000_000, 1_020_000, 1_040_000]);
  });

  it('stops retrying a throttled request once the deadline has passed', async () => {
    dynamoMock.on(BatchWriteItemCommand).callsFake(() => {
      sentAt.push(now);
      now += 20_000;
      throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    });

    await expect(transport().batchWrite([put('D#1')], now + 30_000)).rejects.toBeInstanceOf(DeadlinePassed);

    expect(sentAt).toEqual([1_000_000, 1_020_000]);
  });

  it('keeps resending without a deadline, as deletes do', async () => {
    let calls = 0;
    dynamoMock.on(BatchWriteItemCommand).callsFake((input) => {
      now += 20_000;
      return { UnprocessedItems: ++calls < 4 ? input.RequestItems : {} };
    });

    await transport().batchWrite([put('D#1')]);

    expect(calls).toBe(4);
  });
});

describe('Transport.batchGetWrittenOnce', () => {
  const key = (sk: string) => ({ pk: { S: 'U#u' }, sk: { S: sk } });
  const item = (sk: string) => ({ ...key(sk), d: { B: new Uint8Array([1]) } });

  it('reads eventually consistent, and strongly only the keys a replica did not have yet', async () => {
    const requests: { keys: string[]; consistent: boolean | undefined }[] = [];
    dynamoMock.on(BatchGetItemCommand).callsFake((input) => {
      const { Keys, ConsistentRead } = input.RequestItems[TABLE];
      const keys = Keys.map((k: { sk: { S: string } }) => k.sk.S);
      requests.push({ keys, consistent: ConsistentRead });
      // The replica lacks E#2, written a moment ago.
      const answered = ConsistentRead ? keys : keys.filter((sk: string) => sk !== 'E#2');
      return { Responses: { [TABLE]: answered.map(item) } };
    });

    const found = await transport().batchGetWrittenOnce([key('E#1'), key('E#2'), key('E#3')]);

    expect([...found.keys()].map((k) => k.split('\u0000')[1]).sort()).toEqual(['E#1', 'E#2', 'E#3']);
    expect(requests).toEqual([
      { keys: ['E#1', 'E#2', 'E#3'], consistent: false },
      { keys: ['E#2'], consistent: true },
    ]);
  });

  it('answers without a key that no read finds (collected by a newer commit)', async () => {
    dynamoMock.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] } });

    const found = await transport().batchGetWrittenOnce([key('E#1')]);

    expect(found.size).toBe(0);
    expect(dynamoMock.commandCalls(BatchGetItemCommand)).toHaveLength(2);
  });
});
