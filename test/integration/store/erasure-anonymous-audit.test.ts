// Audit of erasing an anonymousId with the user it is stitched to (`ea`), where that id is also another user's
// userId (rule 2: one id, one partition): merges of that other user racing the erasure, and rebuilds after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-servers.js';
import { hookedClient } from './crashing-client.js';
import { headOf, ingestFile, ndjson } from './erasure-harness.js';
import { freshStore, storedSessions } from './store-harness.js';

let dynamo: LocalDynamoDb;

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
});

afterAll(async () => {
  await dynamo?.stop();
});

const T0 = Date.UTC(2024, 4, 6, 9, 0, 0);
const HOUR = 60 * MINUTE;

const stitchingStore = () => freshStore(dynamo.client, { identityStitching: true });

describe('erasing a user whose anonymousId is another user’s userId', () => {
  it('keeps the sessions that other user commits while the erasure clears the id’s partition', async () => {
    const store = await stitchingStore();
    // Device 42 is alice's; customer 42 has no sessions yet when alice is erased.
    await ingestFile(
      store,
      ndjson([
        { anonymousId: '42', at: T0, id: 'a-browse', event: 'Secret Browse' },
        { userId: 'alice', anonymousId: '42', at: T0 + MINUTE, id: 'a-login' },
      ]),
    );
    expect((await headOf(store, '42')).totals.sessionCount).toBe(0);

    // Customer 42's first event lands after the eraser marked U#42 `ea` and before it clears its pages.
    let landed = false;
    const client = hookedClient(dynamo.endpoint, async (command, input, send) => {
      const values = input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined;
      if (
        !landed &&
        command === 'QueryCommand' &&
        values?.[':pk']?.S === 'U#42' &&
        values[':from'] !== undefined
      ) {
        landed = true;
        const { stats } = await ingestFile(
          store,
          ndjson([{ userId: '42', at: T0 + 5 * HOUR, id: 'u42-1', event: 'Order' }]),
        );
        expect(stats.erased).toBe(0);
      }
      return send();
    });
    const transport = new Transport({ client, tableName: store.tableName, baseDelayMs: 2 });
    await new DynamoDbEraser({ transport }).eraseUser('alice');
    client.destroy();
    expect(landed).toBe(true);

    expect((await headOf(store, '42')).totals.sessionCount).toBe(1);
    const sessions = await storedSessions(store, ['42']);
    expect(sessions.map((session) => session.eventCount)).toEqual([1]);
  });
});
