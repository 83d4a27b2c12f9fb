// Faults around a commit that the crash-after-N-writes properties do not reach: a commit DynamoDB applied but
// answered with an error, garbage collection cut short before a later merge reads only part of a day, and
// an attempt working from a head read long before.
import { describe, expect, it, vi } from 'vitest';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, hookedClient, isHeadCommit, type RequestHook } from './crashing-client.js';
import { stitchedReference } from './stitching-harness.js';
import { freshStore, type StoreUnderTest, storedSessions, writerOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const at = (iso: string) => Date.parse(iso);

/** A writer on the store's table whose requests go through `hook`. */
const writerThrough = (store: StoreUnderTest, hook: RequestHook) =>
  writerOn(store, hookedClient(dynamo.endpoint, hook));

const internalError = () =>
  Object.assign(new Error('We encountered an internal error. Please try again.'), {
    name: 'InternalServerError',
  });

/** What a resend past DynamoDB's memory of a transaction's token answers: its own condition failed. */
const cancelledTransaction = () =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
  });

/** DynamoDB applies the first request that `matches`, then the answer that comes back is `error`. */
function appliedThenFailed(
  matches: (command: string, input: Record<string, unknown>) => boolean,
  error: () => Error = internalError,
): RequestHook {
  let fired = false;
  return async (command, input, send) => {
    const output = await send();
    if (fired || !matches(command, input)) return output;
    fired = true;
    throw error();
  };
}

describe('a commit DynamoDB applied but answered with an error', () => {
  it('counts as committed: a retried commit failing its own condition does not delete what it committed', async () => {
    const store = await freshStore(dynamo.client);
    const stored = [
      record({ id: 'm:1', timestamp: at('2024-03-01T10:00:00Z'), userId: 'u' }),
      record({ id: 'm:2', timestamp: at('2024-03-05T10:00:00Z'), userId: 'u' }),
    ];
    await store.writer.mergeUserEvents('u', stored);
    const late = record({ id: 'm:3', timestamp: at('2024-03-03T10:00:00Z'), userId: 'u' });

    const result = await writerThrough(store, appliedThenFailed(isHeadCommit)).mergeUserEvents('u', [late]);

    expect(result.newEvents).toBe(1);
    expect(await storedSessions(store, ['u'])).toEqual(referenceSessions([...stored, late], store.rules));
    expect(await store.reader.getUserSummary('u')).toMatchObject({ sessionCount: 3, eventCount: 3 });
    // The same file again changes nothing.
    await store.writer.mergeUserEvents('u', [late]);
    expect(await store.reader.getUserSummary('u')).toMatchObject({ sessionCount: 3, eventCount: 3 });
  });

  it.each([
    ['a 500 (resent with the same token)', internalError],
    ['its own condition failing (a resend DynamoDB no longer knows)', cancelledTransaction],
  ])(
    'counts as committed for a stitching move answered with %s: the visit stays with its user',
    async (_, error) => {
      const store = await freshStore(dynamo.client, { identityStitching: true });
      const stitcher = new DynamoDbStitchingWriter(store.writer);
      const visit = [
        record({ id: 'm:v1', timestamp: at('2024-03-01T10:00:00Z'), userId: null, anonymousId: 'a' }),
        record({ id: 'm:v2', timestamp: at('2024-03-01T10:05:00Z'), userId: null, anonymousId: 'a' }),
      ];
      await stitcher.mergeAnonymousEvents('a', visit);
      const login = record({
        id: 'm:l',
        timestamp: at('2024-03-02T10:00:00Z'),
        userId: 'u',
        anonymousId: 'a',
      });
      await store.writer.mergeUserEvents('u', [login]);

      const flaky = new DynamoDbStitchingWriter(
        writerThrough(
          store,
          appliedThenFailed((command) => command === 'TransactWriteItemsCommand', error),
        ),
      );
      const outcome = await flaky.offerLink('a', {
        userId: 'u',
        timestamp: login.timestamp,
        eventId: login.id,
        canonical: '',
      });
      const more = record({
        id: 'm:v3',
        timestamp: at('2024-03-02T10:10:00Z'),
        userId: null,
        anonymousId: 'a',
      });
      await stitcher.mergeAnonymousEvents('a', [more]);

      expect(outcome).toMatchObject({ changed: true, moved: 2 });
      expect(await storedSessions(store, ['a', 'u'])).toEqual(
        stitchedReference([...visit, login, more], store.rules),
      );
    },
  );
});

