import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WHOLE_PARTITION_EVENTS } from '../../../functions/adapters/dynamodb/partition-change.js';
import { REQUESTS_IN_FLIGHT } from '../../../functions/adapters/dynamodb/put-combiner.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import {
  deliveryArbitrary,
  eventRecordsArbitrary,
  MINUTE,
  record,
  referenceSessions,
} from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { freshStore, ingest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);
const DAY = 24 * 60 * MINUTE;

describe('DynamoDbSessionWriter', () => {
  it('stores a file and reads back the batch sessions with attributes and numbers', async () => {
    const store = await freshStore(dynamo.client);
    const events = [
      record({
        id: 'm:1',
        timestamp: T0,
        userId: 'u',
        type: 'page',
        page: { url: 'https://x/?utm_source=a', path: '/', title: 'X', referrer: null },
      }),
      record({ id: 'm:2', timestamp: T0 + 5 * MINUTE, userId: 'u' }),
      record({ id: 'm:3', timestamp: T0 + 2 * 60 * MINUTE, userId: 'u', anonymousId: 'd' }),
    ];
    await ingest(store, events);
    expect(await storedSessions(store, ['u'])).toEqual(referenceSessions(events, store.rules));
    const summary = await store.reader.getUserSummary('u');
    expect(summary).toMatchObject({
      sessionCount: 2,
      eventCount: 3,
      firstSeenAt: T0,
      lastSeenAt: T0 + 120 * MINUTE,
    });
  });

  it('joins two stored sessions when a late event bridges them', async () => {
    const store = await freshStore(dynamo.client);
    const early = record({ id: 'm:1', timestamp: T0, userId: 'u' });
    const late = record({ id: 'm:3', timestamp: T0 + 50 * MINUTE, userId: 'u' });
    const bridge = record({ id: 'm:2', timestamp: T0 + 25 * MINUTE, userId: 'u' });
    await ingest(store, [early, late]);
    expect((await storedSessions(store, ['u'])).length).toBe(2);
    await ingest(store, [bridge]);
    expect(await storedSessions(store, ['u'])).toEqual(referenceSessions([early, late, bridge], store.rules));
  });

  it('keeps only the earliest copy of an id sent again weeks apart, whichever arrives first', async () => {
    for (const order of ['earliest first', 'latest first'] as const) {
      const store = await freshStore(dynamo.client, {}, { wholePartitionEvents: WHOLE_PARTITION_EVENTS });
      const first = record({ id: 'm:again', timestamp: T0, userId: 'u', name: 'first' });
      const again = record({ id: 'm:again', timestamp: T0 + 45 * DAY, userId: 'u', name: 'again' });
      const other = record({ id: 'm:other', timestamp: T0 + 45 * DAY + MINUTE, userId: 'u' });
      const files = order === 'earliest first' ? [[first], [again, other]] : [[again, other], [first]];
      for (const file of files) await ingest(store, file);
      expect(await storedSessions(store, ['u']), order).toEqual(
        referenceSessions([first, again, other], store.rules),
      );
    }
  });

  it('leaves a parked copy outside the window where it is when a copy sent again weeks later is loaded', async () => {
    const store = await freshStore(dynamo.client);
    // As the ingest merges: with the texts its ties read (none here), so parked copies are weighed again.
    const merge = (events: EventRecord[]) => store.writer.mergeUserEvents('u', events, new Map());
    // The user's copy from device d loses to the earlier copy without a device and is parked for its link.
    const first = record({ id: 'm:again', timestamp: T0, userId: 'u' });
    const parked = record({ id: 'm:again', timestamp: T0 + 10 * DAY, userId: 'u', anonymousId: 'd' });
    const sameDay = [
      record({ id: 'm:a', timestamp: T0 + 10 * DAY - 2 * 60 * MINUTE, userId: 'u' }),
      record({ id: 'm:b', timestamp: T0 + 10 * DAY + 2 * 60 * MINUTE, userId: 'u' }),
    ];
    await merge([first, parked, ...sameDay]);
    // Weeks later the id comes again (outside every window of what follows: stored as an event of its own,
    // docs/design.md's limit), and a later file's window loads it.
    await merge([record({ id: 'm:again', timestamp: T0 + 40 * DAY, userId: 'u', anonymousId: 'd' })]);
    await merge([record({ id: 'm:c', timestamp: T0 + 40 * DAY + MINUTE, userId: 'u' })]);

    const sessions = await storedSessions(store, ['u']);
    // The day of the parked copy was not loaded: its sessions stay, and the totals count what a list shows.
    expect(sessions.map((session) => session.startedAt)).toEqual(
      expect.arrayContaining(sameDay.map((event) => event.timestamp)),
    );
    expect(sessions.map((session) => session.sessionNumber)).toEqual(sessions.map((_, index) => index + 1));
    expect((await store.reader.getUserSummary('u'))?.sessionCount).toBe(sessions.length);
  });

  it("writes a long history's items in batched requests, several at a time", async () => {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let inFlight = 0;
    let mostInFlight = 0;
    const batches: string[][] = [];
    const singlePuts: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand') singlePuts.push('put');
        if (context.commandName !== 'BatchWriteItemCommand') return next(args);
        const requests = Object.values(
          (args.input as { RequestItems: Record<string, { PutRequest?: { Item: { sk: { S: string } } } }[]> })
            .RequestItems,
        ).flat();
        batches.push(
          requests.flatMap((request) => (request.PutRequest ? [request.PutRequest.Item.sk.S] : [])),
        );
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'countBatches' },
    );
    // 300 days of twenty events each, too many to stay in their pages.
    const store = await freshStore(client, {}, { pageLimitBytes: 300 });
    const events = Array.from({ length: 6_000 }, (_, index) =>
      record({
        // UUIDs are stored as their 16 bytes: twenty of them are more than a page holds inline.
        id: `m:00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
        timestamp: T0 + Math.floor(index / 20) * DAY + (index % 20) * MINUTE,
        userId: 'u',
      }),
    );

    await ingest(store, events);

    expect(await storedSessions(store, ['u'])).toEqual(referenceSessions(events, store.rules));
    const written = batches.flat();
    expect(written.filter((sk) => sk.startsWith('E#')).length).toBeGreaterThanOrEqual(300);
    expect(written.filter((sk) => sk.startsWith('D#')).length).toBeGreaterThanOrEqual(300);
    expect(singlePuts).toEqual([]);
    expect(Math.max(...batches.map((batch) => batch.length))).toBe(25);
    expect(batches.length).toBeLessThan(written.length / 10);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(REQUESTS_IN_FLIGHT);
    client.destroy();
  });

  it('writes nothing for a redelivered file', async () => {
    const store = await freshStore(dynamo.client);
    const events = [
      record({ id: 'm:1', timestamp: T0, userId: 'u' }),
      record({ id: 'm:2', timestamp: T0 + 1, userId: 'v' }),
    ];
    await ingest(store, events);
    const before = store.transport.usage.writeUnits;
    await ingest(store, events);
    expect(store.transport.usage.writeUnits).toBe(before);
  });

  it('converges to the batch result whatever the split, order, duplication and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventRecordsArbitrary({ maxEvents: 40 }).chain((events) =>
          fc.record({
            events: fc.constant(events),
            delivery: deliveryArbitrary(events),
            concurrent: fc.boolean(),
            wholePartitionEvents: fc.constantFrom(0, WHOLE_PARTITION_EVENTS),
            prefetch: fc.boolean(),
          }),
        ),
        async ({ events, delivery, concurrent, wholePartitionEvents, prefetch }) => {
          const store = await freshStore(dynamo.client, {}, { wholePartitionEvents });
          const files = delivery.order.map((index) => delivery.files[index] ?? []);
          if (concurrent) await Promise.all(files.map((file) => ingest(store, file, { prefetch })));
          else for (const file of files) await ingest(store, file, { prefetch });
          const users = events.map((event) => event.userId ?? '');
          expect(await storedSessions(store, users)).toEqual(referenceSessions(events, store.rules));
        },
      ),
      integrationParams(25),
    );
  });

  it.each([
    ['a length cap and per-platform gaps', { maxSessionMinutes: 45, gapMinutesByPlatform: { ios: 5 } }],
    ['a gap and a cap of 0 (events at one instant are one session)', { gapMinutes: 0, maxSessionMinutes: 0 }],
    ['a gap of more than a day', { gapMinutes: 2000 }],
  ])('converges under %s', async (_rules, rules) => {
    await fc.assert(
      fc.asyncProperty(
        // Events near multiples of the gap, so splits fall on both sides of it.
        eventRecordsArbitrary({
          maxEvents: 40,
          gapMinutes: ('gapMinutes' in rules && rules.gapMinutes) || 30,
        }).chain((events) =>
          fc.record({
            events: fc.constant(events),
            delivery: deliveryArbitrary(events),
            concurrent: fc.boolean(),
          }),
        ),
        async ({ events, delivery, concurrent }) => {
          const store = await freshStore(dynamo.client, rules);
          const files = delivery.order.map((index) => delivery.files[index] ?? []);
          if (concurrent) await Promise.all(files.map((file) => ingest(store, file)));
          else for (const file of files) await ingest(store, file);
          const users = events.map((event) => event.userId ?? '');
          expect(await storedSessions(store, users, 'desc', 3)).toEqual(
            referenceSessions(events, store.rules),
          );
        },
      ),
      integrationParams(25),
    );
  });

  it('merges right with heads read ahead that went stale before their merges', async () => {
    const store = await freshStore(dynamo.client);
    const other = new DynamoDbSessionWriter({
      transport: store.transport,
      rules: store.rules,
      wholePartitionEvents: 0,
    });
    const early = record({ id: 'm:1', timestamp: T0, userId: 'u' });
    const late = record({ id: 'm:2', timestamp: T0 + 10 * MINUTE, userId: 'u' });
    // Read ahead while the user is new; another writer then commits, so what was read ahead is stale.
    await store.writer.prefetchHeads(['u']);
    await other.mergeUserEvents('u', [early]);
    const merged = await store.writer.mergeUserEvents('u', [late]);
    // The first attempt planned on the stale head and lost at the commit; the second read afresh.
    expect(merged).toMatchObject({ newEvents: 1, attempts: 2 });
    expect(await storedSessions(store, ['u'])).toEqual(referenceSessions([early, late], store.rules));
    // What was read ahead serves one merge only.
    expect(await store.writer.mergeUserEvents('u', [late])).toMatchObject({ newEvents: 0, attempts: 1 });
  });
});
