import type { SessionSummary } from '../../domain/sessions/summary.js';
import { dayOf, dayStart } from '../../domain/store/calendar.js';
import type { SessionListPage, SessionListQuery } from '../../domain/store/ports.js';
import { decodeRows } from './day-codec.js';
import { type DayGroup, resolveDays } from './day-groups.js';
import type { Head } from './head.js';
import { DAY_PREFIX, dayRangeEnd, dayRangeStart, FIRST_DAY_SK, LAST_DAY_SK, userPk } from './keys.js';
import { itemsForPage, MIN_FOLLOWING_ITEMS, QueryBudget } from './list-budget.js';
import { scanStart } from './list-start.js';
import { numberedRows, toSummary } from './session-numbers.js';
import type { StoredSessionRow } from './session-rows.js';
import type { Item, Transport } from './transport.js';
import { MAX_READ_ATTEMPTS } from './visibility.js';

const DAY_MS = 86_400_000;

const dayOfItem = (item: Item) => (item.sk?.S ?? '').slice(DAY_PREFIX.length, DAY_PREFIX.length + 10);

/** The days of `items` in the order read. */
function daysRead(items: readonly Item[]): string[] {
  const days: string[] = [];
  for (const item of items) {
    const day = dayOfItem(item);
    if (day !== days[days.length - 1]) days.push(day);
  }
  return days;
}

/** The days of `items` known whole, in the order read: every one but the last (whole once the next starts). */
const completeDays = (items: readonly Item[]) => daysRead(items).slice(0, -1);

/** Where a page cut after reading `day` whole resumes: past its end, or, newest first, before its start. */
function pastDay(day: string, ascending: boolean): number {
  return ascending ? dayStart(day) + DAY_MS - 1 : dayStart(day);
}

/** One page of a user's sessions under one head, and whether items of a newer commit were met. */
async function listPage(
  transport: Transport,
  head: Head,
  query: SessionListQuery,
  lowest: number,
  highest: number,
): Promise<{ page: SessionListPage; pendingSeen: boolean }> {
  const ascending = query.order === 'asc';
  const pk = userPk(query.userId);
  const wanted = query.limit + 1;
  const inRange = (row: Pick<StoredSessionRow, 'startedAt'>) =>
    row.startedAt >= lowest && row.startedAt <= highest;
  const accepts = (row: StoredSessionRow) =>
    inRange(row) && (query.matches?.(toSummary(query.userId, row, 0)) ?? true);
  const start = await scanStart(transport, head, pk, ascending, ascending ? lowest : highest);
  const budget = new QueryBudget(start.units, head.busyDays);
  const withStart = (sofar: readonly Item[]) =>
    start.items.length === 0 ? sofar : [...start.items, ...sofar];

  /**
   * The pages read of the first day, when they may end a page without the rest of that day: they are all
   * that was read, and of the newest write the head shows for that day, read from a page the next list page
   * can start at again: the day's newest (newest first with no bound, the scan met it first) or the one its
   * index named. A day with no index is read again from its end, so a page cut within it would resume where
   * it began, for ever: such a day is read whole.
   */
  const fromNewest = !ascending && start.sk === undefined;
  const firstDayInPart = (items: readonly Item[]): DayGroup | undefined => {
    if (daysRead(items).length !== 1) return undefined;
    const group = resolveDays(head, items).days[0];
    return group === undefined || (!fromNewest && group.token !== start.token) ? undefined : group;
  };
  // Asked twice per query page (whether to stop, how many more): decode the rows once per page.
  let acceptedAt = { items: -1, count: 0 };
  /** Sessions accepted from the days known complete so far, or from the first day's pages read so far. */
  const acceptedSoFar = (all: readonly Item[]) => {
    if (acceptedAt.items === all.length) return acceptedAt.count;
    const complete = new Set(completeDays(all));
    const inPart = complete.size === 0 ? firstDayInPart(all) : undefined;
    const groups =
      inPart !== undefined
        ? [inPart]
        : resolveDays(
            head,
            all.filter((item) => complete.has(dayOfItem(item))),
          ).days;
    let count = 0;
    for (const group of groups)
      for (const page of group.pages) for (const row of decodeRows(page)) if (accepts(row)) count++;
    acceptedAt = { items: all.length, count };
    return count;
  };

  let cut = undefined as 'day' | 'page' | undefined;
  const first = Number.isFinite(lowest) ? dayRangeStart(dayOf(lowest)) : FIRST_DAY_SK;
  const last = Number.isFinite(highest) ? dayRangeEnd(dayOf(highest)) : LAST_DAY_SK;
  const from = ascending ? (start.sk ?? first) : first;
  const to = ascending ? last : (start.sk ?? last);
  const read =
    from > to
      ? []
      : await transport.query(
          {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
            ExpressionAttributeValues: { ':pk': { S: pk }, ':first': { S: from }, ':last': { S: to } },
            ScanIndexForward: ascending,
            ConsistentRead: true,
            // Enough day items for a page at this user's sessions per day (plus the day that ends it).
            Limit: budget.firstItems(head, wanted, start.page),
          },
          (sofar) => {
            budget.spend(sofar);
            const all = withStart(sofar);
            if (acceptedSoFar(all) >= wanted) return true;
            if (!budget.spent) return false;
            cut =
              completeDays(all).length > 0 ? 'day' : firstDayInPart(all) !== undefined ? 'page' : undefined;
            return cut !== undefined;
          },
          // As many more as the sessions still missing need, within the units left: every byte a query returns
          // is paid for, though a request costs at least one read unit, which pays for a few small day items.
          (sofar) => {
            budget.spend(sofar);
            const needed = Math.max(
              MIN_FOLLOWING_ITEMS,
              itemsForPage(head, Math.max(1, wanted - acceptedSoFar(withStart(sofar)))),
            );
            // Units spent before a whole day was read (a day of more session rows than they hold): on to its end.
            return budget.spent ? MIN_FOLLOWING_ITEMS : Math.min(needed, budget.itemsLeft());
          },
        );
  const items = withStart(read);
  const resolved = resolveDays(head, items);
  const answer = (page: SessionListPage) => ({
    page: head.rules === undefined ? page : { ...page, rules: head.rules },
    pendingSeen: resolved.pendingSeen,
  });
  // With a scan cut at a day, the last day read may be incomplete: leave it for the next page. Only that day:
  // what was read of it may show no visible write (newest first, a newer write's pages come first), so the
  // last day resolved may be a whole one.
  const days = ascending ? resolved.days : [...resolved.days].reverse();
  const partDay = cut === 'day' ? daysRead(items).at(-1) : undefined;
  const usable = partDay === undefined ? days : days.filter((group) => group.day !== partDay);
  const matching: SessionSummary[] = [];
  for (const group of usable) {
    const rows = numberedRows(query.userId, head, group);
    if (!ascending) rows.reverse();
    for (const session of rows) {
      if (!inRange(session)) continue;
      if (query.matches !== undefined && !query.matches(session)) continue;
      if (matching.length < wanted) matching.push(session);
    }
  }
  const page = matching.slice(0, query.limit);
  if (matching.length > query.limit) return answer({ sessions: page, hasMore: true, known: true });
  // Cut short with the page not full: every session of what was read was looked at, so the next page starts
  // past the last of them, even when none was in range (a day re-read from its start).
  const resumeAfter = cut === 'page' ? pastPages(days[0], start.firstStarts, ascending) : undefined;
  if (resumeAfter !== undefined) return answer({ sessions: page, hasMore: true, resumeAfter, known: true });
  const lastWholeDay = completeDays(items).at(-1);
  if (cut === 'day' && lastWholeDay !== undefined)
    return answer({
      sessions: page,
      hasMore: true,
      resumeAfter: pastDay(lastWholeDay, ascending),
      known: true,
    });
  return answer({ sessions: page, hasMore: false, known: true });
}

