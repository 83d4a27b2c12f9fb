import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { type DayPage, decodeDayPage, pageIndexOf } from './day-codec.js';
import type { Head } from './head.js';
import { dayRangeEnd, dayRangeStart } from './keys.js';
import type { Item, Transport } from './transport.js';
import { visibilityOf } from './visibility.js';

/** Every item of one day's pages, strongly consistent, in either order. */
export function dayQuery(
  pk: string,
  day: string,
  order: 'ascending' | 'descending',
): Omit<QueryCommandInput, 'TableName'> {
  return {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
    ExpressionAttributeValues: {
      ':pk': { S: pk },
      ':first': { S: dayRangeStart(day) },
      ':last': { S: dayRangeEnd(day) },
    },
    ScanIndexForward: order === 'ascending',
    ConsistentRead: true,
  };
}

/** What the newest item of a day's pages says under a head. */
export interface DayNewest {
  readonly item: Item;
  readonly page: DayPage;
  /** Its write is the one the head shows for the day: no newer one sorts after it, and it is committed. */
  readonly visible: boolean;
  /** Each page's first session start, when that write is visible and names them (a day of several pages). */
  readonly firstStarts: number[] | undefined;
}

/**
 * The newest item of `day`'s pages (one item, back from the day's end), or undefined when the day has none.
 * A visible one is the day as the head sees it: its only page, or the last, whose index names the others.
 */
export async function readDayNewest(
  transport: Transport,
  head: Head,
  pk: string,
  day: string,
): Promise<DayNewest | undefined> {
  const [item] = await transport.query({ ...dayQuery(pk, day, 'descending'), Limit: 1 }, () => true);
  if (item === undefined) return undefined;
  const page = decodeDayPage(item);
  const visible = visibilityOf(head, page.version, page.txn) === 'committed';
  return { item, page, visible, firstStarts: visible ? pageIndexOf(page) : undefined };
}
