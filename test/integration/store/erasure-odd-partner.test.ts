// An erasure abandons a crashed stitching move in every partition the move's intent names (docs/operations.md),
// also one of an id holding a lone surrogate, which has no UTF-8 and so cannot be written as a string.
import { expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { userPk } from '../../../functions/adapters/dynamodb/keys.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, hookedClient } from './crashing-client.js';
import {
  aliceOnDevice,
  headOf,
  headsOnly,
  ingestFile,
  keysOf,
  ndjson,
  pageEventsOf,
  scanTable,
  stitchingStore,
  T0,
} from './erasure-harness.js';
import { writerOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

/** A user of its own: not `y\ufffd`, nor the `y?` DynamoDB would make of the id written raw. */
const YVES = 'y\ud800';

it('leaves none of the erased user’s events in the partition of a crashed move’s partner whose id has a lone surrogate', async () => {
  const store = await stitchingStore(dynamo.client);
  await ingestFile(
    store,
    ndjson([...aliceOnDevice('anon-a', 'Secret Browse'), { userId: YVES, at: T0 - 60 * MINUTE, id: 'y-1' }]),
  );
  // An earlier link of anon-a to YVES, whose move dies (a Lambda timeout) just before its commit.
  let dead = false;
  const dying = hookedClient(dynamo.endpoint, async (command, _input, send) => {
    if (command === 'TransactWriteItemsCommand') dead = true;
    if (dead) throw new Crash();
    return send();
  });
  await expect(
    ingestFile(
      { ...store, writer: writerOn(store, dying) },
      ndjson([{ userId: YVES, anonymousId: 'anon-a', at: T0 - 30 * MINUTE, id: 'y-link' }]),
    ),
  ).rejects.toThrow();
  dying.destroy();
  const staged = [...(await headOf(store, YVES)).intents.keys()];
  expect(staged).toHaveLength(1);
  expect([...(await headOf(store, 'alice')).intents.values()].map((intent) => intent.partners)).toEqual([
    [YVES],
  ]);
  const leftovers = async () =>
    pageEventsOf(
      await scanTable(dynamo.client, store),
      (item) => item.pk?.S === userPk(YVES) && item.t?.S === staged[0],
    ).map((event) => event.name);
  expect(await leftovers()).toContain('Secret Browse');

  await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');

  expect(await leftovers()).toEqual([]);
  expect((await headOf(store, YVES)).intents.size).toBe(0);
  expect(keysOf(await scanTable(dynamo.client, store), ['alice'])).toEqual(headsOnly(['alice']));
}, 120_000);
