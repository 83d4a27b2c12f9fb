// Erasure audit: what an erasure leaves behind or reaches beyond the erased user, against DynamoDB Local.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-servers.js';
import { headOf, headsOnly, ingestFile, keysOf, ndjson, scanTable } from './erasure-harness.js';
import { freshStore } from './store-harness.js';

let dynamo: LocalDynamoDb;

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
});

afterAll(async () => {
  await dynamo?.stop();
});

const T0 = Date.UTC(2024, 4, 6, 9, 0, 0);

const stitchingStore = () => freshStore(dynamo.client, { identityStitching: true });

describe('erasure audit', () => {
  it('leaves none of the erased user’s events in its head (parked copies)', async () => {
    const store = await stitchingStore();
    // One messageId sent with alice's userId and again without one: the copy that loses is parked in the head.
    await ingestFile(
      store,
      ndjson([
        { userId: 'alice', anonymousId: 'anon-a', at: T0, id: 'dup', event: 'Secret Purchase' },
        { anonymousId: 'anon-a', at: T0 + MINUTE, id: 'dup', event: 'Secret Purchase' },
      ]),
    );
    expect((await headOf(store, 'alice')).parked).toBeDefined();

    await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');

    expect(keysOf(await scanTable(dynamo.client, store), ['alice'])).toEqual(headsOnly(['alice']));
    expect((await headOf(store, 'alice')).parked, 'parked copies of an erased user').toBeUndefined();
  });
});
