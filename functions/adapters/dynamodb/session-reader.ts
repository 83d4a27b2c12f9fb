import { startedAtFromSessionId } from '../../domain/sessions/session.js';
import type { SessionSummary } from '../../domain/sessions/summary.js';
import { dayOf, dayStart } from '../../domain/store/calendar.js';
import type {
  EventsWanted,
  SessionEvents,
  SessionListPage,
  SessionListQuery,
  SessionReader,
  UserSummary,
} from '../../domain/store/ports.js';
import { decodeRows } from './day-codec.js';
import { type DayGroup, resolveDays } from './day-groups.js';
import { StaleReadError } from './day-loader.js';
import { decodeHead, type Head, headKey } from './head-codec.js';
import { itemSize } from './item-size.js';
import { DAY_PREFIX, dayRangeEnd, dayRangeStart, FIRST_DAY_SK, LAST_DAY_SK, userPk } from './keys.js';
import { readSessionEvents } from './session-events.js';
import type { StoredSessionRow } from './session-rows.js';
import type { Item, Transport } from './transport.js';

/** Reads that met a newer commit start over with the new head, at most this often. */
const MAX_READ_ATTEMPTS = 3;
/**
 * Read units a list page's Query may spend; with the head's, a page costs at most 5. Past them a page stops
 * at the end of a day and hands back a cursor (a filter that matches rarely would read a whole history), once
 * it has read one whole day.
 */
const MAX_QUERY_UNITS = 4;
const DAY_MS = 86_400_000;
/** A strongly consistent read bills each request's items by the 4 KB, rounded up. */
const READ_UNIT_BYTES = 4096;
/**
 * What a day item of a user with this many sessions a day is guessed to take before any is seen: keys and
 * numbers, and about 150 bytes a session row (deflated), with room to spare (a page of 1.75 sessions a day
 * took 368 bytes on average in docs/cost.md's scan). It sizes a page's first request to the units it may spend.
 */
const guessedDayItemBytes = (sessionsPerDay: number) => 250 + 150 * sessionsPerDay;
/** A query's following page reads at least this many day items: about one read unit of session rows. */
const MIN_FOLLOWING_ITEMS = 8;

/**
 * What a list page's Query has spent, by the items each response brought (called after each response; a call
 * that finds no new items spends nothing): the units each request bills, and the largest item seen, which
 * sizes requests to the units left.
 */
class QueryBudget {
  private counted = 0;
  private units = 0;
  private largest = 0;

  spend(items: readonly Item[]): void {
    if (items.length === this.counted) return;
    let bytes = 0;
    for (; this.counted < items.length; this.counted++) {
      const size = itemSize(items[this.counted] as Item);
      bytes += size;
      this.largest = Math.max(this.largest, size);
    }
    this.units += Math.ceil(bytes / READ_UNIT_BYTES);
  }

  get spent(): boolean {
    return this.units >= MAX_QUERY_UNITS;
  }

  /** Items the next request may read within the units left (at least one). */
  itemsLeft(): number {
    const bytesLeft = (MAX_QUERY_UNITS - this.units) * READ_UNIT_BYTES;
    return Math.max(1, Math.floor(bytesLeft / Math.max(1, this.largest)));
  }
}

function toSummary(user: string, row: StoredSessionRow, sessionNumber: number): SessionSummary {
  const { continuesChain: _chain, ...rest } = row;
  return { ...rest, userId: user, sessionNumber };
}

function earlierMonths(head: Head, month: string): number {
  let count = 0;
  for (const [key, sessions] of head.totals.months) if (key < month) count += sessions;
  return count;
}

/** Every session of a day group, numbered: earlier months from the head, the page's own `before`, its index. */
function numberedRows(user: string, head: Head, group: DayGroup): SessionSummary[] {
  const base = earlierMonths(head, group.day.slice(0, 7));
  return group.pages.flatMap((page) =>
    decodeRows(page).map((row, index) => toSummary(user, row, base + page.before + index + 1)),
  );
}

const sessionsPerDay = (head: Head) =>
  head.totals.dayCount > 0 ? Math.max(1, head.totals.sessionCount / head.totals.dayCount) : 1;

/** Day items a page of `sessions` needs at the user's average sessions per day, plus one to see it end. */
function itemsForPage(head: Head, sessions: number): number {
  return Math.max(2, Math.min(100, Math.ceil(sessions / sessionsPerDay(head)) + 1));
}

