import type { SessionSummary } from '../../domain/sessions/summary.js';
import { decodeRows } from './day-codec.js';
import type { DayGroup } from './day-groups.js';
import type { Head } from './head.js';
import type { StoredSessionRow } from './session-rows.js';

export function toSummary(user: string, row: StoredSessionRow, sessionNumber: number): SessionSummary {
  const { continuesChain: _chain, ...rest } = row;
  return { ...rest, userId: user, sessionNumber };
}

function earlierMonths(head: Head, month: string): number {
  let count = 0;
  for (const [key, sessions] of head.totals.months) if (key < month) count += sessions;
  return count;
}

/**
 * Every session of a day group's pages, numbered: earlier months from the head, each page's own `before`,
 * its index. The group may hold some of its write's pages only (a page counts the sessions before it).
 */
export function numberedRows(user: string, head: Head, group: DayGroup): SessionSummary[] {
  const base = earlierMonths(head, group.day.slice(0, 7));
  return group.pages.flatMap((page) =>
    decodeRows(page).map((row, index) => toSummary(user, row, base + page.before + index + 1)),
  );
}
