// The store's limits: no legitimate event makes an item too large, ids never share a partition, and the
// order of days does not depend on how their keys are written (issue: store defects 2 to 4).
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DISPLAY_LENGTH } from '../../../functions/domain/events/display-text.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../../functions/domain/rules/timestamp.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-servers.js';
import { freshStore, ingest, type StoreUnderTest, storedSessions } from './store-harness.js';

let dynamo: LocalDynamoDb;

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
});

afterAll(async () => {
  await dynamo?.stop();
});

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
/** DynamoDB's item size limit. */
const ITEM_LIMIT_BYTES = 400 * 1024;

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return value.N.length;
  if (value.B !== undefined) return value.B.length;
  if (value.M !== undefined)
    return Object.entries(value.M).reduce((sum, [key, inner]) => sum + key.length + valueBytes(inner), 3);
  if (value.L !== undefined) return value.L.reduce((sum, inner) => sum + 1 + valueBytes(inner), 3);
  return 1;
}

async function largestItemBytes(store: StoreUnderTest): Promise<number> {
  let largest = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.client.send(
      new ScanCommand({ TableName: store.tableName, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const bytes = Object.entries(item).reduce(
        (sum, [key, value]) => sum + key.length + valueBytes(value),
        0,
      );
      largest = Math.max(largest, bytes);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return largest;
}

describe('store limits', () => {
  it('stores a day of 1,500 one-event sessions with the longest names and urls, every item under 400 KB', async () => {
    const store = await freshStore(dynamo.client, { gapMinutes: 1 }, { wholePartitionEvents: 0 });
    const long = (seed: number) => `${seed}`.padEnd(MAX_DISPLAY_LENGTH, 'é');
    const events = Array.from({ length: 1_500 }, (_, index) =>
      record({
        id: `m:${index}`,
        timestamp: T0 + index * 2 * MINUTE - (index % 2),
        userId: 'busy',
        type: 'page',
        name: long(index),
        page: {
          url: `https://example.com/${long(index)}`,
          path: `/${long(index)}`,
          title: long(index),
          referrer: null,
        },
      }),
    );

    await ingest(store, events);

    expect(await storedSessions(store, ['busy'], 'asc', 100)).toEqual(referenceSessions(events, store.rules));
    expect(await largestItemBytes(store)).toBeLessThan(ITEM_LIMIT_BYTES);
  }, 120_000);

  it('keeps a user whose id looks like a hashed key apart from the user with the longest id', async () => {
    const store = await freshStore(dynamo.client);
    const longest = 'u'.repeat(512);
    const lookalike = `~sha256:${'0'.repeat(64)}`;
    const events = [
      record({ id: 'm:long', timestamp: T0, userId: longest }),
      record({ id: 'm:look', timestamp: T0 + MINUTE, userId: lookalike }),
    ];

    for (const event of events) await ingest(store, [event]);

    expect(await storedSessions(store, [longest, lookalike])).toEqual(referenceSessions(events, store.rules));
  });

  it('orders the first and the last accepted instants of a user as days, whatever their keys look like', async () => {
    const store = await freshStore(dynamo.client);
    const events = [
      record({ id: 'm:last', timestamp: MAX_INSTANT_MS, userId: 'ages' }),
      record({ id: 'm:first', timestamp: MIN_INSTANT_MS, userId: 'ages' }),
      record({ id: 'm:middle', timestamp: T0, userId: 'ages' }),
    ];

    for (const event of events) await ingest(store, [event]);
    await ingest(store, events);

    expect(await storedSessions(store, ['ages'])).toEqual(referenceSessions(events, store.rules));
    // Read newest first, page by page (the harness puts them back in ascending order).
    expect(await storedSessions(store, ['ages'], 'desc', 1)).toEqual(referenceSessions(events, store.rules));
  });
});
