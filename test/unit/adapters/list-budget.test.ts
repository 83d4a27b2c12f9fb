import { describe, expect, it } from 'vitest';
import { EMPTY_HEAD, type Head } from '../../../functions/adapters/dynamodb/head-codec.js';
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
});