/** The first request's day items: what the page needs, within the units a page may spend as guessed. */
function firstItems(head: Head, sessions: number): number {
  const fit = Math.floor((MAX_QUERY_UNITS * READ_UNIT_BYTES) / guessedDayItemBytes(sessionsPerDay(head)));
  return Math.max(2, Math.min(itemsForPage(head, sessions), fit));
}

const dayOfItem = (item: Item) => (item.sk?.S ?? '').slice(DAY_PREFIX.length, DAY_PREFIX.length + 10);

/** The days of `items` known whole, in the order read: every one but the last (whole once the next starts). */
function completeDays(items: readonly Item[]): string[] {
  const days: string[] = [];
  for (const item of items) {
    const day = dayOfItem(item);
    if (day !== days[days.length - 1]) days.push(day);
  }
  return days.slice(0, -1);
}

/** Where a page cut after reading `day` whole resumes: past its end, or, newest first, before its start. */
function pastDay(day: string, ascending: boolean): number {
  return ascending ? dayStart(day) + DAY_MS - 1 : dayStart(day);
}

/**
 * The read side of the DynamoDB session store. Every read starts at the user's head: it says which version is
 * committed, so items of a merge still being written stay invisible, and carries the counts that number
 * sessions and answer a summary without scanning the user's history.
 */
export class DynamoDbSessionReader implements SessionReader {
  constructor(private readonly transport: Transport) {}

  private async head(user: string): Promise<Head> {
    return decodeHead(await this.transport.get(headKey(user)));
  }

  async getUserSummary(userId: string): Promise<UserSummary | undefined> {
    const head = await this.head(userId);
    // A head that only holds a staged write's intent, or an erased user's marker, is no user.
    if (!head.exists || head.erased) return undefined;
    // An anonymousId erased with the user it was stitched to no longer names that user.
    const link = head.anonymousErased ? undefined : head.link;
    if (head.totals.sessionCount === 0 && link === undefined && head.stitchedCount === 0) return undefined;
    return {
      userId,
      sessionCount: head.totals.sessionCount,
      eventCount: head.totals.eventCount,
      firstSeenAt: head.totals.firstSeenAt,
      lastSeenAt: head.totals.lastSeenAt,
      stitchedCount: head.stitchedCount,
      stitchedSample: head.stitchedSample,
      // An event whose anonymousId is its own userId links the id to itself: stitched to no other user.
      stitchedTo: link?.userId === userId ? undefined : link?.userId,
    };
  }