/**
 * Where a page cut within a day's pages resumes: oldest first, just before the next page's first session (so
 * the next page starts reading at that page); newest first, at the first session of the lowest page read;
 * past the day when its first or last page was read.
 */
function pastPages(
  group: DayGroup | undefined,
  firstStarts: readonly number[] | undefined,
  ascending: boolean,
): number | undefined {
  const lowest = group?.pages[0];
  const highest = group?.pages.at(-1);
  if (group === undefined || lowest === undefined || highest === undefined) return undefined;
  if (!ascending) return lowest.page === 0 ? pastDay(group.day, false) : decodeRows(lowest)[0]?.startedAt;
  const next = firstStarts?.[highest.page + 1];
  return next === undefined ? pastDay(group.day, true) : next - 1;
}

/** A page of a user's sessions (the port's `listSessions`), read again under a newer head at most twice. */
export async function listSessions(
  transport: Transport,
  readHead: () => Promise<Head>,
  query: SessionListQuery,
): Promise<SessionListPage> {
  const ascending = query.order === 'asc';
  let lowest = query.from ?? Number.NEGATIVE_INFINITY;
  let highest = query.to ?? Number.POSITIVE_INFINITY;
  if (query.after !== undefined) {
    if (ascending) lowest = Math.max(lowest, query.after + 1);
    else highest = Math.min(highest, query.after - 1);
  }
  if (lowest > highest) return { sessions: [], hasMore: false };
  for (let attempt = 1; ; attempt++) {
    const head = await readHead();
    // An erased head serves nothing, whatever a move into it committed before its erasure ran again.
    if (head.erased || head.totals.sessionCount === 0) return { sessions: [], hasMore: false };
    const { page, pendingSeen } = await listPage(transport, head, query, lowest, highest);
    // Met a newer commit's items: when the head moved on since, read again under it.
    if (pendingSeen && attempt < MAX_READ_ATTEMPTS && (await readHead()).version !== head.version) continue;
    return page;
  }
}
