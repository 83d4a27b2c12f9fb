import { chunkKeysOf, type DayPage, decodeDayPage } from './day-codec.js';
import type { Head } from './head.js';
import { type Item, itemKey, type Key } from './transport.js';
import { visibilityOf } from './visibility.js';

/** All pages one write stored for one day. */
export interface DayGroup {
  readonly day: string;
  readonly token: string;
  readonly version: number;
  readonly txn: string;
  readonly pages: DayPage[];
}

/** The stored days items resolve to under one head, and what is left over to delete. */
export interface ResolvedDays {
  /** The visible version of each day that holds sessions, ascending. */
  readonly days: DayGroup[];
  /** Superseded and dead items: never visible again, safe to delete. */
  readonly garbage: Key[];
  /**
   * Visible tombstones: deleted only after `garbage`, and only when every older version of their day was
   * read (so is in `garbage`), or the versions they hide would show again.
   */
  readonly tombstones: DayGroup[];
  /** Items newer than the head: some writer has committed (or is writing) since the head was read. */
  readonly pendingSeen: boolean;
}

/**
 * A group's items, each page after its chunks: deleted in this order, a collection cut short leaves at worst
 * a page (found and collected again by a later merge), never chunks that no page names any more.
 */
export function keysOf(group: DayGroup): Key[] {
  const pk = group.pages[0]?.item.pk?.S ?? '';
  return group.pages.flatMap((page) => [
    ...chunkKeysOf(page).map((sk) => itemKey(pk, sk)),
    itemKey(pk, page.item.sk?.S ?? ''),
  ]);
}

/** Groups day pages by (day, token) and picks, per day, the newest committed group (rule: max version wins). */
export function resolveDays(head: Head, items: readonly Item[]): ResolvedDays {
  const groups = new Map<string, DayGroup>();
  for (const item of items) {
    const page = decodeDayPage(item);
    const id = `${page.day}#${page.token}`;
    const group = groups.get(id);
    if (group === undefined) {
      groups.set(id, {
        day: page.day,
        token: page.token,
        version: page.version,
        txn: page.txn,
        pages: [page],
      });
    } else {
      group.pages.push(page);
    }
  }
  const visible = new Map<string, DayGroup>();
  const garbage: Key[] = [];
  let pendingSeen = false;
  for (const group of groups.values()) {
    group.pages.sort((a, b) => a.page - b.page);
    const visibility = visibilityOf(head, group.version, group.txn);
    if (visibility === 'pending') {
      pendingSeen = true;
      continue;
    }
    if (visibility === 'dead') {
      garbage.push(...keysOf(group));
      continue;
    }
    const current = visible.get(group.day);
    if (current === undefined || group.version > current.version) {
      if (current !== undefined) garbage.push(...keysOf(current));
      visible.set(group.day, group);
    } else {
      garbage.push(...keysOf(group));
    }
  }
  const days: DayGroup[] = [];
  const tombstones: DayGroup[] = [];
  for (const group of [...visible.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))) {
    const sessions = group.pages.reduce((sum, page) => sum + page.sessionCount, 0);
    const complete = group.pages.length === (group.pages[0]?.pageCount ?? 0);
    if (sessions === 0 && complete) {
      tombstones.push(group);
      continue;
    }
    days.push(group);
  }
  return { days, garbage, tombstones, pendingSeen };
}
