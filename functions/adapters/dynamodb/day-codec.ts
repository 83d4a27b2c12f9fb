import type { EventRecord } from '../../domain/events/event.js';
import type { Session } from '../../domain/sessions/session.js';
import { CorruptItemError } from './corrupt-item.js';
import { decodeEvents, encodeEvents } from './event-codec.js';
import {
  decodeSegmentIndex,
  encodeSegments,
  SEGMENT_BYTES,
  SEGMENT_MAX_BYTES,
  type SegmentIndex,
} from './event-segments.js';
import { chunkSk, daySk, parseDaySk, userPk } from './keys.js';
import { decodePageIndex, encodePageIndex, MAX_INDEXED_PAGES } from './page-index.js';
import { decodeRowBlob, encodeRows, type StoredSessionRow } from './session-rows.js';
import type { Item } from './transport.js';

/** Items stay well under DynamoDB's 400 KB: keys, numbers and names need some room beside the blobs. */
export const DEFAULT_PAGE_LIMIT_BYTES = 350_000;

/**
 * A day's session rows past this (deflated) are cut into pages of at most this much (a single session can
 * exceed it): with its keys, segment index and page index, a page stays within the 4 KB a strongly consistent
 * read bills as one unit, so a session read on a day of hundreds of sessions reads the last page and its own
 * ({@link MAX_INDEXED_PAGES}) instead of the whole day.
 */
export const DEFAULT_ROWS_LIMIT_BYTES = 2_800;

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

export interface EncodedDay {
  readonly pages: Item[];
  /** Event chunks of pages whose events are not inline; written with the pages. */
  readonly chunks: Item[];
}

/**
 * Events up to this size stay inline in their page; larger ones move to chunk items. A list reads pages and
 * pays for every byte of them, so keeping events out of pages keeps a page of sessions a few read units,
 * while a page this small costs no more write units than it would without its events. At 512, one day page in
 * ten of a sparse history carried ~400 bytes of events, and a page of 50 sessions then read up to 7 units
 * (docs/cost.md). 384 held it to 5 with the first event format; the binary one fits about a third more events
 * in as many bytes, so more days stayed inline and a page read 6 again: at 320 it reads at most 5.
 */
export const INLINE_EVENTS_BYTES = 320;

interface PagePlan {
  sessions: Session[];
  summaries: Buffer;
  /** Inline events, or undefined when the page keeps its events in chunks. */
  events: Buffer | undefined;
  chunks: Buffer[];
  /** Where the chunks' events start, when they are segments encoded each on its own. */
  segmentIndex: Buffer | undefined;
}

/**
 * Splits a day's sessions into pages of at most `rowsLimit` bytes of summaries and `limit` of summaries and
 * events (a single session can exceed either); a page's events stay inline when small and go to chunks
 * otherwise: one, or segments of about {@link SEGMENT_BYTES} (at most `limit`) when they are more.
 */
function planPages(user: string, sessions: readonly Session[], limit: number, rowsLimit: number): PagePlan[] {
  const halves = (group: Session[]): PagePlan[] => {
    const middle = Math.ceil(group.length / 2);
    return [...split(group.slice(0, middle)), ...split(group.slice(middle))];
  };
  const split = (group: Session[]): PagePlan[] => {
    const summaries = encodeRows(group);
    // Rows alone decide first: a busy day's events are then encoded once per page, not once per halving.
    if (summaries.length > rowsLimit && group.length > 1) return halves(group);
    const pageEvents = group.flatMap((session) => session.events);
    const events = encodeEvents(user, pageEvents);
    if (summaries.length + events.length > limit && group.length > 1) return halves(group);
    if (events.length <= Math.min(INLINE_EVENTS_BYTES, limit - summaries.length))
      return [{ sessions: group, summaries, events, chunks: [], segmentIndex: undefined }];
    const segments = encodeSegments(user, pageEvents, events, {
      target: Math.min(SEGMENT_BYTES, limit),
      ceiling: SEGMENT_MAX_BYTES,
      limit,
    });
    return [
      { sessions: group, summaries, events: undefined, chunks: segments.blobs, segmentIndex: segments.index },
    ];
  };
  return split([...sessions]);
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
