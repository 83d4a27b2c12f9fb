import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { differences, lastAtOrBefore, runningSums } from './ascending-numbers.js';
import { CorruptItemError } from './corrupt-item.js';

/**
 * A day written as several pages names, on its last page (`pi`), when each page's first session starts, so
 * that a session read finds its page from that one item (the newest, which a descending query of the day
 * returns first) instead of reading every page of the day. Up to this many pages: past it (days of thousands
 * of sessions) the index would outgrow the read unit it saves, and such a day is read whole.
 */
export const MAX_INDEXED_PAGES = 128;

/** The index of pages whose first sessions start at `firstStarts` (ascending): differences, deflated. */
export function encodePageIndex(firstStarts: readonly number[]): Buffer {
  return deflateRawSync(JSON.stringify(differences(firstStarts)));
}

/** Each page's first session start, as {@link encodePageIndex} wrote them; CorruptItemError otherwise. */
export function decodePageIndex(blob: Uint8Array, where: string): number[] {
  let deltas: unknown;
  try {
    deltas = JSON.parse(inflateRawSync(blob).toString('utf8'));
  } catch {
    throw new CorruptItemError(`${where}: the page index is not readable`);
  }
  if (
    !Array.isArray(deltas) ||
    deltas.length === 0 ||
    !deltas.every((delta, page) => Number.isSafeInteger(delta) && (page === 0 || delta > 0))
  )
    throw new CorruptItemError(`${where}: the page index is malformed`);
  return runningSums(deltas as number[]);
}

/** The page that holds a session starting at `startedAt`: the last one starting at or before it. */
export const pageHolding = (firstStarts: readonly number[], startedAt: number): number =>
  lastAtOrBefore(firstStarts, startedAt);
