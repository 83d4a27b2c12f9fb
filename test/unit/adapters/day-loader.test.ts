import { describe, expect, it } from 'vitest';
import { decodeDayPage, encodeDay } from '../../../functions/adapters/dynamodb/day-codec.js';
import { type DayGroup, keysOf } from '../../../functions/adapters/dynamodb/day-groups.js';
import {
  conflictOnStaleRead,
  loadWindow,
  readDays,
  StaleReadError,
} from '../../../functions/adapters/dynamodb/day-loader.js';
import { decodeHead } from '../../../functions/adapters/dynamodb/head-codec.js';
import type { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import { record } from '../../helpers/event-arbitraries.js';

const T0 = Date.UTC(2024, 2, 5, 8, 0, 0);

/** One day of one session of 60 events whose names keep them out of the page: it has chunks. */
function dayWithChunks(): { group: DayGroup; chunks: number } {
  const events = Array.from({ length: 60 }, (_, k) =>
    record({
      id: `m:${((k + 1) * 2654435761) % 4294967296}`,
      userId: 'u',
      timestamp: T0 + k * 60_000,
      name: `/products/${((k + 7) * 40503 * 2654435761) % 4294967296}`,
    }),
  );
  const session = {
    userId: 'u',
    sessionId: sessionIdFor(T0),
    startedAt: T0,
    endedAt: T0 + 59 * 60_000,
    events,
    continuesChain: false,
  };
  const encoded = encodeDay({
    user: 'u',
    day: '2024-03-05',
    version: 1,
    txn: 'txn',
    token: '000001txn',
    before: 0,
    sessions: [session],
  });
  const page = decodeDayPage(encoded.pages[0] as NonNullable<(typeof encoded.pages)[0]>);
  return {
    group: { day: '2024-03-05', pages: [page] } as unknown as DayGroup,
    chunks: encoded.chunks.length,
  };
}

describe('readDays', () => {
  it('says the read went stale when a page names chunks a newer commit has collected', async () => {
    const { group, chunks } = dayWithChunks();
    expect(chunks).toBeGreaterThan(0);
    const collected = { batchGetWrittenOnce: async () => new Map() } as unknown as Transport;
    const read = readDays(collected, 'u', [group]);
    await expect(read).rejects.toBeInstanceOf(StaleReadError);
    expect(await read.catch(conflictOnStaleRead)).toBe('conflict');
  });

  it('lets any other error through', () => {
    expect(() => conflictOnStaleRead(new Error('throttled'))).toThrow('throttled');
  });
});

describe('keysOf', () => {
  it('lists each page after its chunks, so collecting them in order never strands a chunk', () => {
    const { group } = dayWithChunks();

    const sortKeys = keysOf(group).map((key) => key.sk.S);

    expect(sortKeys.length).toBeGreaterThan(1);
    expect(sortKeys.at(-1)).toMatch(/^D#/);
    expect(sortKeys.slice(0, -1).every((sk) => sk.startsWith('E#'))).toBe(true);
  });
});

describe('loadWindow', () => {
  const refusing = {
    query: async () => {
      throw new Error('no query expected');
    },
    batchGetWrittenOnce: async () => {
      throw new Error('no read expected');
    },
  } as unknown as Transport;

  it('reads nothing for a user whose head was never committed: none of their items can be visible', async () => {
    const window = await loadWindow(refusing, 'u', decodeHead(undefined), T0, T0 + 60_000);
    expect(window).toEqual({
      days: [],
      startsAtFirstDay: true,
      endsAtLastDay: true,
      garbage: [],
      tombstones: [],
    });
  });

  it('queries for a user with a commit', async () => {
    const committed = decodeHead({ pk: { S: 'U#u' }, sk: { S: 'H' }, v: { N: '1' }, t: { S: 'txn' } });
    expect(committed.version).toBe(1);
    await expect(loadWindow(refusing, 'u', committed, T0, T0 + 60_000)).rejects.toThrow('no query expected');
  });
});
