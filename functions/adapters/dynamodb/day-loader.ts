import { dayOf as dayOfInstant, lastDayKeyOfMonth } from '../../domain/store/calendar.js';
import type { StoredDay } from '../../domain/store/stored.js';
import { loggedUser } from '../../shared/id-digest.js';
import { chunkKeysOf, decodePageSessions, decodeRows } from './day-codec.js';
import { type DayGroup, keysOf, type ResolvedDays, resolveDays } from './day-groups.js';
import type { Head } from './head.js';
import { DAY_PREFIX, dayRangeEnd, FIRST_DAY_SK, LAST_DAY_SK, userPk } from './keys.js';
import { batchKey, type Item, itemKey, type Key, type Transport } from './transport.js';

/**
 * A page named chunks that are gone: a newer commit collected them after the page was read. What was read
 * is out of date; the reader starts over from a fresh head, as after a lost race.
 */
export class StaleReadError extends Error {
  constructor(user: string, day: string) {
    super(`events of ${day} of the ${loggedUser(user)} were collected by a newer commit while being read`);
    this.name = 'StaleReadError';
  }
}

/** An attempt's outcome when what it read went stale: the attempt lost, as to a concurrent commit. */
export function conflictOnStaleRead(error: unknown): 'conflict' {
  if (error instanceof StaleReadError) return 'conflict';
  throw error;
}

/** A stored day with what a rewrite must know about where it came from. */
export interface LoadedDay extends StoredDay {
  readonly group: DayGroup;
}

export interface LoadedWindow {
  /** Contiguous stored days, ascending. */
  readonly days: LoadedDay[];
  /** No stored day before / after the loaded ones. */
  readonly startsAtFirstDay: boolean;
  readonly endsAtLastDay: boolean;
  readonly garbage: Key[];
  readonly tombstones: Key[];
}

function lastSessionEnd(group: DayGroup): number {
  let end = Number.NEGATIVE_INFINITY;
  for (const page of group.pages) for (const row of decodeRows(page)) end = Math.max(end, row.endedAt);
  return end;
}

function firstSessionContinuesChain(group: DayGroup): boolean {
  const first = group.pages[0];
  return first === undefined ? false : decodeRows(first)[0]?.continuesChain === true;
}

/**
 * The last day whose month a change may renumber: at least `until`; under a length cap, also the month each
 * session that may move ends in (any of the window's own days; past them, a capped chain's), since a late
 * event that moves a capped session's start splits it again, and a split may start on the day it ends: a day
 * after the window's month, stored with sessions that were not loaded.
 */
function reachedUntil(
  until: string,
  groups: readonly DayGroup[],
  capped: boolean,
  chainsOnly: boolean,
): string {
  let last = until;
  if (!capped) return last;
  for (const group of groups)
    for (const page of group.pages)
      for (const row of decodeRows(page)) {
        if (chainsOnly && !row.continuesChain) continue;
        const monthEnd = lastDayKeyOfMonth(dayOfInstant(row.endedAt));
        if (monthEnd > last) last = monthEnd;
      }
  return last;
}

/**
 * How many of the stored days after the window (ascending) a change can reach: those up to `until` (see
 * {@link reachedUntil}, extended by each day reached), then along a capped chain.
 */
function daysReached(groups: readonly DayGroup[], until: string, capped: boolean): number {
  let last = until;
  for (const [index, group] of groups.entries()) {
    if (!reaches(last, group)) return index;
    last = reachedUntil(last, [group], capped, true);
  }
  return groups.length;
}

/** Whether a change that reaches through `last` reaches `group`, the next stored day after it. */
function reaches(last: string, group: DayGroup): boolean {
  return group.day <= last || firstSessionContinuesChain(group);
}

function dayOf(item: Item): string {
  return (item.sk?.S ?? '').slice(DAY_PREFIX.length, DAY_PREFIX.length + 10);
}

/**
 * A query's stop check that hands `isEnough` each day's items once, when the day is complete (a later day in
 * key order has started), in order; `stop` ends the query at the first it accepts. Each page checks only
 * the days it completed, so a long range costs one pass over its items, not one per page.
 */
function stopAtCompleteDay(
  isEnough: (dayItems: Item[]) => boolean,
  stop: (items: readonly Item[]) => boolean,
): (items: readonly Item[]) => boolean {
  let checked = 0;
  return (items) => {
    while (checked < items.length) {
      const day = dayOf(items[checked] as Item);
      let end = checked;
      while (end < items.length && dayOf(items[end] as Item) === day) end++;
      if (end === items.length) return false;
      if (isEnough(items.slice(checked, end))) return stop(items);
      checked = end;
    }
    return false;
  };
}

