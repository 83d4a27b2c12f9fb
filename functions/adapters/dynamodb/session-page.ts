import { type DayPage, decodeDayPage } from './day-codec.js';
import { type DayGroup, resolveDays } from './day-groups.js';
import { StaleReadError } from './day-loader.js';
import { dayQuery, readDayNewest } from './day-newest.js';
import type { Head } from './head.js';
import { daySk, userPk } from './keys.js';
import { pageHolding } from './page-index.js';
import type { Transport } from './transport.js';

/** What the day's newest item says about where a session is. */
export type SessionPage =
  /** The page that holds the session if any does, as a group of that page alone. */
  | { readonly group: DayGroup }
  /** The day holds no sessions under this head. */
  | 'none'
  /** Only the whole day tells: its newest write is not visible, or names no page index. */
  | 'whole day';

const groupOf = (page: DayPage): DayGroup => ({
  day: page.day,
  token: page.token,
  version: page.version,
  txn: page.txn,
  pages: [page],
});

/**
 * Finds the page of `day` that would hold a session starting at `startedAt` from the day's newest item alone
 * (a query back from the day's end, one item): when that write is visible, it is the day as the head sees it,
 * and either its only page, or its last page, whose index names the page to read (one more read). So a
 * session read on a day of hundreds of sessions reads two small pages instead of the whole day.
 */
async function findSessionPage(
  transport: Transport,
  head: Head,
  user: string,
  day: string,
  startedAt: number,
): Promise<SessionPage> {
  const newest = await readDayNewest(transport, head, userPk(user), day);
  if (newest === undefined) return 'none';
  const { page: last, firstStarts } = newest;
  if (!newest.visible) return 'whole day';
  if (last.sessionCount === 0) return 'none';
  if (last.pageCount === 1) return { group: groupOf(last) };
  if (firstStarts === undefined) return 'whole day';
  const page = pageHolding(firstStarts, startedAt);
  if (page === last.page) return { group: groupOf(last) };
  const item = await transport.get({ pk: { S: userPk(user) }, sk: { S: daySk(day, last.token, page) } });
  // Collected since the query: a newer commit replaced the day.
  if (item === undefined) throw new StaleReadError(user, day);
  return { group: groupOf(decodeDayPage(item)) };
}

/**
 * The pages of `day` that hold a session starting at `startedAt`, if any does: the one page the day's newest
 * item names, else every page of the day as the head sees it (and whether a newer write was seen).
 */
export async function pagesOfSession(
  transport: Transport,
  head: Head,
  user: string,
  day: string,
  startedAt: number,
): Promise<{ group: DayGroup | undefined; pendingSeen: boolean }> {
  const page = await findSessionPage(transport, head, user, day, startedAt);
  if (page === 'none') return { group: undefined, pendingSeen: false };
  if (page !== 'whole day') return { group: page.group, pendingSeen: false };
  const resolved = resolveDays(head, await transport.query(dayQuery(userPk(user), day, 'ascending')));
  return { group: resolved.days[0], pendingSeen: resolved.pendingSeen };
}
