import type { Head } from './head.js';
import { itemSize, READ_UNIT_BYTES, unitsOf } from './item-size.js';
import type { ScanStart } from './list-start.js';
import type { Item } from './transport.js';

/**
 * Read units a list page's queries may spend; with the head's, a page costs at most 5. Past them a page stops
 * at the end of a day, or within its first day at the end of a page of it, and hands back a cursor (a filter
 * that matches rarely would read a whole history).
 */
export const MAX_QUERY_UNITS = 4;
/**
 * What a day item of a user with this many sessions a day is guessed to take before any is seen: keys and
 * numbers, and about 150 bytes a session row (deflated), with room to spare (a page of 1.75 sessions a day
 * took 368 bytes on average in docs/cost.md's scan). It sizes a page's first request to the units it may spend.
 */
const guessedDayItemBytes = (sessionsPerDay: number) => 250 + 150 * sessionsPerDay;
/** A query's following page reads at least this many day items: about one read unit of session rows. */
export const MIN_FOLLOWING_ITEMS = 8;

/**
 * What a list page's queries have spent, by the items each response brought (called after each response; a
 * call that finds no new items spends nothing): the units each request bills, and the largest item seen,
 * which sizes requests to the units left.
 */
export class QueryBudget {
  private counted = 0;
  private largest = 0;

  /**
   * `pagesOfSeveral`: the user has days stored as several pages, which may follow small days unannounced; a
   * request then reads no more items than units are left (a stored page is about one unit at most).
   */
  constructor(
    private units: number,
    private readonly pagesOfSeveral: boolean,
  ) {}

  spend(items: readonly Item[]): void {
    if (items.length === this.counted) return;
    let bytes = 0;
    for (; this.counted < items.length; this.counted++) {
      const size = itemSize(items[this.counted] as Item);
      bytes += size;
      this.largest = Math.max(this.largest, size);
    }
    this.units += unitsOf(bytes);
  }

  get spent(): boolean {
    return this.units >= MAX_QUERY_UNITS;
  }

  /**
   * Items the next request may read within the units left (at least one), each taken a quarter larger than
   * the largest seen: the next ones may be larger, and a request's units are rounded up.
   */
  itemsLeft(): number {
    return this.capped(Math.floor(this.bytesLeft / (1.25 * Math.max(1, this.largest))));
  }

  /**
   * The first request's day items: what the page needs, within the units left as guessed, or as the first
   * day's pages take (`page`, its last page) when it is one of several.
   */
  firstItems(head: Head, sessions: number, page: ScanStart['page']): number {
    if (page !== undefined) {
      const fit = Math.floor(this.bytesLeft / page.bytes);
      return Math.max(1, Math.min(fit, Math.ceil(sessions / Math.max(1, page.sessions)) + 1));
    }
    const fit = Math.floor(this.bytesLeft / guessedDayItemBytes(sessionsPerDay(head)));
    return this.capped(Math.max(2, Math.min(itemsForPage(head, sessions), fit)));
  }

  private get bytesLeft(): number {
    return (MAX_QUERY_UNITS - this.units) * READ_UNIT_BYTES;
  }

  /** At least one item; with days of several pages, no more than units are left (a page is about a unit). */
  private capped(items: number): number {
    return Math.max(1, this.pagesOfSeveral ? Math.min(items, MAX_QUERY_UNITS - this.units) : items);
  }
}

const sessionsPerDay = (head: Head) =>
  head.totals.dayCount > 0 ? Math.max(1, head.totals.sessionCount / head.totals.dayCount) : 1;

/** Day items a page of `sessions` needs at the user's average sessions per day, plus one to see it end. */
export function itemsForPage(head: Head, sessions: number): number {
  return Math.max(2, Math.min(100, Math.ceil(sessions / sessionsPerDay(head)) + 1));
}