/** Reads the sessions of resolved day groups, fetching the chunks of pages whose events are not inline. */
export async function readDays(
  transport: Transport,
  user: string,
  groups: readonly DayGroup[],
): Promise<LoadedDay[]> {
  const pk = userPk(user);
  const chunkKeys = groups.flatMap((group) => group.pages.flatMap((page) => chunkKeysOf(page)));
  const chunks =
    chunkKeys.length === 0
      ? new Map<string, Item>()
      : await transport.batchGetWrittenOnce(chunkKeys.map((sk) => itemKey(pk, sk)));
  return groups.map((group) => ({
    day: group.day,
    before: group.pages[0]?.before ?? 0,
    group,
    sessions: group.pages.flatMap((page) => {
      const blobs = chunkKeysOf(page).map((sk) => {
        const chunk = chunks.get(batchKey(pk, sk))?.d?.B;
        if (chunk === undefined) throw new StaleReadError(user, group.day);
        return chunk;
      });
      return decodePageSessions(user, page, blobs);
    }),
  }));
}

/**
 * Loads every stored day a change to [from, to] can reach: back from `to` until a day whose sessions all
 * end before `from`; forward through the rest of `to`'s month (whose `before` counts may move) and along
 * any capped chain that continues past it. Also reports garbage seen on the way.
 */
export async function loadWindow(
  transport: Transport,
  user: string,
  head: Head,
  from: number,
  to: number,
  /** Sessions are capped (rule 7): a re-split may reach the months loaded sessions end in. */
  capped = false,
): Promise<LoadedWindow> {
  // Nothing was ever committed: every stored item is above the head's version, so none is visible. A
  // user's first merge (every new user of a daily export) saves the query.
  if (head.version === 0)
    return { days: [], startsAtFirstDay: true, endsAtLastDay: true, garbage: [], tombstones: [] };
  const pk = userPk(user);
  const fromDay = new Date(from).toISOString().slice(0, 10);
  const toDay = new Date(to).toISOString().slice(0, 10);
  const garbage: Key[] = [];
  const tombstones: Key[] = [];
  // Newer (pending) items are other writers' work in progress; the commit's condition settles any race.
  // A query that stopped early may have read its last day in part: a tombstone there may hide older
  // versions not read, which deleting it would bring back. It stays until a merge reads that day whole.
  const collect = (resolved: ResolvedDays, partialDay: string | undefined) => {
    garbage.push(...resolved.garbage);
    for (const group of resolved.tombstones) if (group.day !== partialDay) tombstones.push(...keysOf(group));
  };
  /** The last day a query read when it stopped early, before reaching the end of its range. */
  let cutAt: string | undefined;
  const stopped = (items: readonly Item[]) => {
    cutAt = items.length === 0 ? undefined : dayOf(items[items.length - 1] as Item);
    return true;
  };

  // Backward: newest first from the window's last day.
  let startsAtFirstDay = true;
  const backward = await transport.query(
    {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': { S: pk },
        ':first': { S: FIRST_DAY_SK },
        ':last': { S: dayRangeEnd(toDay) },
      },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 8,
    },
    // Stop at a complete day (an older one has started) before the window's first day that ends before it.
    stopAtCompleteDay((dayItems) => {
      if (dayOf(dayItems[0] as Item) >= fromDay) return false;
      const group = resolveDays(head, dayItems).days[0];
      return group !== undefined && lastSessionEnd(group) < from;
    }, stopped),
  );
  const backwardDays = resolveDays(head, backward);
  collect(backwardDays, cutAt);
  const groups: DayGroup[] = [];
  for (const group of [...backwardDays.days].reverse()) {
    // Every stored day the window touches is loaded whole: new sessions may start on it.
    if (group.day < fromDay && lastSessionEnd(group) < from) {
      startsAtFirstDay = false;
      break;
    }
    groups.unshift(group);
  }
  // A day older than every loaded one was left out only if the stop condition cut it.
  if (startsAtFirstDay && backwardDays.days.length > groups.length) startsAtFirstDay = false;

  // Forward: the rest of the month (under a cap, of the months sessions that may move end in), then along a
  // capped chain.
  cutAt = undefined;
  let endsAtLastDay = true;
  const until = reachedUntil(lastDayKeyOfMonth(toDay), groups, capped, false);
  if (head.lastDay !== undefined && head.lastDay > toDay) {
    let reachedSoFar = until;
    const forward = await transport.query(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': { S: pk },
          ':first': { S: dayRangeEnd(toDay) },
          ':last': { S: LAST_DAY_SK },
        },
        ScanIndexForward: true,
        ConsistentRead: true,
        Limit: 8,
      },
      // Stop at a complete day (a newer one has started) that the change cannot reach.
      stopAtCompleteDay((dayItems) => {
        for (const group of resolveDays(head, dayItems).days) {
          if (!reaches(reachedSoFar, group)) return true;
          reachedSoFar = reachedUntil(reachedSoFar, [group], capped, true);
        }
        return false;
      }, stopped),
    );
    const forwardDays = resolveDays(head, forward);
    collect(forwardDays, cutAt);
    const reached = daysReached(forwardDays.days, until, capped);
    if (reached < forwardDays.days.length) endsAtLastDay = false;
    groups.push(...forwardDays.days.slice(0, reached));
  }

  const days = await readDays(transport, user, groups);
  return { days, startsAtFirstDay, endsAtLastDay, garbage, tombstones };
}
