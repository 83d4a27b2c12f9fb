// The store's limits: no legitimate event makes an item too large, ids never share a partition (lone
// surrogates included), and the order of days does not depend on how their keys are written.
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { decodeHead, headKey } from '../../../functions/adapters/dynamodb/head-codec.js';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { MAX_DISPLAY_LENGTH } from '../../../functions/domain/events/display-text.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../../functions/domain/rules/timestamp.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { ingestFile } from './erasure-harness.js';
import { freshStore, ingest, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
/** DynamoDB's item size limit. */
const ITEM_LIMIT_BYTES = 400 * 1024;

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return value.N.length;
  if (value.B !== undefined) return value.B.length;
  if (value.M !== undefined)
    return Object.entries(value.M).reduce((sum, [key, inner]) => sum + key.length + valueBytes(inner), 3);
  if (value.L !== undefined) return value.L.reduce((sum, inner) => sum + 1 + valueBytes(inner), 3);
  return 1;
}

async function largestItemBytes(store: StoreUnderTest): Promise<number> {
  let largest = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.client.send(
      new ScanCommand({ TableName: store.tableName, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const bytes = Object.entries(item).reduce(
        (sum, [key, value]) => sum + key.length + valueBytes(value),
        0,
      );
      largest = Math.max(largest, bytes);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return largest;
}

/** Random printable text (seeded): deflate cannot bring it under the limit. */
function randomText(length: number, seed = 11): string {
  let state = seed;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return String.fromCharCode(33 + ((state >>> 16) % 94));
  }).join('');
}

describe('store limits', () => {
  it('stores a day of 1,500 one-event sessions with the longest names and urls, every item under 400 KB', async () => {
    const store = await freshStore(dynamo.client, { gapMinutes: 1 }, { wholePartitionEvents: 0 });
    const long = (seed: number) => `${seed}`.padEnd(MAX_DISPLAY_LENGTH, 'é');
    const events = Array.from({ length: 1_500 }, (_, index) =>
      record({
        id: `m:${index}`,
        timestamp: T0 + index * 2 * MINUTE - (index % 2),
        userId: 'busy',
        type: 'page',
        name: long(index),
        page: {
          url: `https://example.com/${long(index)}`,
          path: `/${long(index)}`,
          title: long(index),
          referrer: null,
        },
      }),
    );

    await ingest(store, events);

    expect(await storedSessions(store, ['busy'], 'asc', 100)).toEqual(referenceSessions(events, store.rules));
    expect(await largestItemBytes(store)).toBeLessThan(ITEM_LIMIT_BYTES);
  }, 120_000);

  it('stores events whose messageIds pass the item limit (no length limit), beside others and merged again', async () => {
    const store = await freshStore(dynamo.client);
    const events = [
      ...Array.from({ length: 40 }, (_, index) =>
        record({ id: `m:${index}`, timestamp: T0 + index * MINUTE, userId: 'long-ids' }),
      ),
      record({ id: `m:${randomText(600_000)}`, timestamp: T0 + 20 * MINUTE + 1, userId: 'long-ids' }),
      record({ id: `m:${randomText(450_000, 12)}`, timestamp: T0 + 5 * 60 * MINUTE, userId: 'long-ids' }),
    ];
    const later = record({ id: 'm:later', timestamp: T0 + 41 * MINUTE, userId: 'long-ids' });

    await ingest(store, events);
    await ingest(store, [later, ...events]);

    expect(await storedSessions(store, ['long-ids'], 'asc', 100)).toEqual(
      referenceSessions([...events, later], store.rules),
    );
    expect(await largestItemBytes(store)).toBeLessThan(ITEM_LIMIT_BYTES);
  }, 120_000);

  it('stitches with a link and a parked copy whose messageIds pass the item limit, keeping heads under it', async () => {
    const store = await freshStore(dynamo.client, { identityStitching: true });
    const link = randomText(500_000, 13);
    const copied = randomText(500_000, 14);
    const line = (fields: Record<string, unknown>) =>
      JSON.stringify({ type: 'track', event: 'Open', ...fields });
    const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();
    const file = [
      line({ type: 'identify', userId: 'alice', anonymousId: 'anon', timestamp: at(0), messageId: link }),
      // One event sent twice, with and without the userId: the anonymous copy is parked beside alice's.
      line({ userId: 'alice', anonymousId: 'anon', timestamp: at(1), messageId: copied }),
      line({ anonymousId: 'anon', timestamp: at(2), messageId: copied }),
      line({ anonymousId: 'anon', timestamp: at(3), messageId: 'browse' }),
    ].join('\n');

    const first = await ingestFile(store, file);
    await ingestFile(store, file);

    expect(first.stats).toMatchObject({ accepted: 4, rejected: 0 });
    const sessions = await storedSessions(store, ['alice', 'anon']);
    expect(sessions.map((session) => [session.userId, session.eventCount])).toEqual([['alice', 3]]);
    expect(await largestItemBytes(store)).toBeLessThan(ITEM_LIMIT_BYTES);
  }, 120_000);

  it('keeps a user whose id looks like a hashed key apart from the user with the longest id', async () => {
    const store = await freshStore(dynamo.client);
    const longest = 'u'.repeat(512);
    const lookalike = `~sha256:${'0'.repeat(64)}`;
    const events = [
      record({ id: 'm:long', timestamp: T0, userId: longest }),
      record({ id: 'm:look', timestamp: T0 + MINUTE, userId: lookalike }),
    ];

    for (const event of events) await ingest(store, [event]);

    expect(await storedSessions(store, [longest, lookalike])).toEqual(referenceSessions(events, store.rules));
  });

  it('keeps ids holding a lone surrogate apart from each other and from "?" and U+FFFD, which UTF-8 keys would merge', async () => {
    const store = await freshStore(dynamo.client);
    const users = ['?', '\ufffd', '\ud800', '\udc00', 'q\ud800', 'q\ufffd'];
    const events = users.map((userId, index) =>
      record({ id: `m:${index}`, timestamp: T0 + index * MINUTE, userId }),
    );

    await ingest(store, events);

    expect(await storedSessions(store, users)).toEqual(referenceSessions(events, store.rules));
    expect((await store.reader.getUserSummary('\ud800'))?.userId).toBe('\ud800');
    // A merge that reads them back finds each one's own history.
    await ingest(
      store,
      events.map((event) => ({ ...event, timestamp: event.timestamp + 5 * MINUTE })),
    );
    expect((await store.reader.getUserSummary('\udc00'))?.eventCount).toBe(1);
  });

  it('stitches, samples and erases an anonymousId holding a lone surrogate apart from one that does not', async () => {
    const store = await freshStore(dynamo.client, { identityStitching: true });
    const stitcher = new DynamoDbStitchingWriter(store.writer);
    const anonymous = ['\ud800', '\udc00', '?'];
    for (const [index, anonymousId] of anonymous.entries()) {
      await stitcher.mergeAnonymousEvents(anonymousId, [
        record({ id: `m:a${index}`, timestamp: T0 + index * MINUTE, userId: null, anonymousId }),
      ]);
    }
    const login = record({ id: 'm:login', timestamp: T0 + 10 * MINUTE, userId: 'u', anonymousId: '\ud800' });
    await store.writer.mergeUserEvents('u', [login]);
    await stitcher.offerLink('\ud800', {
      userId: 'u',
      timestamp: login.timestamp,
      eventId: login.id,
      canonical: '',
    });

    expect((await store.reader.getUserSummary('u'))?.eventCount).toBe(2);
    expect((await store.reader.getUserSummary('\udc00'))?.eventCount).toBe(1);
    expect((await store.reader.getUserSummary('?'))?.eventCount).toBe(1);
    const head = decodeHead(await store.transport.get(headKey('u')));
    expect(head.stitchedSample).toEqual(['\ud800']);

    const erased = await new DynamoDbEraser({ transport: store.transport }).eraseUser('u');
    expect(erased.anonymousIds).toEqual(['\ud800']);
    expect((await store.reader.getUserSummary('\udc00'))?.eventCount).toBe(1);
  });

  it('orders the first and the last accepted instants of a user as days, whatever their keys look like', async () => {
    const store = await freshStore(dynamo.client);
    const events = [
      record({ id: 'm:last', timestamp: MAX_INSTANT_MS, userId: 'ages' }),
      record({ id: 'm:first', timestamp: MIN_INSTANT_MS, userId: 'ages' }),
      record({ id: 'm:middle', timestamp: T0, userId: 'ages' }),
    ];

    for (const event of events) await ingest(store, [event]);
    await ingest(store, events);

    expect(await storedSessions(store, ['ages'])).toEqual(referenceSessions(events, store.rules));
    // Read newest first, page by page (the harness puts them back in ascending order).
    expect(await storedSessions(store, ['ages'], 'desc', 1)).toEqual(referenceSessions(events, store.rules));
  });
});
