import { describe, expect, it } from 'vitest';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { rebuildTo, recordRules, rulesOf, runRebuild } from './rebuild-harness.js';
import { ingestStitched, stitchedReference } from './stitching-harness.js';
import { freshStore, ingest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 4, 6, 9, 0, 0);
/** u logs in on device a, which sent an event without a userId ten minutes later: one session under either gap. */
const EVENTS = [
  record({ id: 'm:login', userId: 'u', anonymousId: 'a', timestamp: T0 }),
  record({ id: 'm:anon', userId: null, anonymousId: 'a', timestamp: T0 + 10 * MINUTE }),
];

describe('sessions written by a rebuild', () => {
  it('counts the sessions a link offered when stitching is turned on rewrites', async () => {
    const store = await freshStore(dynamo.client, { gapMinutes: 30 });
    await recordRules(store);
    await ingest(store, EVENTS);
    const target = rulesOf({ gapMinutes: 20, identityStitching: true });

    const { counts } = await runRebuild(rebuildTo(store.transport, target).table, { totalSegments: 1 });

    // Both partitions cut the same under gap 20: only the move writes, u's one session now holding both.
    expect(counts).toMatchObject({ sessionsWritten: 1, linksOffered: 1, eventsMoved: 1 });
    expect(await storedSessions(store, ['u', 'a'])).toEqual(stitchedReference(EVENTS, target));
  });

  it('counts the sessions both partitions are rewritten with when stitching is turned off', async () => {
    const store = await freshStore(dynamo.client, { gapMinutes: 30, identityStitching: true });
    await recordRules(store);
    await ingestStitched(
      new DynamoDbSessionWriter({ transport: store.transport, rules: store.rules }),
      EVENTS,
    );
    const target = rulesOf({ gapMinutes: 20 });

    const { counts } = await runRebuild(rebuildTo(store.transport, target).table, { totalSegments: 1 });

    // u keeps a session of its own event, a takes one back with its anonymous event.
    expect(counts).toMatchObject({ sessionsWritten: 2, eventsMoved: 1 });
    expect(await storedSessions(store, ['u', 'a'])).toEqual(referenceSessions(EVENTS, target));
  });
});
