import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { EventRecord } from '../../domain/events/event.js';
import { differences, runningSums } from './ascending-numbers.js';
import { CorruptItemError } from './corrupt-item.js';
import { encodeEvents } from './event-codec.js';

/**
 * A page's events past this size are stored as segments of about this size, each encoded on its own, so
 * that a page of a long session's timeline reads the few segments it shows and not the whole day (a bot's
 * session of a million events is tens of MB). An eventually consistent read bills 4 KB at half a unit, so a
 * segment that stays within 8 KB with its key costs one unit: at 32 KB, a page of a thousand small events
 * read one or two whole segments, 4 to 8 units, for the 5 KB it showed.
 */
export const SEGMENT_BYTES = 7 * 1024;

/** A segment past this is cut in two (unless it is one event), keeping the item with its keys within 8 KB. */
export const SEGMENT_MAX_BYTES = 7.5 * 1024;

/** Where a page's segments start and what they hold, read from the page (`sg`) without its events. */
export interface SegmentIndex {
  /** Events in each segment. */
  readonly counts: readonly number[];
  /** The time of each segment's first event. */
  readonly firstTimestamps: readonly number[];
  /** Where each segment starts among the page's events. */
  readonly starts: readonly number[];
}

export interface EncodedSegments {
  readonly blobs: Buffer[];
  /** The index to store in the page; undefined for a single segment, stored the way pages always were. */
  readonly index: Buffer | undefined;
}

/**
 * `whole` cut into pieces of at most `limit` bytes and no index: the chunks are read whole and joined, as
 * pages written before segments are. What a page takes when one of its events alone passes `limit` (a
 * messageId has no length limit), since no item may pass DynamoDB's 400 KB.
 */
function piecesOf(whole: Buffer, limit: number): EncodedSegments {
  const blobs: Buffer[] = [];
  for (let from = 0; from < whole.length; from += limit) blobs.push(whole.subarray(from, from + limit));
  return { blobs, index: undefined };
}

/** Segment sizes in bytes: aimed at, cut past (unless one event), and never passed (the item limit). */
export interface SegmentSizes {
  readonly target: number;
  readonly ceiling: number;
  readonly limit: number;
}

/**
 * A page's events as segments of about `target` bytes, cut in two past `ceiling`, none over `limit`; when a
 * single event passes `limit`, the whole blob cut in pieces instead ({@link piecesOf}). `whole` is the events
 * encoded as one blob, which the page needed anyway: its density sizes the segments.
 */
export function encodeSegments(
  user: string,
  events: readonly EventRecord[],
  whole: Buffer,
  { target, ceiling, limit }: SegmentSizes,
): EncodedSegments {
  if (whole.length <= target) return { blobs: [whole], index: undefined };
  if (events.length <= 1)
    return whole.length <= limit ? { blobs: [whole], index: undefined } : piecesOf(whole, limit);
  const perSegment = Math.max(1, Math.floor((events.length * target) / whole.length));
  const blobs: Buffer[] = [];
  const counts: number[] = [];
  const firstTimestamps: number[] = [];
  const add = (from: number, to: number) => {
    const blob = encodeEvents(user, events.slice(from, to));
    if (blob.length > Math.min(ceiling, limit) && to - from > 1) {
      const middle = (from + to) >>> 1;
      add(from, middle);
      add(middle, to);
      return;
    }
    blobs.push(blob);
    counts.push(to - from);
    firstTimestamps.push((events[from] as EventRecord).timestamp);
  };
  for (let from = 0; from < events.length; from += perSegment)
    add(from, Math.min(events.length, from + perSegment));
  if (blobs.some((blob) => blob.length > limit)) return piecesOf(whole, limit);
  return { blobs, index: deflateRawSync(JSON.stringify([counts, differences(firstTimestamps)])) };
}

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0;

/** The index a page stores as `sg`; CorruptItemError when it is not one. */
export function decodeSegmentIndex(blob: Uint8Array, where: string): SegmentIndex {
  let parsed: unknown;
  try {
    parsed = JSON.parse(inflateRawSync(blob).toString('utf8'));
  } catch {
    throw new CorruptItemError(`${where}: the segment index is not readable`);
  }
  const [counts, deltas] = Array.isArray(parsed) ? parsed : [];
  if (
    !Array.isArray(counts) ||
    !Array.isArray(deltas) ||
    counts.length !== deltas.length ||
    !counts.every(isCount) ||
    !deltas.every((delta) => Number.isSafeInteger(delta))
  )
    throw new CorruptItemError(`${where}: the segment index is malformed`);
  const firstTimestamps = runningSums(deltas);
  // Each segment starts where the ones before it end.
  const starts = runningSums(counts).map((end, index) => end - (counts[index] as number));
  return { counts, firstTimestamps, starts };
}
