import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { deliveryArbitrary, MINUTE, record } from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, crashingClient } from './crashing-client.js';
import { everyone, ingestStitched, stitchedReference, stitchingEvents } from './stitching-harness.js';
import { freshStore, type StoreUnderTest, storedSessions, writerOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 0, 31, 23, 0, 0);

function crashingWriter(store: StoreUnderTest, writesBeforeCrash: number): DynamoDbSessionWriter {
  return writerOn(store, crashingClient(dynamo.endpoint, writesBeforeCrash), { pageLimitBytes: 600 });
}

describe('identity stitching in the store', () => {
  it('converges to the batch result whatever the split, order, duplication, concurrency and crashes', async () => {
    await fc.assert(
      fc.asyncProperty(
        stitchingEvents(T0, { sharedIds: true }).chain((events) =>
          fc.record({
            events: fc.constant(events),
            delivery: deliveryArbitrary(events, 4),
            concurrent: fc.boolean(),
            crash: fc.option(fc.record({ at: fc.nat(), afterWrites: fc.integer({ min: 0, max: 15 }) }), {
              nil: undefined,
            }),
          }),
        ),
        async ({ events, delivery, concurrent, crash }) => {
          const store = await freshStore(dynamo.client, { identityStitching: true }, { pageLimitBytes: 600 });
          const writer = new DynamoDbSessionWriter({
            transport: store.transport,
            rules: store.rules,
            pageLimitBytes: 600,
            wholePartitionEvents: 0,
          });
          const files = delivery.order.map((index) => delivery.files[index] ?? []);
          if (crash !== undefined) {
            // One delivery dies partway (its merge or its move), and is delivered again later.
            const dying = files[crash.at % files.length] ?? [];
            await ingestStitched(crashingWriter(store, crash.afterWrites), dying).catch((error) => {
              if (!(error instanceof Crash)) throw error;
            });
          }
          if (concurrent) await Promise.all(files.map((file) => ingestStitched(writer, file)));
          else for (const file of files) await ingestStitched(writer, file);
          const expected = stitchedReference(events, store.rules);
          const stored = await storedSessions(store, everyone(events));
          expect(stored).toEqual(expected);
          // The audit: every event once, across every partition.
          const distinct = expected.reduce((sum, session) => sum + session.eventCount, 0);
          expect(stored.reduce((sum, session) => sum + session.eventCount, 0)).toBe(distinct);
        },
      ),
      integrationParams(200),
    );
  }, 900_000);

  it("moves a visitor's history to the user when the link arrives late, and again when an earlier link arrives last", async () => {
    const store = await freshStore(dynamo.client, { identityStitching: true });
    const visit = [
      record({ id: 'm:v1', timestamp: T0, anonymousId: 'kiosk', userId: null }),
      record({ id: 'm:v2', timestamp: T0 + 5 * MINUTE, anonymousId: 'kiosk', userId: null }),
    ];
    const laterLink = record({
      id: 'm:l2',
      timestamp: T0 + 60 * MINUTE,
      anonymousId: 'kiosk',
      userId: 'u-b',
    });
    const earlierLink = record({
      id: 'm:l1',
      timestamp: T0 + 10 * MINUTE,
      anonymousId: 'kiosk',
      userId: 'u-a',
    });
    for (const file of [visit, [laterLink], [earlierLink]]) await ingestStitched(store.writer, file);
    const all = [...visit, laterLink, earlierLink];
    expect(await storedSessions(store, everyone(all))).toEqual(stitchedReference(all, store.rules));
    expect(await store.reader.getUserSummary('kiosk')).toMatchObject({ stitchedTo: 'u-a', sessionCount: 0 });
    expect(await store.reader.getUserSummary('u-a')).toMatchObject({
      stitchedCount: 1,
      stitchedSample: ['kiosk'],
    });
    expect(await store.reader.getUserSummary('u-b')).toMatchObject({ stitchedCount: 0 });
  });

  // Marker keys sort by UTF-8 bytes, the sample by UTF-16 code units: \u{10000} comes after \uffff in the
  // table but before it in the sample.
  it('names the first 20 stitched anonymousIds in UTF-16 order after one of them leaves', async () => {
    const store = await freshStore(dynamo.client, { identityStitching: true });
    const ids = [...Array.from({ length: 21 }, (_, k) => `\uffff${String(k).padStart(2, '0')}`), '\u{10000}'];
    const links = ids.map((anonymousId, k) =>
      record({ id: `m:l${k}`, timestamp: T0 + 60 * MINUTE + k, anonymousId, userId: 'u-a' }),
    );
    await ingestStitched(store.writer, links);
    const earlier = record({ id: 'm:e', timestamp: T0, anonymousId: ids[0] as string, userId: 'u-b' });
    await ingestStitched(store.writer, [earlier]);
    expect(await store.reader.getUserSummary('u-a')).toMatchObject({
      stitchedCount: 21,
      stitchedSample: ['\u{10000}', ...ids.slice(1, 20)],
    });
  });

  it('says a user whose anonymousId is their own userId is stitched to no one (a client would loop)', async () => {
    const store = await freshStore(dynamo.client, { identityStitching: true });
    const events = [
      record({ id: 'm:i', timestamp: T0, anonymousId: 'same', userId: 'same' }),
      record({ id: 'm:p', timestamp: T0 + MINUTE, anonymousId: 'same', userId: null }),
    ];
    await ingestStitched(store.writer, events);
    expect(await storedSessions(store, everyone(events))).toEqual(stitchedReference(events, store.rules));
    expect(await store.reader.getUserSummary('same')).toMatchObject({
      stitchedTo: undefined,
      sessionCount: 1,
    });
  });

  // An anonymous event and a user's event with the same id are one event while the anonymousId links to that
  // user; an earlier link that moves the anonymousId to another user makes them two again, so the copy that
  // lost was parked in the head (MergePlan.parked) and takes its place now.
  for (const [name, userEventAt] of [
    ['the anonymous copy, later, is lost', T0 + 60 * MINUTE],
    ["the user's own copy, later, is lost", T0 + 180 * MINUTE],
  ] as const) {
    it(`keeps both copies of one id across a late link that moves the anonymousId: ${name}`, async () => {
      const store = await freshStore(dynamo.client, { identityStitching: true });
      const firstLink = record({ id: 'm:x', timestamp: userEventAt, anonymousId: 'a', userId: 'v' });
      const anonymousCopy = record({
        id: 'm:x',
        timestamp: T0 + 120 * MINUTE,
        anonymousId: 'a',
        userId: null,
      });
      const earlierLink = record({ id: 'm:l', timestamp: T0, anonymousId: 'a', userId: 'u' });
      for (const file of [[firstLink], [anonymousCopy], [earlierLink]])
        await ingestStitched(store.writer, file);
      const all = [firstLink, anonymousCopy, earlierLink];
      expect(await storedSessions(store, everyone(all))).toEqual(stitchedReference(all, store.rules));
    });
  }
});
