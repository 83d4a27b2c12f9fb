import { describe, expect, it } from 'vitest';
import { EMPTY_HEAD, type Head } from '../../../functions/adapters/dynamodb/head.js';
import { READ_UNIT_BYTES } from '../../../functions/adapters/dynamodb/item-size.js';
import {
  itemsForPage,
  MAX_QUERY_UNITS,
  QueryBudget,
} from '../../../functions/adapters/dynamodb/list-budget.js';
import { EMPTY_TOTALS } from '../../../functions/domain/store/stored.js';

/** A user of one session a day: a day item is guessed at 400 bytes (keys and numbers, one row). */
const head: Head = {
  ...EMPTY_HEAD,
  exists: true,
  totals: { ...EMPTY_TOTALS, sessionCount: 90, dayCount: 90 },
};
const GUESSED_DAY_ITEM_BYTES = 400;

describe('a list page’s first request', () => {
  it('reads as many day items as the page needs when they fit the units left', () => {
    expect(new QueryBudget(0, false).firstItems(head, 21, undefined)).toBe(itemsForPage(head, 21));
  });

  it('reads no more day items than the units left hold at their guessed size, however many the page needs', () => {
    // A page of 50 (51 with the one that shows more follow) needs 52 days: 6 units at the guessed size.
    expect(itemsForPage(head, 51)).toBe(52);
    const fitting = (units: number) =>
      Math.floor(((MAX_QUERY_UNITS - units) * READ_UNIT_BYTES) / GUESSED_DAY_ITEM_BYTES);
    expect(new QueryBudget(0, false).firstItems(head, 51, undefined)).toBe(fitting(0));
    // The units the start of the scan read are spent already.
    expect(new QueryBudget(1, false).firstItems(head, 51, undefined)).toBe(fitting(1));
  });

  it('starting within a day of several pages, reads the pages its sessions fill and one more, within the units left', () => {
    // Pages of 10 sessions: a page of 20 (21 to show more follow) fills three; one more sees it end, as for days.
    const page = { bytes: 3_000, sessions: 10 };
    expect(new QueryBudget(0, true).firstItems(head, 21, page)).toBe(4);
    // Within the units left: four pages of 3,000 bytes fit in three units (12,288 bytes), two in two.
    expect(new QueryBudget(1, true).firstItems(head, 21, page)).toBe(4);
    expect(new QueryBudget(2, true).firstItems(head, 21, page)).toBe(2);
  });
});
