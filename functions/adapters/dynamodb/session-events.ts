import type { EventRecord } from '../../domain/events/event.js';
import type { EventsWanted } from '../../domain/store/ports.js';
import { lastAtOrBefore } from './ascending-numbers.js';
import { CorruptItemError } from './corrupt-item.js';
import { chunkKeysOf, type DayPage, decodeRows, decodeSegments, segmentIndexOf } from './day-codec.js';
import type { DayGroup } from './day-groups.js';
import { readDays, StaleReadError } from './day-loader.js';
import type { SegmentIndex } from './event-segments.js';
import { batchKey, itemKey, type Transport } from './transport.js';

/** A contiguous run of a session's events, the first of them its event `firstIndex`. */
export interface EventRun {
  readonly events: readonly EventRecord[];
  readonly firstIndex: number;
}

/** Segments read per request at most: a request of 25 segments of 350 KB stays under BatchGetItem's 16 MB. */
const MAX_SEGMENTS_PER_READ = 25;

/**
 * Segments a timeline page reads at most: a segment costs one read unit, so with the head and the day's page
 * a page costs about 5 whatever its events hold. A page of large events stops there with fewer than asked,
 * and its cursor goes on; only a start that three segments do not reach (a tie of thousands of events at one
 * instant before it) is read for one more segment at a time, the page then ending with that segment.
 */
export const MAX_SEGMENTS_PER_PAGE = 3;

/** Where a session lies in its day: its page, and its events' range among the page's. */
interface SessionPlace {
  readonly page: DayPage;
  readonly start: number;
  readonly count: number;
  /** Events of the page's sessions, all of them, as its rows count them. */
  readonly pageCount: number;
}

function placeOf(group: DayGroup, sessionIndex: number): SessionPlace | undefined {
  let before = 0;
  for (const page of group.pages) {
    const rows = decodeRows(page);
    if (sessionIndex < before + rows.length) {
      const inPage = sessionIndex - before;
      let start = 0;
      for (let row = 0; row < inPage; row++) start += (rows[row] as { eventCount: number }).eventCount;
      const pageCount = rows.reduce((sum, row) => sum + row.eventCount, 0);
      return { page, start, count: (rows[inPage] as { eventCount: number }).eventCount, pageCount };
    }
    before += rows.length;
  }
  return undefined;
}

/**
 * The segment to start reading at: the one holding the page's start, or, for a start after an event of
 * `afterTime`, the last one of the session whose first event is earlier (every event of that time is at or
 * after it).
 */
function firstSegment(index: SegmentIndex, place: SessionPlace, wanted: EventsWanted): number {
  const first = lastAtOrBefore(index.starts, place.start);
  if (wanted.afterTime === undefined) return lastAtOrBefore(index.starts, place.start + wanted.fromIndex);
  const time = wanted.afterTime;
  const end = place.start + place.count;
  let segment = first;
  for (let next = first + 1; next < index.starts.length && (index.starts[next] as number) < end; next++) {
    if ((index.firstTimestamps[next] as number) >= time) break;
    segment = next;
  }
  return segment;
}

/**
 * One session's events, from its day group as resolved under the head: all of them, or, when its page is
 * stored in segments, the segments that hold what `wanted` asks for. A chunk gone since the page was read
 * throws StaleReadError (a newer commit collected it).
 */
export async function readSessionEvents(
  transport: Transport,
  user: string,
  group: DayGroup,
  sessionIndex: number,
  wanted: EventsWanted | undefined,
): Promise<EventRun | undefined> {
  const place = placeOf(group, sessionIndex);
  if (place === undefined) return undefined;
  const index = segmentIndexOf(place.page);
  if (wanted === undefined || index === undefined) {
    const [loaded] = await readDays(transport, user, [group]);
    const session = loaded?.sessions[sessionIndex];
    return session === undefined ? undefined : { events: session.events, firstIndex: 0 };
  }
  const end = place.start + place.count;
  if (wanted.afterTime === undefined && wanted.fromIndex >= place.count)
    return { events: [], firstIndex: place.count };

  const keys = chunkKeysOf(place.page);
  // What a whole read checks (decodePageSessions): as many events as the rows count. Read in part, an index
  // that disagrees would answer another session's events.
  const indexed = index.counts.reduce((sum, count) => sum + count, 0);
  if (indexed !== place.pageCount)
    throw new CorruptItemError(
      `${place.page.item.sk?.S}: segments of ${indexed} events for rows of ${place.pageCount}`,
    );
  const pk = place.page.item.pk?.S ?? '';
  const first = firstSegment(index, place, wanted);
  const loaded: EventRecord[] = [];
  const loadedFrom = index.starts[first] as number;
  let next = first;
  /** Where the page starts among the page's events, once the loaded events show it. */
  const pageStart = (): number | undefined => {
    if (wanted.afterTime === undefined) return place.start + wanted.fromIndex;
    const time = wanted.afterTime;
    for (let at = Math.max(0, place.start - loadedFrom); at < loaded.length; at++) {
      if ((loaded[at] as EventRecord).timestamp > time) return loadedFrom + at;
    }
    return undefined;
  };
  let segmentsRead = 0;
  const covered = () => {
    const loadedTo = loadedFrom + loaded.length;
    if (loadedTo >= end) return true;
    const start = pageStart();
    if (start === undefined) return false;
    return loadedTo >= start + wanted.count || (segmentsRead >= MAX_SEGMENTS_PER_PAGE && loadedTo > start);
  };
  /**
   * The segments from `next` that hold the events up to where the page would end if it started where the
   * loaded events say (or, not known yet, where they stop): each segment is read units, none is read idly.
   */
  const segmentsToRead = () => {
    const loadedTo = loadedFrom + loaded.length;
    const until = Math.min(end, (pageStart() ?? loadedTo) + wanted.count);
    let last = next;
    while (last + 1 < keys.length && (index.starts[last + 1] as number) < until) last++;
    // Within the page's three; past them, one at a time until the page's start shows.
    const allowed = Math.max(1, MAX_SEGMENTS_PER_PAGE - segmentsRead);
    return Math.min(MAX_SEGMENTS_PER_READ, allowed, last - next + 1);
  };
  while (!covered() && next < keys.length) {
    const batch = keys.slice(next, next + segmentsToRead());
    const items = await transport.batchGetWrittenOnce(batch.map((sk) => itemKey(pk, sk)));
    const blobs = batch.map((sk) => {
      const blob = items.get(batchKey(pk, sk))?.d?.B;
      if (blob === undefined) throw new StaleReadError(user, group.day);
      return blob;
    });
    for (const event of decodeSegments(user, place.page, index, next, blobs)) loaded.push(event);
    next += batch.length;
    segmentsRead += batch.length;
  }
  const from = Math.max(place.start, loadedFrom);
  const to = Math.min(end, loadedFrom + loaded.length);
  return { events: loaded.slice(from - loadedFrom, to - loadedFrom), firstIndex: from - place.start };
}