describe('garbage collection cut short after a commit', () => {
  it('leaves a tombstone that a later merge reading only part of its day keeps, so the old day stays hidden', async () => {
    const store = await freshStore(dynamo.client);
    // 03-10 then a session a day: eight day items, one query page of the backward window read.
    const stored = [
      record({ id: 'm:d10', timestamp: at('2024-03-10T00:10:00Z'), userId: 'u' }),
      ...[11, 12, 13, 14, 15, 16, 17].map((day) =>
        record({ id: `m:d${day}`, timestamp: at(`2024-03-${day}T12:00:00Z`), userId: 'u' }),
      ),
    ];
    await store.writer.mergeUserEvents('u', stored);
    // Joins 03-10's only session to 03-09: 03-10 becomes a tombstone over its old page. The merge commits,
    // then dies before its garbage collection: the tombstone and the page it hides both stay.
    const late = record({ id: 'm:late', timestamp: at('2024-03-09T23:50:00Z'), userId: 'u' });
    let committed = false;
    const dying = writerThrough(store, async (command, input, send) => {
      if (committed) throw new Crash();
      const output = await send();
      committed = isHeadCommit(command, input);
      return output;
    });
    expect((await dying.mergeUserEvents('u', [late])).newEvents).toBe(1);

    // The backward query of this merge stops after days 17 down to 11 and 03-10's tombstone, before the
    // page that tombstone hides.
    const next = record({ id: 'm:next', timestamp: at('2024-03-17T23:00:00Z'), userId: 'u' });
    await store.writer.mergeUserEvents('u', [next]);

    expect(await storedSessions(store, ['u'])).toEqual(
      referenceSessions([...stored, late, next], store.rules),
    );
  });
});

describe('an append from a head read ahead long before', () => {
  it('stops writing by its deadline counted from that read, so its leftovers never count as committed', async () => {
    const store = await freshStore(dynamo.client);
    const onDay = (day: string) =>
      record({ id: `m:${day}`, timestamp: at(`2024-03-${day}T10:00:00Z`), userId: 'u' });
    const [first, second, third, fifth] = [onDay('01'), onDay('02'), onDay('03'), onDay('05')];
    await store.writer.mergeUserEvents('u', [first]);

    // An ingest reads its next users' heads ahead; this user's merge then waits its turn for minutes.
    const killedBeforeCommit = writerThrough(store, async (command, input, send) => {
      if (isHeadCommit(command, input)) throw new Crash();
      return send();
    });
    const readAt = Date.now();
    await killedBeforeCommit.prefetchHeads(['u']);
    const clock = vi.spyOn(Date, 'now');
    try {
      // Meanwhile another file commits version 2, and one more version 3 two minutes later: the head then
      // forgets version 2, the version the waiting append will write under.
      clock.mockImplementation(() => readAt);
      await store.writer.mergeUserEvents('u', [second]);
      clock.mockImplementation(() => readAt + 3 * 60_000);
      await store.writer.mergeUserEvents('u', [third]);
      await killedBeforeCommit.mergeUserEvents('u', [fifth]).catch((error: unknown) => {
        if (!(error instanceof Crash)) throw error;
      });
    } finally {
      clock.mockRestore();
    }
    // The file comes again, and merges.
    await store.writer.mergeUserEvents('u', [fifth]);

    expect(await storedSessions(store, ['u'])).toEqual(
      referenceSessions([first, second, third, fifth], store.rules),
    );
    expect(await store.reader.getUserSummary('u')).toMatchObject({ sessionCount: 4, eventCount: 4 });
  });
});
