// What the erasure tests share: clients that crash or pause at a given write, a direct look at the table,
// the real ingest use case over an NDJSON export held in memory, and the lookup API over the store.
import { createHash } from 'node:crypto';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { decodeDayPage, decodePageSessions } from '../../../functions/adapters/dynamodb/day-codec.js';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { decodeHead, headKey } from '../../../functions/adapters/dynamodb/head-codec.js';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { type Item, Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { type IngestStats, ingestObject } from '../../../functions/ingest/ingest-object.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { MemoryReport } from '../../unit/ingest/ingest-object-harness.js';
import { Crash, crashingClient, hookedClient, localClient, WRITES } from './crashing-client.js';
import { pausePoint } from './pause-point.js';
import { freshStore, lookupApiOn, type StoreUnderTest, storedSessions, writerOn } from './store-harness.js';

/** The instant the erasure tests' events are placed around. */
export const T0 = Date.UTC(2024, 4, 6, 9, 0, 0);
export const HOUR = 60 * MINUTE;

/** A fresh store with identity stitching on: erasure reaches the anonymousIds stitched to a user. */
export function stitchingStore(client: DynamoDBClient): Promise<StoreUnderTest> {
  return freshStore(client, { identityStitching: true });
}

/** The event count of each of `user`'s stored sessions, in order. */
export async function eventCounts(store: StoreUnderTest, user: string): Promise<number[]> {
  return (await storedSessions(store, [user])).map((session) => session.eventCount);
}

/** A client whose write number `pauseAt` (from 0) waits until released; `reached` resolves when it waits. */
export function pausingClient(endpoint: string, pauseAt: number) {
  const client = localClient(endpoint);
  let writes = 0;
  const pause = pausePoint();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITES.has(context.commandName ?? '') && writes++ === pauseAt) await pause.wait();
      return next(args);
    },
    { step: 'initialize', name: 'pauseAtWrite' },
  );
  return { client, reached: pause.reached, release: pause.release };
}

/** Every item of the store's table, read directly (not through the store). */
export async function scanTable(client: DynamoDBClient, store: StoreUnderTest): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: store.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** `pk sk` of the users' items, sorted. */
export const keysOf = (items: readonly Item[], users: readonly string[]) =>
  items
    .filter((item) => users.some((user) => item.pk?.S === `U#${user}`))
    .map((item) => `${item.pk?.S} ${item.sk?.S}`)
    .sort();

export const headsOnly = (users: readonly string[]) => users.map((user) => `U#${user} H`).sort();

export async function headOf(store: StoreUnderTest, user: string) {
  return decodeHead(await store.transport.get(headKey(user)));
}

/** The events of the day pages among `items` (a scanTable) that `keep` picks, each decoded for its partition. */
export const pageEventsOf = (items: readonly Item[], keep: (item: Item) => boolean) =>
  items
    .filter((item) => item.sk?.S?.startsWith('D#') && keep(item))
    .flatMap((item) => decodePageSessions(item.pk?.S?.slice(2) ?? '', decodeDayPage(item)))
    .flatMap((session) => session.events);

export interface SegmentEvent {
  userId?: string;
  anonymousId?: string;
  at: number;
  id: string;
  event?: string;
}

/** Text that does not compress: stored pages fill up after a few events. */
export const noise = (seed: string) =>
  ['a', 'b'].map((salt) => createHash('sha256').update(`${salt}${seed}`).digest('hex')).join('');

/** Alice's device `anonymousId` browsing at T0, then her login on it a minute later (rule 8: the device is hers). */
export const aliceOnDevice = (anonymousId: string, browse?: string): SegmentEvent[] => [
  { anonymousId, at: T0, id: 'a-browse', event: browse },
  { userId: 'alice', anonymousId, at: T0 + MINUTE, id: 'a-login' },
];

/** An event to write as an export's line; a userId may be a number, which is sent as a JSON number. */
type LineEvent = Omit<SegmentEvent, 'userId'> & { readonly userId?: string | number };

/** One event as a Segment export's line. */
export const segmentLine = ({ userId, anonymousId, at, id, event }: LineEvent) =>
  JSON.stringify({
    type: 'track',
    event: event ?? 'Clicked',
    ...(userId !== undefined && { userId }),
    ...(anonymousId !== undefined && { anonymousId }),
    timestamp: new Date(at).toISOString(),
    messageId: id,
  });

export const ndjson = (events: readonly LineEvent[]) => events.map(segmentLine).join('\n');

/** The real ingest use case over one export, as the ingest function runs it. */
export async function ingestFile(
  store: StoreUnderTest,
  text: string,
): Promise<{ stats: IngestStats; report: MemoryReport }> {
  const report = new MemoryReport();
  const bytes = new TextEncoder().encode(text);
  const stats = await ingestObject({
    file: 'segment-logs/src/export.ndjson',
    format: 'segment',
    open: async () =>
      (async function* () {
        yield bytes;
      })(),
    writer: store.writer,
    identity: new DynamoDbStitchingWriter(store.writer),
    rules: store.rules,
    report,
    browserOf: () => null,
  });
  return { stats, report };
}

/**
 * Ingests `text` through a writer whose ingest dies (a Lambda timeout) right after a stitching move's
 * transaction: the move committed, and nothing after it ran.
 */
export async function ingestDyingAfterMove(
  store: StoreUnderTest,
  endpoint: string,
  text: string,
): Promise<void> {
  let moved = false;
  const dying = hookedClient(endpoint, async (command, _input, send) => {
    if (moved) throw new Crash();
    const answer = await send();
    if (command === 'TransactWriteItemsCommand') moved = true;
    return answer;
  });
  try {
    await expect(ingestFile({ ...store, writer: writerOn(store, dying) }, text)).rejects.toThrow();
  } finally {
    dying.destroy();
  }
  expect(moved).toBe(true);
}

/**
 * Erases `user` through a client that crashes at its write number `crashAt` (from 0), as an erasure cut short
 * by a timeout: whether it crashed (false when the erasure needed fewer writes and finished).
 */
export async function eraseCrashingAt(
  store: StoreUnderTest,
  endpoint: string,
  user: string,
  crashAt: number,
): Promise<boolean> {
  try {
    await eraseThrough(store, crashingClient(endpoint, crashAt), user);
    return false;
  } catch (error) {
    if (!(error instanceof Crash)) throw error;
    return true;
  }
}

/**
 * Erases `user` while `act` runs once, just before the first of the eraser's calls that `at` picks (another
 * ingest racing the erasure); expects that call to come.
 */
export async function eraseRacing(
  store: StoreUnderTest,
  endpoint: string,
  user: string,
  at: (command: string, input: Record<string, unknown>) => boolean,
  act: () => Promise<void>,
): Promise<void> {
  let acted = false;
  const client = hookedClient(endpoint, async (command, input, send) => {
    if (!acted && at(command, input)) {
      acted = true;
      await act();
    }
    return send();
  });
  await eraseThrough(store, client, user);
  expect(acted).toBe(true);
}

/** Erases `user` through `client` (one that crashes, or lets a test act between the eraser's calls), then closes it. */
async function eraseThrough(store: StoreUnderTest, client: DynamoDBClient, user: string): Promise<void> {
  const transport = new Transport({ client, tableName: store.tableName, baseDelayMs: 2 });
  try {
    await new DynamoDbEraser({ transport }).eraseUser(user);
  } finally {
    client.destroy();
  }
}

/** The lookup API over the store's reader, as a user would call it after (or before) an erasure. */
export function lookupApi(store: StoreUnderTest) {
  return lookupApiOn(store, { pathsDecoded: false });
}
