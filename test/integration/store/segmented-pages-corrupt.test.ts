// A segmented day page whose index (`sg`) or rows disagree with its chunks: a read in part must refuse it
// as corrupt (CorruptItemError), as a whole read does, not hang or answer wrong events.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { CorruptItemError } from '../../../functions/adapters/dynamodb/corrupt-item.js';
import { DynamoDbSessionReader } from '../../../functions/adapters/dynamodb/session-reader.js';
import { type Key, Transport } from '../../../functions/adapters/dynamodb/transport.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { dayPagesOf, HOUR, sessionEvents } from './long-sessions.js';
import { freshStore, ingest, type StoreUnderTest } from './store-harness.js';

const T0 = Date.UTC(2024, 4, 1, 8);

/** Sessions an hour apart, `sizes[s]` events each, 100 ms apart. */
const sessions = (user: string, sizes: number[]) =>
  sessionEvents(user, sizes, { start: T0, seed: 0, stepMs: 100, tie: 1 });

/** A transport whose reads of nothing are counted: a reader asking for no keys again and again is stuck. */
class GuardedTransport extends Transport {
  emptyReads = 0;
  override async batchGet(keys: readonly Key[], consistent = true) {
    if (keys.length === 0 && ++this.emptyReads > 1_000) throw new Error('the reader loops on empty reads');
    return super.batchGet(keys, consistent);
  }
}

const dynamo = useLocalDynamoDb();

async function pageOf(store: StoreUnderTest, user: string) {
  const items = await dayPagesOf(store, user);
  expect(items).toHaveLength(1);
  return items[0] as NonNullable<(typeof items)[0]>;
}

describe('a segmented page whose index or rows do not match its segments', () => {
  it('refuses an index of fewer segments than the page names, instead of looping', async () => {
    const store = await freshStore(dynamo.client, {}, { pageLimitBytes: 2_000 });
    const events = sessions('bot', [1_000]);
    await ingest(store, events);
    const page = await pageOf(store, 'bot');
    const [counts, deltas] = JSON.parse(inflateRawSync(page.sg?.B as Uint8Array).toString('utf8')) as [
      number[],
      number[],
    ];
    expect(counts.length).toBeGreaterThan(3);
    // The index names the first two segments only, the second as starting after every event.
    const hostile = [counts.slice(0, 2), [deltas[0], 10 * HOUR]];
    await store.transport.put({ ...page, sg: { B: deflateRawSync(JSON.stringify(hostile)) } });
    const transport = new GuardedTransport({
      client: dynamo.client,
      tableName: store.tableName,
      baseDelayMs: 2,
    });
    const reader = new DynamoDbSessionReader(transport);
    // Read whole, the page is refused.
    await expect(reader.getSession('bot', sessionIdFor(T0))).rejects.toThrow(CorruptItemError);
    // Read in part, too.
    const last = events[events.length - 1] as EventRecord;
    await expect(
      reader.getSession('bot', sessionIdFor(T0), { fromIndex: 0, afterTime: last.timestamp, count: 1 }),
    ).rejects.toThrow(CorruptItemError);
  }, 60_000);

  it('refuses an index whose segments start at other times than theirs, instead of skipping events', async () => {
    const store = await freshStore(dynamo.client, {}, { pageLimitBytes: 2_000 });
    const events = sessions('late', [1_000]);
    await ingest(store, events);
    const page = await pageOf(store, 'late');
    const [counts, deltas] = JSON.parse(inflateRawSync(page.sg?.B as Uint8Array).toString('utf8')) as [
      number[],
      number[],
    ];
    expect(counts.length).toBeGreaterThan(3);
    // Every segment said to start with the first event.
    const hostile = [counts, deltas.map((delta, index) => (index === 0 ? delta : 0))];
    await store.transport.put({ ...page, sg: { B: deflateRawSync(JSON.stringify(hostile)) } });
    const asked = { fromIndex: 100, afterTime: (events[99] as EventRecord).timestamp, count: 10 };
    await expect(store.reader.getSession('late', sessionIdFor(T0), asked)).rejects.toThrow(CorruptItemError);
  }, 60_000);

  it('refuses a page whose rows count fewer events than its segments hold, instead of answering them', async () => {
    const store = await freshStore(dynamo.client);
    const events = sessions('u', [2_000, 2_000]);
    await ingest(store, events);
    const page = await pageOf(store, 'u');
    expect(page.sg).toBeDefined();
    const rows = JSON.parse(inflateRawSync(page.s?.B as Uint8Array).toString('utf8')) as unknown[][];
    // The second session's row says one event fewer than the segments hold.
    (rows[1] as number[])[2] = 1_999;
    await store.transport.put({ ...page, s: { B: deflateRawSync(JSON.stringify(rows)) } });
    const second = sessionIdFor(T0 + HOUR);
    const heads = vi.spyOn(store.transport, 'get');
    await expect(store.reader.getSession('u', second)).rejects.toThrow(CorruptItemError);
    // Refused at once: reading a corrupt item again under a fresh head would only fail again.
    expect(heads).toHaveBeenCalledTimes(1);
    await expect(store.reader.getSession('u', second, { fromIndex: 1_900, count: 100 })).rejects.toThrow(
      CorruptItemError,
    );
  }, 60_000);
});
