import type { EventRecord } from '../../domain/events/event.js';
import type { Session } from '../../domain/sessions/session.js';
import { CorruptItemError } from './corrupt-item.js';
import { DEFAULT_PAGE_LIMIT_BYTES, DEFAULT_ROWS_LIMIT_BYTES, planPages } from './day-pages.js';
import { decodeEvents } from './event-codec.js';
import { decodeSegmentIndex, type SegmentIndex } from './event-segments.js';
import { chunkSk, daySk, parseDaySk, userPk } from './keys.js';
import { decodePageIndex, encodePageIndex, MAX_INDEXED_PAGES } from './page-index.js';
import { decodeRowBlob, type StoredSessionRow } from './session-rows.js';
import type { Item } from './transport.js';

export interface DayWrite {
  readonly user: string;
  readonly day: string;
  readonly version: number;
  readonly txn: string;
  readonly token: string;
  /** Sessions of the same month on earlier days. */
  readonly before: number;
  readonly sessions: readonly Session[];
}

/** A day's write: its pages as `planPages` cuts them, and the chunks of their events. */
export interface EncodedDay {
  readonly pages: Item[];
  /** Event chunks of pages whose events are not inline; written with the pages. */
  readonly chunks: Item[];
}

export function encodeDay(
  write: DayWrite,
  limit = DEFAULT_PAGE_LIMIT_BYTES,
  rowsLimit = DEFAULT_ROWS_LIMIT_BYTES,
): EncodedDay {
  const pk = userPk(write.user);
  const plans = planPages(write.user, write.sessions, limit, rowsLimit);
  const pageIndex =
    plans.length > 1 && plans.length <= MAX_INDEXED_PAGES
      ? encodePageIndex(plans.map((plan) => (plan.sessions[0] as Session).startedAt))
      : undefined;
  const pages: Item[] = [];
  const chunks: Item[] = [];
  let before = write.before;
  plans.forEach((plan, page) => {
    const common = { pk: { S: pk }, v: { N: String(write.version) }, t: { S: write.txn } };
    const item: Item = {
      ...common,
      sk: { S: daySk(write.day, write.token, page) },
      pc: { N: String(plans.length) },
      b: { N: String(before) },
      n: { N: String(plan.sessions.length) },
      s: { B: plan.summaries },
    };
    if (plan.events !== undefined) item.e = { B: plan.events };
    else item.ec = { N: String(plan.chunks.length) };
    if (plan.segmentIndex !== undefined) item.sg = { B: plan.segmentIndex };
    if (pageIndex !== undefined && page === plans.length - 1) item.pi = { B: pageIndex };
    pages.push(item);
    plan.chunks.forEach((chunk, index) => {
      chunks.push({ ...common, sk: { S: chunkSk(write.day, write.token, page, index) }, d: { B: chunk } });
    });
    before += plan.sessions.length;
  });
  return { pages, chunks };
}

/** A tombstone says a day no longer holds sessions, until the older versions it hides are deleted. */
export function encodeTombstone(
  user: string,
  day: string,
  version: number,
  txn: string,
  token: string,
): Item {
  return {
    pk: { S: userPk(user) },
    sk: { S: daySk(day, token, 0) },
    v: { N: String(version) },
    t: { S: txn },
    pc: { N: '1' },
    b: { N: '0' },
    n: { N: '0' },
  };
}

export interface DayPage {
  readonly day: string;
  readonly token: string;
  readonly page: number;
  readonly pageCount: number;
  readonly version: number;
  readonly txn: string;
  readonly before: number;
  readonly sessionCount: number;
  readonly item: Item;
}

function numberOf(item: Item, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new CorruptItemError(`${item.sk?.S} has no ${name}`);
  return Number(value);
}

export function decodeDayPage(item: Item): DayPage {
  const key = parseDaySk(item.sk?.S ?? '');
  if (key === undefined) throw new CorruptItemError(`${item.sk?.S} is not a day page`);
  return {
    ...key,
    pageCount: numberOf(item, 'pc'),
    version: numberOf(item, 'v'),
    txn: item.t?.S ?? '',
    before: numberOf(item, 'b'),
    sessionCount: numberOf(item, 'n'),
    item,
  };
}

/**
 * Each item read decodes its rows once, though a lookup asks for them to number, place and check sessions,
 * and a query's stop check and the reader's pass after it each resolve the same items into pages of their own.
 */
