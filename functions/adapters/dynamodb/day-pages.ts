// How a day's sessions are cut into pages, and which of a page's events stay inline: the sizes that set a
// list's read units and a merge's write units (docs/cost.md). How a page is stored is day-codec.ts's.
import type { Session } from '../../domain/sessions/session.js';
import { encodeEvents } from './event-codec.js';
import { encodeSegments, SEGMENT_BYTES, SEGMENT_MAX_BYTES } from './event-segments.js';
import { encodeRows } from './session-rows.js';

/** Items stay well under DynamoDB's 400 KB: keys, numbers and names need some room beside the blobs. */
export const DEFAULT_PAGE_LIMIT_BYTES = 350_000;

/**
 * A day's session rows past this (deflated) are cut into pages of at most this much (a single session can
 * exceed it): with its keys, segment index and page index, a page stays within the 4 KB a strongly consistent
 * read bills as one unit, so a session read on a day of hundreds of sessions reads the last page and its own
 * (`MAX_INDEXED_PAGES`, page-index.ts) instead of the whole day.
 */
export const DEFAULT_ROWS_LIMIT_BYTES = 2_800;

/**
 * Events up to this size stay inline in their page; larger ones move to chunk items. A list reads pages and
 * pays for every byte of them, so keeping events out of pages keeps a page of sessions a few read units,
 * while a page this small costs no more write units than it would without its events. At 512, one day page in
 * ten of a sparse history carried ~400 bytes of events, and a page of 50 sessions then read up to 7 units
 * (docs/cost.md). 384 held it to 5 with the first event format; the binary one fits about a third more events
 * in as many bytes, so more days stayed inline and a page read 6 again: at 320 it reads at most 5.
 */
export const INLINE_EVENTS_BYTES = 320;

export interface PagePlan {
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
export function planPages(
  user: string,
  sessions: readonly Session[],
  limit: number,
  rowsLimit: number,
): PagePlan[] {
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
