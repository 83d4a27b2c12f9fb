import { describe, expect, it } from 'vitest';
import { keysOf } from '../../../functions/adapters/dynamodb/day-groups.js';
import {
  conflictOnStaleRead,
  loadWindow,
  readDays,
  StaleReadError,
} from '../../../functions/adapters/dynamodb/day-loader.js';
import { decodeHead } from '../../../functions/adapters/dynamodb/head-codec.js';
import type { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { dayWithChunks } from './day-with-chunks.js';

const T0 = Date.UTC(2024, 2, 5, 8, 0, 0);

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
