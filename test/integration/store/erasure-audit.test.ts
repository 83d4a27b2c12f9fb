// Erasure audit: what an erasure leaves behind or reaches beyond the erased user, against DynamoDB Local.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { createApiHandler } from '../../../functions/api/app.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-servers.js';
import { call, TEST_SIGNING_KEY, userPath } from '../../unit/api/api-event.js';
import { Crash, hookedClient } from './crashing-client.js';
import { headOf, headsOnly, ingestFile, keysOf, ndjson, scanTable } from './erasure-harness.js';
import { freshStore, type StoreUnderTest, writerOn } from './store-harness.js';

let dynamo: LocalDynamoDb;

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
});

afterAll(async () => {
  await dynamo?.stop();
});

const T0 = Date.UTC(2024, 4, 6, 9, 0, 0);

const stitchingStore = () => freshStore(dynamo.client, { identityStitching: true });

function api(store: StoreUnderTest) {
  return createApiHandler({
    reader: store.reader,
    config: { cursorSigningKey: TEST_SIGNING_KEY, corsAllowedOrigins: [], pathsDecoded: false },
    logger: { error: () => undefined },
  });
}

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

  it('never serves events that a link moved into an erased user, even when the ingest dies right after the move', async () => {
    const store = await stitchingStore();
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('carol');
    await ingestFile(store, ndjson([{ anonymousId: 'anon-c', at: T0, id: 'c-browse', event: 'Private' }]));

    // The ingest of the link dies (a Lambda timeout) right after the move's transaction.
    let moved = false;
    const dying = hookedClient(dynamo.endpoint, async (command, _input, send) => {
      if (moved) throw new Crash();
      const answer = await send();
      if (command === 'TransactWriteItemsCommand') moved = true;
      return answer;
    });
    await expect(
      ingestFile(
        { ...store, writer: writerOn(store, dying) },
        ndjson([{ userId: 'carol', anonymousId: 'anon-c', at: T0 + MINUTE, id: 'c-login' }]),
      ),
    ).rejects.toThrow();
    dying.destroy();
    expect(moved).toBe(true);

    // The move committed carol's new totals on her erased head; the erasure it runs next never ran.
    expect((await headOf(store, 'carol')).erased).toBe(true);
    const lookup = api(store);
    for (const path of [
      userPath('carol', 'sessions'),
      userPath('carol', 'sessions', '20240506T090000000Z'),
      userPath('anon-c', 'sessions'),
    ]) {
      const answer = await call(lookup, 'GET', path);
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).not.toBe(200);
    }
    // Erasing again, as docs/operations.md asks after a crash, deletes what the move brought.
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('carol');
    expect(keysOf(await scanTable(dynamo.client, store), ['carol', 'anon-c'])).toEqual(
      headsOnly(['carol', 'anon-c']),
    );
  });
});
