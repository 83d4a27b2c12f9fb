import { createHash } from 'node:crypto';
import type { EventRecord } from '../domain/events/event.js';
import type { CursorPosition } from './cursor.js';
import { type TimelineEventView, timelineEventView } from './views.js';

/** Events of one session per response unless asked for fewer. */
export const MAX_EVENT_LIMIT = 1_000;

/**
 * A page stops before its events' JSON passes this many bytes. Lambda answers at most 6 MB, and a thousand
 * events of the longest names, urls and titles (1,024 code units each, escaped) can pass that.
 */
export const EVENT_PAGE_BYTES = 4 * 1024 * 1024;

export interface EventPage {
  readonly events: TimelineEventView[];
  /** Where the next page starts; undefined when this one reaches the session's last event. */
  readonly next: Required<CursorPosition> | undefined;
}

/**
 * The mark of an event a page stopped after: its time and a digest of its id (ids have no length limit,
 * and a cursor must stay short). The next page finds the event again by it, wherever late events moved it.
 */
export function eventMark(event: EventRecord): string {
  const digest = createHash('sha256').update(event.id).digest('base64url').slice(0, 16);
  return `${event.timestamp}.${digest}`;
}

/**
 * Where a page that follows `position` starts in the session's events as they are now: just after the
 * marked event; when it is gone (a duplicate kept an earlier copy), after the events of its time; a cursor
 * without a mark starts at its position.
 */
export function resumeIndex(events: readonly EventRecord[], position: CursorPosition): number {
  if (position.mark === undefined) return position.after;
  const time = Number(position.mark.slice(0, position.mark.indexOf('.')));
  let index = firstIndexAfter(events, time - 1);
  const end = firstIndexAfter(events, time);
  for (; index < end; index++) {
    if (eventMark(events[index] as EventRecord) === position.mark) return index + 1;
  }
  return end;
}

/** The first event later than `time`; events are in session order, by time first. */
function firstIndexAfter(events: readonly EventRecord[], time: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((events[middle] as EventRecord).timestamp <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The session's events from index `from`: at most `limit`, and never more bytes than a response holds. */
export function eventPage(
  events: readonly EventRecord[],
  from: number,
  limit: number,
  pageBytes = EVENT_PAGE_BYTES,
): EventPage {
  const page: TimelineEventView[] = [];
  let bytes = 0;
  let position = from;
  for (; position < events.length && page.length < limit; position++) {
    const view = timelineEventView(events[position] as EventRecord);
    bytes += Buffer.byteLength(JSON.stringify(view)) + 1;
    // Always one event, so that every page moves on.
    if (bytes > pageBytes && page.length > 0) break;
    page.push(view);
  }
  const last = events[position - 1];
  return {
    events: page,
    next:
      position < events.length && last !== undefined ? { after: position, mark: eventMark(last) } : undefined,
  };
}
