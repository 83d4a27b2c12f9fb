import type { EventRecord } from '../domain/events/event.js';
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
  readonly next: number | undefined;
}

/** The session's events from position `from`: at most `limit`, and never more bytes than a response holds. */
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
  return { events: page, next: position < events.length ? position : undefined };
}