  async listSessions(query: SessionListQuery): Promise<SessionListPage> {
    const ascending = query.order === 'asc';
    let lowest = query.from ?? Number.NEGATIVE_INFINITY;
    let highest = query.to ?? Number.POSITIVE_INFINITY;
    if (query.after !== undefined) {
      if (ascending) lowest = Math.max(lowest, query.after + 1);
      else highest = Math.min(highest, query.after - 1);
    }
    if (lowest > highest) return { sessions: [], hasMore: false };
    const pk = userPk(query.userId);
    const first = Number.isFinite(lowest) ? dayRangeStart(dayOf(lowest)) : FIRST_DAY_SK;
    const last = Number.isFinite(highest) ? dayRangeEnd(dayOf(highest)) : LAST_DAY_SK;
    const wanted = query.limit + 1;
    const inRange = (row: StoredSessionRow) => row.startedAt >= lowest && row.startedAt <= highest;
    const accepts = (row: StoredSessionRow) =>
      inRange(row) && (query.matches?.(toSummary(query.userId, row, 0)) ?? true);
    for (let attempt = 1; ; attempt++) {
      const head = await this.head(query.userId);
      // An erased head serves nothing, whatever a move into it committed before its erasure ran again.
      if (head.erased || head.totals.sessionCount === 0) return { sessions: [], hasMore: false };
      const budget = new QueryBudget();
      let cut = false;
      // Asked twice per query page (whether to stop, how many more): decode the rows once per page.
      let acceptedAt = { items: -1, count: 0 };
      /** Sessions accepted from the days known complete so far (a day is complete once the next one starts). */
      const acceptedSoFar = (sofar: readonly Item[]) => {
        if (acceptedAt.items === sofar.length) return acceptedAt.count;
        const complete = new Set(completeDays(sofar));
        let count = 0;
        for (const group of resolveDays(
          head,
          sofar.filter((item) => complete.has(dayOfItem(item))),
        ).days) {
          for (const page of group.pages) for (const row of decodeRows(page)) if (accepts(row)) count++;
        }
        acceptedAt = { items: sofar.length, count };
        return count;
      };
      const items = await this.transport.query(
        {
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':first': { S: first }, ':last': { S: last } },
          ScanIndexForward: ascending,
          ConsistentRead: true,
          // Enough day items for a page at this user's sessions per day (plus the day that ends it).
          Limit: firstItems(head, wanted),
        },
        (sofar) => {
          budget.spend(sofar);
          if (acceptedSoFar(sofar) >= wanted) return true;
          cut = budget.spent && completeDays(sofar).length > 0;
          return cut;
        },
        // As many more as the sessions still missing need, within the units left: every byte a query returns
        // is paid for, though a request costs at least one read unit, which pays for a few small day items.
        (sofar) => {
          budget.spend(sofar);
          const needed = Math.max(
            MIN_FOLLOWING_ITEMS,
            itemsForPage(head, Math.max(1, wanted - acceptedSoFar(sofar))),
          );
          // Units spent before a whole day was read (a day of more session rows than they hold): on to its end.
          return budget.spent ? MIN_FOLLOWING_ITEMS : Math.min(needed, budget.itemsLeft());
        },
      );
      const resolved = resolveDays(head, items);
      if (resolved.pendingSeen && attempt < MAX_READ_ATTEMPTS) {
        const fresh = await this.head(query.userId);
        if (fresh.version !== head.version) continue;
      }
      // With a scan cut short, the last day read may be incomplete: leave it for the next page.
      const days = ascending ? resolved.days : [...resolved.days].reverse();
      const usable = cut ? days.slice(0, -1) : days;
      const matching: SessionSummary[] = [];
      for (const group of usable) {
        const rows = numberedRows(query.userId, head, group);
        if (!ascending) rows.reverse();
        for (const session of rows) {
          if (session.startedAt < lowest || session.startedAt > highest) continue;
          if (query.matches !== undefined && !query.matches(session)) continue;
          if (matching.length < wanted) matching.push(session);
        }
      }
      const page = matching.slice(0, query.limit);
      if (matching.length > query.limit) return { sessions: page, hasMore: true, known: true };
      // Cut short with the page not full: every session of the whole days was looked at, so the next page
      // starts past the last of them, even when none was in range (a day re-read from its start).
      const lastWholeDay = completeDays(items).at(-1);
      if (cut && lastWholeDay !== undefined)
        return { sessions: page, hasMore: true, resumeAfter: pastDay(lastWholeDay, ascending), known: true };
      return { sessions: page, hasMore: false, known: true };
    }
  }

  async getSession(
    userId: string,
    sessionId: string,
    wanted?: EventsWanted,
  ): Promise<SessionEvents | undefined> {
    const startedAt = startedAtFromSessionId(sessionId);
    if (startedAt === undefined) return undefined;
    const pk = userPk(userId);
    const day = dayOf(startedAt);
    for (let attempt = 1; ; attempt++) {
      const head = await this.head(userId);
      if (head.erased || head.totals.sessionCount === 0) return undefined;
      const items = await this.transport.query({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': { S: pk },
          ':first': { S: dayRangeStart(day) },
          ':last': { S: dayRangeEnd(day) },
        },
        ConsistentRead: true,
      });
      const resolved = resolveDays(head, items);
      const group = resolved.days[0];
      const rows = group === undefined ? [] : numberedRows(userId, head, group);
      const index = rows.findIndex((row) => row.startedAt === startedAt);
      if (index === -1 || group === undefined) {
        if (resolved.pendingSeen && attempt < MAX_READ_ATTEMPTS) continue;
        return undefined;
      }
      try {
        const run = await readSessionEvents(this.transport, userId, group, index, wanted);
        return run === undefined ? undefined : { session: rows[index] as SessionSummary, ...run };
      } catch (error) {
        // A newer commit collected the chunks this version named: read again under the new head. Anything
        // else (a corrupt item) would only fail again.
        if (!(error instanceof StaleReadError) || attempt >= MAX_READ_ATTEMPTS) throw error;
      }
    }
  }
}