const decodedRows = new WeakMap<Item, readonly StoredSessionRow[]>();

export function decodeRows(page: DayPage): readonly StoredSessionRow[] {
  let rows = decodedRows.get(page.item);
  if (rows === undefined) {
    const blob = page.item.s?.B;
    rows = blob === undefined ? [] : decodeRowBlob(blob);
    decodedRows.set(page.item, rows);
  }
  return rows;
}

/** When each page of the page's write starts, on the last page of a day written as several; else undefined. */
export function pageIndexOf(page: DayPage): number[] | undefined {
  const blob = page.item.pi?.B;
  if (blob === undefined) return undefined;
  const starts = decodePageIndex(blob, page.item.sk?.S ?? '');
  if (starts.length !== page.pageCount || page.page !== page.pageCount - 1)
    throw new CorruptItemError(
      `${page.item.sk?.S}: a page index of ${starts.length} on page ${page.page + 1} of ${page.pageCount}`,
    );
  return starts;
}

/** Keys of the chunks holding a page's events, when they are not inline. */
export function chunkKeysOf(page: DayPage): string[] {
  const count = page.item.ec?.N === undefined ? 0 : Number(page.item.ec.N);
  return Array.from({ length: count }, (_, index) => chunkSk(page.day, page.token, page.page, index));
}

/** A page's segment index, when its chunks are segments (see event-segments.ts). */
export function segmentIndexOf(page: DayPage): SegmentIndex | undefined {
  const blob = page.item.sg?.B;
  if (blob === undefined) return undefined;
  const where = page.item.sk?.S ?? '';
  const index = decodeSegmentIndex(blob, where);
  // One chunk a segment, and no inline events beside them: read in part, an index that disagrees would
  // name chunks that are not there, or answer events for ever never found.
  const chunks = chunkKeysOf(page).length;
  if (page.item.e !== undefined || index.counts.length !== chunks)
    throw new CorruptItemError(`${where}: ${chunks} chunks for ${index.counts.length} segments`);
  return index;
}

/** The events of some of a page's segments, in order, checked against the index. */
export function decodeSegments(
  user: string,
  page: DayPage,
  index: SegmentIndex,
  first: number,
  blobs: readonly Uint8Array[],
): EventRecord[] {
  return blobs.flatMap((blob, offset) => {
    const events = decodeEvents(user, blob);
    if (events.length !== index.counts[first + offset])
      throw new CorruptItemError(
        `${page.item.sk?.S}: segment ${first + offset} holds ${events.length} events`,
      );
    // A read in part picks its first segment by these times: one that is not the segment's would skip events.
    if (events[0]?.timestamp !== index.firstTimestamps[first + offset])
      throw new CorruptItemError(
        `${page.item.sk?.S}: segment ${first + offset} does not start at its indexed time`,
      );
    return events;
  });
}

/** All of a page's events: inline, or from its chunks (one blob cut in pieces, or segments). */
function decodePageEvents(user: string, page: DayPage, chunks: readonly Uint8Array[]): EventRecord[] {
  const inline = page.item.e?.B;
  if (inline !== undefined) return decodeEvents(user, inline);
  const index = segmentIndexOf(page);
  if (index === undefined) return decodeEvents(user, Buffer.concat(chunks));
  if (index.counts.length !== chunks.length)
    throw new CorruptItemError(
      `${page.item.sk?.S}: ${chunks.length} chunks for ${index.counts.length} segments`,
    );
  return decodeSegments(user, page, index, 0, chunks);
}

/** A page's sessions with their events, from its inline events or its chunks (in order). */
export function decodePageSessions(
  user: string,
  page: DayPage,
  chunks: readonly Uint8Array[] = [],
): Session[] {
  const rows = decodeRows(page);
  const events: EventRecord[] = rows.length === 0 ? [] : decodePageEvents(user, page, chunks);
  const sessions: Session[] = [];
  let offset = 0;
  for (const row of rows) {
    const sessionEvents = events.slice(offset, offset + row.eventCount);
    offset += row.eventCount;
    sessions.push({
      userId: user,
      sessionId: row.sessionId,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      events: sessionEvents,
      continuesChain: row.continuesChain,
    });
  }
  if (offset !== events.length) throw new CorruptItemError(`${page.item.sk?.S}: event count does not match`);
  return sessions;
}
