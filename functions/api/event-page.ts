import { createHash } from 'node:crypto';
import { wtf8Bytes } from '../../contract/wtf8.js';
import type { EventRecord } from '../domain/events/event.js';
import type { EventsWanted, SessionEvents } from '../domain/store/ports.js';
import type { CursorPosition } from './cursor.js';
import { PAGE_RESULT_BYTES, resultBytesOf } from './result-bytes.js';
import { type TimelineEventView, timelineEventView } from './views.js';

/**
 * A page stops before its events pass this many bytes as Lambda returns them: a thousand events of the longest
 * names, urls and titles (1,024 code units each, escaped) can pass Lambda's 6 MB.
 */
export const EVENT_PAGE_BYTES = PAGE_RESULT_BYTES;

export interface EventPage {
  readonly events: TimelineEventView[];
  /** Where the next page starts; undefined when this one reaches the session's last event. */
  readonly next: Required<CursorPosition> | undefined;
}

/**
 * The mark of an event a page stopped after: its time and a digest of its id (ids have no length limit,
 * and a cursor must stay short). The next page finds the event again by it, wherever late events moved it.
 * The id is digested as WTF-8: UTF-8 would write a lone surrogate as U+FFFD, so that `m:x\ud800` and
 * `m:x\ufffd`, two events, would share a mark and the second of them show on two pages.
 */
export function eventMark(event: EventRecord): string {
  const digest = createHash('sha256').update(wtf8Bytes(event.id)).digest('base64url').slice(0, 16);
  return `${event.timestamp}.${digest}`;
}

/** The time of the event a mark names. */
function markTime(mark: string): number {
  return Number(mark.slice(0, mark.indexOf('.')));
}

/** What the store must read for a page that starts at `position`. */
export function eventsWanted(position: CursorPosition, limit: number): EventsWanted {
  return {
    fromIndex: position.after,
    afterTime: position.mark === undefined ? undefined : markTime(position.mark),
    count: limit,
  };
}

/**
 * Where a page that follows `position` starts among the session's events as they are now: just after the
 * marked event; when it is gone (a duplicate kept an earlier copy), at its position, kept within the events
 * of its time (those of its time that sort after it are not seen yet, and an earlier copy of it moves none of
 * them); a cursor without a mark starts at its position.
 */
export function resumeIndex(run: SessionEvents, position: CursorPosition): number {
  if (position.mark === undefined) return position.after;
  const { events, firstIndex } = run;
  const time = markTime(position.mark);
  const start = firstIndexAfter(events, time - 1);
  const end = firstIndexAfter(events, time);
  for (let index = start; index < end; index++) {
    if (eventMark(events[index] as EventRecord) === position.mark) return firstIndex + index + 1;
  }
  return Math.min(Math.max(position.after, firstIndex + start), firstIndex + end);
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

/**
 * The session's events from its event `from`: at most `limit`, never more bytes than a response holds, and
 * no further than the run goes (a store may end it early to bound a page's reads). The run must hold the
 * page's first event (the store's promise for what `eventsWanted` asked).
 */
export function eventPage(
  run: SessionEvents,
  from: number,
  limit: number,
  pageBytes = EVENT_PAGE_BYTES,
): EventPage {
  const { events, firstIndex } = run;
  const total = run.session.eventCount;
  const runEnd = Math.min(total, firstIndex + events.length);
  if (from < total && (from < firstIndex || from >= runEnd))
    throw new Error(`the store read events ${firstIndex} to ${firstIndex + events.length - 1}, not ${from}`);
  const page: TimelineEventView[] = [];
  let bytes = 0;
  let position = from;
  let last: EventRecord | undefined;
  for (; position < runEnd && page.length < limit; position++) {
    const event = events[position - firstIndex] as EventRecord;
    const view = timelineEventView(event);
    bytes += resultBytesOf(view) + 1;
    // Always one event, so that every page moves on.
    if (bytes > pageBytes && page.length > 0) break;
    page.push(view);
    last = event;
  }
  return {
    events: page,
    next: position < total && last !== undefined ? { after: position, mark: eventMark(last) } : undefined,
  };
}
