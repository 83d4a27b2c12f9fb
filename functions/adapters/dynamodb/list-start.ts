import { dayOf } from '../../domain/store/calendar.js';
import { readDayNewest } from './day-newest.js';
import type { Head } from './head.js';
import { itemSize, unitsOf } from './item-size.js';
import { dayRangeEnd, dayRangeStart, daySk } from './keys.js';
import { pageHolding } from './page-index.js';
import type { Item, Transport } from './transport.js';

/** Where a page's scan starts, from what the newest item of its first day says. */
export interface ScanStart {
  /** Items read for the first day already: its only page, or newest first its last, in scan order. */
  readonly items: readonly Item[];
  /** Where the day query starts (inclusive); undefined: at the page's own bound. */
  readonly sk?: string;
  /** The write the first day shows under the head, when its pages are read from where the page starts. */
  readonly token?: string;
  /** Each of that write's pages' first session start. */
  readonly firstStarts?: readonly number[];
  /** The size and sessions of that write's last page: about what each of its pages takes and holds. */
  readonly page?: { readonly bytes: number; readonly sessions: number };
  readonly units: number;
}

/**
 * Reads the newest item of the page's first day (one item back from the day's end). A day of one page is
 * then read, and the scan goes on past it; a day of several, visible under the head and indexed, is read from
 * the page that holds the page's bound, so a page of sessions within a busy day reads only the pages it shows.
 * Newest first with no bound, the scan itself meets the newest write first, and needs nothing.
 */
export async function scanStart(
  transport: Transport,
  head: Head,
  pk: string,
  ascending: boolean,
  bound: number,
): Promise<ScanStart> {
  let day: string | undefined;
  if (Number.isFinite(bound)) day = dayOf(bound);
  // Oldest first from the start: the head's first event starts the first session.
  else if (ascending && head.totals.firstSeenAt !== undefined) day = dayOf(head.totals.firstSeenAt);
  if (day === undefined) return { items: [], units: 0 };
  const newest = await readDayNewest(transport, head, pk, day);
  const units = Math.max(1, unitsOf(newest === undefined ? 0 : itemSize(newest.item)));
  const past = ascending ? dayRangeEnd(day) : dayRangeStart(day);
  if (newest === undefined) return { items: [], sk: past, units };
  const { item, page: last, firstStarts } = newest;
  if (newest.visible && last.pageCount === 1) return { items: [item], sk: past, units };
  // Not visible (a merge still writing, a loser not collected yet), or not indexed: the day is read whole.
  if (firstStarts === undefined)
    return { items: [], sk: ascending ? dayRangeStart(day) : dayRangeEnd(day), units };
  const holding = pageHolding(firstStarts, bound);
  const indexed = {
    token: last.token,
    firstStarts,
    page: { bytes: itemSize(item), sessions: last.sessionCount },
    units,
  };
  if (!ascending && holding === last.page)
    return { ...indexed, items: [item], sk: daySk(day, last.token, holding - 1) };
  return { ...indexed, items: [], sk: daySk(day, last.token, holding) };
}
