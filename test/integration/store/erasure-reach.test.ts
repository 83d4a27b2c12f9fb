// What an erasure leaves behind of the erased user, and what it must not reach beyond it, against DynamoDB
// Local: parked copies, moves into an erased user, another user sharing an id with a stitched anonymousId.
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { call, userPath } from '../../unit/api/api-event.js';
import { Crash, hookedClient } from './crashing-client.js';
import {
  aliceOnDevice,
  eraseCrashingAt,
  eventCounts,
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
import { rebuildStore, recordRules, rulesOf } from './rebuild-harness.js';
import { freshStore, type StoreUnderTest, writerOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

describe('an erasure', () => {
  it('leaves none of the erased user’s events in its head (parked copies)', async () => {
    const store = await stitchingStore(dynamo.client);
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
    const store = await stitchingStore(dynamo.client);
    await new DynamoDbEraser({ transport: store.transport }).eraseUser('carol');
    await ingestFile(store, ndjson([{ anonymousId: 'anon-c', at: T0, id: 'c-browse', event: 'Private' }]));

    // The ingest of the link dies (a Lambda timeout) right after the move's transaction.
    await ingestDyingAfterMove(
      store,
      dynamo.endpoint,
      ndjson([{ userId: 'carol', anonymousId: 'anon-c', at: T0 + MINUTE, id: 'c-login' }]),
    );

    // The move committed carol's new totals on her erased head; the erasure it runs next never ran.
    expect((await headOf(store, 'carol')).erased).toBe(true);
    const lookup = lookupApi(store);
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

  it('does not erase another user whose userId equals an anonymousId stitched to the erased user', async () => {
    const store = await stitchingStore(dynamo.client);
    // Numeric ids: device 42 is alice's (her login on it), and 42 is also the userId of another customer.
    const lines = [
      {
        type: 'track',
        event: 'Browse',
        anonymousId: 42,
        timestamp: new Date(T0).toISOString(),
        messageId: 'a-1',
      },
      {
        type: 'identify',
        userId: 'alice',
        anonymousId: 42,
        timestamp: new Date(T0 + MINUTE).toISOString(),
        messageId: 'a-2',
      },
      {
        type: 'track',
        event: 'Order',
        userId: 42,
        timestamp: new Date(T0).toISOString(),
        messageId: 'u42-1',
      },
      {
        type: 'track',
        event: 'Order',
        userId: 42,
        timestamp: new Date(T0 + 3_600_000 * 5).toISOString(),
        messageId: 'u42-2',
      },
    ];
    await ingestFile(store, lines.map((line) => JSON.stringify(line)).join('\n'));
    const before = await store.reader.listSessions({ userId: '42', order: 'asc', limit: 10 });
    expect(before.sessions.map((session) => session.eventCount)).toEqual([1, 1]);
    expect((await headOf(store, '42')).link?.userId).toBe('alice');

    await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');

    // Alice's sessions are gone; user 42's own sessions are not alice's.
    expect(await store.reader.getUserSummary('alice')).toBeUndefined();
    const after = await store.reader.listSessions({ userId: '42', order: 'asc', limit: 10 });
    expect(after.sessions.map((session) => session.eventCount)).toEqual([1, 1]);
    expect((await headOf(store, '42')).erased).toBe(false);
    // And user 42's later events are still accepted.
    const { stats } = await ingestFile(
      store,
      JSON.stringify({
        type: 'track',
        event: 'Order',
        userId: 42,
        timestamp: new Date(T0 + 86_400_000).toISOString(),
        messageId: 'u42-3',
      }),
    );
    expect(stats.erased).toBe(0);
    // The anonymousId stays erased: its anonymous events are refused, and so is an earlier link to someone else.
    const device = [
      {
        type: 'track',
        event: 'Browse',
        anonymousId: 42,
        timestamp: new Date(T0 + 2 * MINUTE).toISOString(),
        messageId: 'a-3',
      },
      {
        type: 'identify',
        userId: 'zoe',
        anonymousId: 42,
        timestamp: new Date(T0 - MINUTE).toISOString(),
        messageId: 'z-1',
      },
    ];
    const replay = await ingestFile(store, device.map((line) => JSON.stringify(line)).join('\n'));
    expect(replay.stats.erased).toBe(1);
    expect((await headOf(store, '42')).link?.userId).toBe('alice');
    expect(keysOf(await scanTable(dynamo.client, store), ['alice'])).toEqual(headsOnly(['alice']));
    // The API shows user 42 without naming the erased user its device was stitched to.
    const lookup = lookupApi(store);
    const summary = await call(lookup, 'GET', userPath('42'));
    expect(summary.status).toBe(200);
    expect(JSON.stringify(summary.body)).not.toContain('alice');
  });

  // The crashed move's staged pages in yves's partition stay invisible, registered as an intent in yves's
  // head, until a merge into yves cleans it (16 minutes after the crash at the earliest, never if yves gets
  // no more events). Nothing in alice's partition or in anon-a's head names yves but alice's half of the
  // move's intent, which names its partners: the eraser abandons the move there before wiping alice.
  /** The names of the events in the crashed move's staged pages. */
  type Leftovers = () => Promise<(string | null)[]>;

  /**
   * alice with anon-a's browse; then an earlier link to yves whose move dies (a Lambda timeout) just before
   * its commit, leaving staged pages in yves's partition. Answers the names of the events they hold.
   */
  async function moveToYvesThatCrashed(store: StoreUnderTest): Promise<Leftovers> {
    let dead = false;
    const dying = hookedClient(dynamo.endpoint, async (command, _input, send) => {
      if (command === 'TransactWriteItemsCommand') dead = true;
      if (dead) throw new Crash();
      return send();
    });
    await expect(
      ingestFile(
        { ...store, writer: writerOn(store, dying) },
        ndjson([{ userId: 'yves', anonymousId: 'anon-a', at: T0 - 30 * MINUTE, id: 'y-link' }]),
      ),
    ).rejects.toThrow();
    dying.destroy();
    const staged = [...(await headOf(store, 'yves')).intents.keys()];
    expect(staged).toHaveLength(1);
    const leftovers = async () =>
      pageEventsOf(
        await scanTable(dynamo.client, store),
        (item) => item.pk?.S === 'U#yves' && item.t?.S === staged[0],
      ).map((event) => event.name);
    expect(await leftovers()).toContain('Secret Browse');
    return leftovers;
  }

  async function aliceAndYves(): Promise<StoreUnderTest> {
    const store = await stitchingStore(dynamo.client);
    await ingestFile(
      store,
      ndjson([
        ...aliceOnDevice('anon-a', 'Secret Browse'),
        { userId: 'yves', at: T0 - 60 * MINUTE, id: 'y-1' },
      ]),
    );
    return store;
  }

  /** Nothing of alice's is left, in her partition or in yves's; yves keeps his own event, and only it. */
  async function expectAliceGone(store: StoreUnderTest, leftovers: Leftovers) {
    expect(await leftovers()).toEqual([]);
    expect((await headOf(store, 'yves')).intents.size).toBe(0);
    expect((await headOf(store, 'alice')).intents.size).toBe(0);
    expect(keysOf(await scanTable(dynamo.client, store), ['alice'])).toEqual(headsOnly(['alice']));
    const yves = await call(lookupApi(store), 'GET', `${userPath('yves')}/sessions`);
    expect(yves.status).toBe(200);
    expect(yves.body).toMatchObject({
      sessions: [{ eventCount: 1, startedAt: new Date(T0 - 60 * MINUTE).toISOString() }],
    });
  }

  it.each([0, 1, 2, 3])(
    'leaves none of the erased user’s events in another user’s partition after a move that crashed (an erasure dying after %i writes first)',
    async (writesBeforeCrash) => {
      const store = await aliceAndYves();
      const leftovers = await moveToYvesThatCrashed(store);

      expect(await eraseCrashingAt(store, dynamo.endpoint, 'alice', writesBeforeCrash)).toBe(true);
      await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');

      await expectAliceGone(store, leftovers);
    },
  );

  it('abandons a move that registered after the erasure read the head, before its mark', async () => {
    const store = await aliceAndYves();
    let leftovers: Leftovers | undefined;
    const racing = new MarkRacingTransport({
      client: dynamo.client,
      tableName: store.tableName,
      baseDelayMs: 2,
    });
    racing.beforeMark = async () => {
      leftovers = await moveToYvesThatCrashed(store);
    };

    await new DynamoDbEraser({ transport: racing }).eraseUser('alice');

    expect(leftovers).toBeDefined();
    await expectAliceGone(store, leftovers as Leftovers);
  });

  it('lets a rebuild that turns stitching off finish past an anonymousId erased with its user', async () => {
    const onTarget = await eraseAliceThenRebuild(await stitchingStore(dynamo.client), {
      identityStitching: false,
    });

    // Stitching off, the anonymousId's events would be its own (rule 2): still refused, as the erasure promised.
    const { stats } = await ingestFile(
      onTarget,
      ndjson([{ anonymousId: 'anon-a', at: T0 + 2 * MINUTE, id: 'a-later' }]),
    );
    expect(stats.erased).toBe(1);
  });

  it('takes a link to a user erased before a rebuild turned stitching on, and erases what it brings', async () => {
    const onTarget = await eraseAliceThenRebuild(await freshStore(dynamo.client), {
      identityStitching: true,
    });

    // The erased user's head was never cut under any rules: the link to it goes through, beside a new user.
    const { stats } = await ingestFile(
      onTarget,
      ndjson([
        { userId: 'alice', anonymousId: 'anon-a', at: T0 + 2 * MINUTE, id: 'a-again' },
        { userId: 'carol', at: T0, id: 'c-1' },
      ]),
    );
    expect(stats.erased).toBe(1);
    expect(await eventCounts(onTarget, 'carol')).toEqual([1]);
    expect(await eventCounts(onTarget, 'bob')).toEqual([1]);
    // With stitching on, anon-a's browsing is alice's (rule 8), so it is erased with her.
    const api = lookupApi(onTarget);
    expect((await call(api, 'GET', userPath('anon-a'))).status).toBe(404);
    expect((await call(api, 'GET', userPath('alice'))).status).toBe(404);
  });
});

/**
 * Alice (who browsed as anon-a first) and bob ingested under the store's rules, alice erased, then the table
 * rebuilt to `rules` (the whole rebuild, its count at finish included): the store under those rules.
 */
async function eraseAliceThenRebuild(
  store: StoreUnderTest,
  rules: Partial<SessionRules>,
): Promise<StoreUnderTest> {
  await recordRules(store);
  await ingestFile(store, ndjson([...aliceOnDevice('anon-a'), { userId: 'bob', at: T0, id: 'b-1' }]));
  await new DynamoDbEraser({ transport: store.transport }).eraseUser('alice');
  const rebuilt = await rebuildStore(store, rulesOf(rules), { totalSegments: 1 });
  expect(rebuilt.run.counted).toBe(true);
  return rebuilt.store;
}

/** A transport that runs `beforeMark` once, just before its first update reaches the table (an erasure's mark). */
class MarkRacingTransport extends Transport {
  beforeMark: (() => Promise<void>) | undefined;
  override async update(...args: Parameters<Transport['update']>) {
    const run = this.beforeMark;
    this.beforeMark = undefined;
    if (run !== undefined) await run();
    return super.update(...args);
  }
}
