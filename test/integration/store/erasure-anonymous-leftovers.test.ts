// What an erasure leaves of the erased user around an anonymousId it marks `ea`: a link to another user that
// came first, pages a stitching move that died left behind, parked copies, and the API over such an id.
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { parkedEvents } from '../../../functions/adapters/dynamodb/partition-change.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { call, userPath } from '../../unit/api/api-event.js';
import {
  aliceOnDevice,
  eraseCrashingAt,
  eraseRacing,
  eventCounts,
  HOUR,
  headOf,
  headsOnly,
  ingestDyingAfterMove,
  ingestFile,
  keysOf,
  lookupApi,
  ndjson,
  pageEventsOf,
  scanTable,
  stitchingStore,
  T0,
} from './erasure-harness.js';

const dynamo = useLocalDynamoDb();

describe('an erasure racing an earlier link of its anonymousId', () => {
  it('leaves an anonymousId that a link moved to another user before its mark as that user’s', async () => {
    const store = await stitchingStore(dynamo.client);
    await ingestFile(
      store,
      ndjson([...aliceOnDevice('dev', 'Browse'), { userId: 'bob', at: T0 - HOUR, id: 'b-1' }]),
    );
    // Bob's earlier login on the device lands after the eraser listed alice's markers, before it marks `dev`.
    await eraseRacing(
      store,
      dynamo.endpoint,
      'alice',
      (command, input) =>
        command === 'UpdateItemCommand' &&
        (input.Key as { pk?: { S?: string } } | undefined)?.pk?.S === 'U#dev',
      async () => {
        await ingestFile(
          store,
          ndjson([{ userId: 'bob', anonymousId: 'dev', at: T0 - 30 * MINUTE, id: 'b-link' }]),
        );
      },
    );
    expect((await headOf(store, 'dev')).link?.userId).toBe('bob');

    // As if the link had come first (rule 8 makes the device bob's): its events are bob's, and so are later ones.
    const { stats } = await ingestFile(
      store,
      ndjson([{ anonymousId: 'dev', at: T0 + 2 * MINUTE, id: 'd-later' }]),
    );
    expect(stats.erased).toBe(0);
    expect((await headOf(store, 'dev')).anonymousErased).toBe(false);
    expect((await store.reader.getUserSummary('dev'))?.stitchedTo).toBe('bob');
  });
});

describe('an erasure after a move out of the shared id that died before collecting its garbage', () => {
  it('leaves none of the erased user’s anonymous events in the other user’s partition, even if it never merges that day again', async () => {
    const store = await stitchingStore(dynamo.client);
    // Customer 42 is active two days later; device 42 browses before alice's login is known.
    await ingestFile(
      store,
      ndjson([
        { userId: '42', at: T0 + 48 * HOUR, id: 'u42-1', event: 'Order' },
        { anonymousId: '42', at: T0, id: 'a-browse', event: 'Secret Browse' },
      ]),
    );
    // Alice's login moves the browse to her partition; the ingest dies right after the move's transaction.
    await ingestDyingAfterMove(
      store,
      dynamo.endpoint,
      ndjson([{ userId: 'alice', anonymousId: '42', at: T0 + MINUTE, id: 'a-login' }]),
    );
    expect((await headOf(store, '42')).link?.userId).toBe('alice');

    const eraser = new DynamoDbEraser({ transport: store.transport });
    await eraser.eraseUser('alice');
    await eraser.eraseUser('alice');
    // Customer 42 may never merge that day again: the erasure itself must not leave the browse behind.
    expect(await eventCounts(store, '42')).toEqual([1]);
    const names = pageEventsOf(await scanTable(dynamo.client, store), (item) => item.pk?.S === 'U#42').map(
      (event) => event.name,
    );
    expect(names).not.toContain('Secret Browse');
  });
});

describe('parked copies under the shared id', () => {
  it('keeps none of the erased user’s anonymous copies in the other user’s head', async () => {
    const store = await stitchingStore(dynamo.client);
    // One messageId sent by customer 42 on device 42 and again without a userId: one copy is parked in U#42.
    await ingestFile(
      store,
      ndjson([
        { userId: '42', anonymousId: '42', at: T0 + 10 * MINUTE, id: 'dup', event: 'Secret Dup' },
        { anonymousId: '42', at: T0 + 10 * MINUTE, id: 'dup', event: 'Secret Dup' },
        { anonymousId: '42', at: T0 + 5 * MINUTE, id: 'a-browse', event: 'Secret Browse' },
      ]),
    );
    expect(parkedEvents('42', await headOf(store, '42'))).toHaveLength(1);
    // Alice's earlier login on the device stitches it to her: its anonymous events and copies are hers.
    await ingestFile(store, ndjson([{ userId: 'alice', anonymousId: '42', at: T0, id: 'a-login' }]));
    expect((await headOf(store, '42')).link?.userId).toBe('alice');
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');

    const head = await headOf(store, '42');
    const anonymousCopies = parkedEvents('42', head).filter((event) => event.userId === null);
    expect(anonymousCopies).toEqual([]);
    expect(await eventCounts(store, '42')).toEqual([1]);
    const names = pageEventsOf(await scanTable(dynamo.client, store), (item) => item.pk?.S === 'U#42')
      .filter((event) => event.userId === null)
      .map((event) => event.name);
    expect(names).toEqual([]);
  });
});

describe('the API over an anonymousId erased with its user, with no user of its own', () => {
  it('answers 404 for it after the erasure, and never names the erased user', async () => {
    const store = await stitchingStore(dynamo.client);
    await ingestFile(store, ndjson(aliceOnDevice('dev', 'Secret Browse')));
    const lookup = lookupApi(store);
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
    for (const path of [
      userPath('dev'),
      userPath('dev', 'sessions'),
      userPath('dev', 'sessions', '20240506T090000000Z'),
    ]) {
      const answer = await call(lookup, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(JSON.stringify(answer), path).not.toContain('alice');
    }
  });
});

describe('an anonymousId with no user of its own, left with garbage by a move that died', () => {
  it('is cleared to its head by an erasure run again after a crash at any write', async () => {
    for (let crashAt = 0; ; crashAt++) {
      const store = await stitchingStore(dynamo.client);
      await ingestFile(
        store,
        ndjson([{ anonymousId: 'dev', at: T0, id: 'a-browse', event: 'Secret Browse' }]),
      );
      await ingestDyingAfterMove(
        store,
        dynamo.endpoint,
        ndjson([{ userId: 'alice', anonymousId: 'dev', at: T0 + MINUTE, id: 'a-login' }]),
      );
      const crashed = await eraseCrashingAt(store, dynamo.endpoint, 'alice', crashAt);
      await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
      const items = await scanTable(dynamo.client, store);
      expect(keysOf(items, ['alice', 'dev']), `crash at ${crashAt}`).toEqual(headsOnly(['alice', 'dev']));
      expect((await headOf(store, 'dev')).anonymousErased).toBe(true);
      if (!crashed) break;
    }
  });
});
