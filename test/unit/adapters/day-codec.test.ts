import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CorruptItemError } from '../../../functions/adapters/dynamodb/corrupt-item.js';
import {
  chunkKeysOf,
  decodeDayPage,
  decodePageSessions,
  decodeRows,
  encodeDay,
  pageIndexOf,
  segmentIndexOf,
} from '../../../functions/adapters/dynamodb/day-codec.js';
import {
  DEFAULT_PAGE_LIMIT_BYTES,
  DEFAULT_ROWS_LIMIT_BYTES,
  INLINE_EVENTS_BYTES,
} from '../../../functions/adapters/dynamodb/day-pages.js';
import { decodeEvents, encodeEvents } from '../../../functions/adapters/dynamodb/event-codec.js';
import { SEGMENT_MAX_BYTES } from '../../../functions/adapters/dynamodb/event-segments.js';
import { itemSize } from '../../../functions/adapters/dynamodb/item-size.js';
import { MAX_INDEXED_PAGES, pageHolding } from '../../../functions/adapters/dynamodb/page-index.js';
import { encodeRows } from '../../../functions/adapters/dynamodb/session-rows.js';
import type { Session } from '../../../functions/domain/sessions/session.js';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import { record } from '../../helpers/event-arbitraries.js';

const T0 = Date.UTC(2024, 2, 5, 8, 0, 0);
const MINUTE = 60_000;

/** `count` sessions of `perSession` events a minute apart, two hours between sessions. */
function sessions(count: number, perSession: number): Session[] {
  return Array.from({ length: count }, (_, s) => {
    const start = T0 + s * 120 * MINUTE;
    const events = Array.from({ length: perSession }, (_, e) =>
      record({
        id: `m:${s}-${e}`,
        userId: 'u',
        timestamp: start + e * MINUTE,
        name: `Step ${e} of a longer path`,
      }),
    );
    return {
      userId: 'u',
      sessionId: sessionIdFor(start),
      startedAt: start,
      endedAt: start + (perSession - 1) * MINUTE,
      events,
      continuesChain: false,
    };
  });
}

function roundTrip(day: Session[], limit = DEFAULT_PAGE_LIMIT_BYTES, rowsLimit = DEFAULT_ROWS_LIMIT_BYTES) {
  const encoded = encodeDay(
    { user: 'u', day: '2024-03-05', version: 1, txn: 'txn', token: '000001txn', before: 0, sessions: day },
    limit,
    rowsLimit,
  );
  const chunkBySk = new Map(encoded.chunks.map((chunk) => [chunk.sk?.S, chunk.d?.B as Uint8Array]));
  const decoded = encoded.pages.flatMap((item) => {
    const page = decodeDayPage(item);
    return decodePageSessions(
      'u',
      page,
      chunkKeysOf(page).map((sk) => chunkBySk.get(sk) as Uint8Array),
    );
  });
  return { encoded, decoded };
}

describe('day pages', () => {
  it('keep a small day’s events inline: one item, one write unit', () => {
    const day = sessions(1, 2);
    const { encoded, decoded } = roundTrip(day);
    expect(encoded.chunks).toEqual([]);
    expect(encoded.pages).toHaveLength(1);
    expect((encoded.pages[0]?.e?.B ?? new Uint8Array(INLINE_EVENTS_BYTES + 1)).length).toBeLessThanOrEqual(
      INLINE_EVENTS_BYTES,
    );
    expect(decoded).toEqual(day);
  });

  it('move a busy day’s events to chunks, so that a page holds only session rows', () => {
    const day = sessions(12, 15);
    const { encoded, decoded } = roundTrip(day);
    expect(encoded.pages).toHaveLength(1);
    expect(encoded.pages[0]?.e).toBeUndefined();
    expect(encoded.chunks.length).toBeGreaterThan(0);
    expect(decoded).toEqual(day);
  });

  it('split a day over the page limit and chunk each page’s events at the limit', () => {
    const day = sessions(12, 40);
    const limit = 600;
    const { encoded, decoded } = roundTrip(day, limit);
    expect(encoded.pages.length).toBeGreaterThan(1);
    for (const chunk of encoded.chunks) expect(chunk.d?.B?.length).toBeLessThanOrEqual(limit);
    expect(decoded).toEqual(day);
  });

  it('split a day whose rows, or rows and events, pass their limit by one byte, and no day that meets it', () => {
    const day = sessions(2, 2);
    const rows = encodeRows(day).length;
    const bytes =
      rows +
      encodeEvents(
        'u',
        day.flatMap((session) => session.events),
      ).length;
    const pagesAt = (limit: number, rowsLimit: number) =>
      roundTrip(day, limit, rowsLimit).encoded.pages.length;
    expect(pagesAt(bytes, rows)).toBe(1);
    expect(pagesAt(bytes, rows - 1)).toBe(2);
    expect(pagesAt(bytes - 1, rows)).toBe(2);
  });

  it('keep a single session’s events inline only while they fit beside its row within the page limit', () => {
    const day = sessions(1, 2);
    const bytes = encodeRows(day).length + encodeEvents('u', day[0]?.events ?? []).length;
    expect(roundTrip(day, bytes).encoded.pages[0]?.e).toBeDefined();
    const over = roundTrip(day, bytes - 1);
    expect(over.encoded.pages[0]?.e).toBeUndefined();
    expect(over.decoded).toEqual(day);
  });

  it('store a long session’s events as segments of about 7 KB, each readable alone, with an index', () => {
    const day = sessions(3, 2_000);
    const { encoded, decoded } = roundTrip(day);
    expect(decoded).toEqual(day);
    expect(encoded.pages).toHaveLength(1);
    const page = decodeDayPage(encoded.pages[0] as (typeof encoded.pages)[number]);
    const index = segmentIndexOf(page);
    expect(index?.counts.length).toBe(encoded.chunks.length);
    expect(encoded.chunks.length).toBeGreaterThan(1);
    const all = day.flatMap((session) => session.events);
    encoded.chunks.forEach((chunk, segment) => {
      const events = decodeEvents('u', chunk.d?.B as Uint8Array);
      const start = index?.starts[segment] as number;
      expect(events).toEqual(all.slice(start, start + events.length));
      expect(index?.counts[segment]).toBe(events.length);
      expect(index?.firstTimestamps[segment]).toBe(events[0]?.timestamp);
      expect(chunk.d?.B?.length).toBeLessThanOrEqual(SEGMENT_MAX_BYTES);
    });
  });

  it('cut a segment in two where the events are denser than the page’s average, so each reads as one unit', () => {
    // The first session's events are short, the second's carry long random names: sized by the average, the
    // second's segments would pass the ceiling.
    let seed = 11;
    const noise = (length: number) =>
      Array.from({ length }, () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return String.fromCharCode(97 + (seed % 26));
      }).join('');
    const day = sessions(2, 1_500).map((session, s) =>
      s === 0
        ? session
        : { ...session, events: session.events.map((event) => ({ ...event, name: noise(120) })) },
    );
    const { encoded, decoded } = roundTrip(day);
    expect(decoded).toEqual(day);
    expect(encoded.chunks.length).toBeGreaterThan(4);
    for (const chunk of encoded.chunks) expect(chunk.d?.B?.length).toBeLessThanOrEqual(SEGMENT_MAX_BYTES);
  });

  it('keep segments under a small page limit, and a day’s events in one chunk while they fit a segment', () => {
    const { encoded, decoded } = roundTrip(sessions(2, 300), 2_000);
    expect(decoded).toEqual(sessions(2, 300));
    for (const chunk of encoded.chunks) expect(chunk.d?.B?.length).toBeLessThanOrEqual(2_000);
    const busy = roundTrip(sessions(12, 15)).encoded;
    expect(busy.chunks).toHaveLength(1);
    expect(busy.pages[0]?.sg).toBeUndefined();
  });

  it('cut the events in pieces under the page limit when one event alone passes it (a messageId has no length limit)', () => {
    // Random text: deflate cannot shrink it under the limit.
    let seed = 7;
    const random = (length: number) =>
      Array.from({ length }, () => {
        seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
        return String.fromCharCode(33 + ((seed >>> 16) % 94));
      }).join('');
    const long = `m:${random(600_000)}`;
    const [busy, alone] = sessions(2, 300) as [Session, Session];
    const events = [...busy.events];
    events[150] = { ...(events[150] as (typeof events)[number]), id: long };
    const day: Session[] = [
      { ...busy, events },
      {
        ...alone,
        events: [{ ...(alone.events[0] as (typeof events)[number]), id: `m:${random(900_000)}` }],
        endedAt: alone.startedAt,
      },
    ];
    for (const limit of [DEFAULT_PAGE_LIMIT_BYTES, 100_000]) {
      const { encoded, decoded } = roundTrip(day, limit);
      expect(decoded).toEqual(day);
      for (const chunk of encoded.chunks) expect(chunk.d?.B?.length).toBeLessThanOrEqual(limit);
    }
  });

  it('read pages written before segments: one blob cut in pieces', () => {
    const day = sessions(2, 2_000);
    const { encoded } = roundTrip(day);
    const item = { ...(encoded.pages[0] as (typeof encoded.pages)[number]) };
    delete item.sg;
    const blob = encodeEvents(
      'u',
      day.flatMap((session) => session.events),
    );
    const pieces = [blob.subarray(0, 1_000), blob.subarray(1_000)];
    item.ec = { N: String(pieces.length) };
    expect(decodePageSessions('u', decodeDayPage(item), pieces)).toEqual(day);
  });

  it('refuse a segment index that does not match the segments', () => {
    const { encoded } = roundTrip(sessions(2, 2_000));
    const item = encoded.pages[0] as (typeof encoded.pages)[number];
    const chunks = encoded.chunks.map((chunk) => chunk.d?.B as Uint8Array);
    const page = decodeDayPage(item);
    expect(() => decodePageSessions('u', page, chunks.slice(1))).toThrow(CorruptItemError);
    const swapped = [chunks[1], chunks[0], ...chunks.slice(2)] as Uint8Array[];
    const index = segmentIndexOf(page);
    if (index?.counts[0] !== index?.counts[1])
      expect(() => decodePageSessions('u', page, swapped)).toThrow(CorruptItemError);
    const garbled = decodeDayPage({ ...item, sg: { B: deflateRawSync('[[1],[2,3]]') } });
    expect(() => decodePageSessions('u', garbled, chunks)).toThrow(/segment index is malformed/);
    const unreadable = decodeDayPage({ ...item, sg: { B: Buffer.from('not deflate') } });
    expect(() => decodePageSessions('u', unreadable, chunks)).toThrow(/segment index is not readable/);
  });

  it('refuse a page that lacks any of its numbers', () => {
    const item = roundTrip(sessions(2, 3)).encoded.pages[0] as ReturnType<typeof encodeDay>['pages'][number];
    expect(decodeDayPage(item)).toMatchObject({ pageCount: 1, version: 1, before: 0, sessionCount: 2 });
    for (const name of ['pc', 'v', 'b', 'n']) {
      const { [name]: _, ...without } = item;
      expect(() => decodeDayPage(without)).toThrow(new RegExp(`has no ${name}$`));
    }
  });
});

/** `count` sessions of `perSession` page views each, on pages of their own: rows that deflate as real ones do. */
function busyDay(count: number, perSession: number): Session[] {
  return sessions(count, perSession).map((session, s) => {
    const events = session.events.map((event, e) => {
      const path = `/articles/${((s + 1) * 2_654_435_761 + e * 40_503).toString(36)}`;
      return {
        ...event,
        type: 'page' as const,
        page: {
          url: `https://example.com${path}?ref=${s}`,
          path,
          title: `Article ${s}.${e}`,
          referrer: null,
        },
      };
    });
    return { ...session, events };
  });
}

describe('a day of many sessions', () => {
  it('is cut into pages of a few KB of rows, each one read unit, the last naming where each page starts', () => {
    const day = busyDay(300, 3);
    const { encoded, decoded } = roundTrip(day);
    expect(decoded).toEqual(day);
    const pages = encoded.pages.map(decodeDayPage);
    expect(pages.length).toBeGreaterThan(2);
    for (const item of encoded.pages) {
      expect(item.s?.B?.length).toBeLessThanOrEqual(DEFAULT_ROWS_LIMIT_BYTES);
      expect(itemSize(item)).toBeLessThanOrEqual(4096);
    }
    // Numbered on: each page's `before` counts the day's sessions on the pages before it.
    expect(pages.map((page) => page.before)).toEqual(
      pages.map((_, index) => pages.slice(0, index).reduce((sum, page) => sum + page.sessionCount, 0)),
    );
    const last = pages.at(-1) as (typeof pages)[number];
    const starts = pageIndexOf(last) as number[];
    let first = 0;
    expect(starts).toEqual(
      pages.map((page) => {
        const start = (day[first] as Session).startedAt;
        first += page.sessionCount;
        return start;
      }),
    );
    for (const page of pages.slice(0, -1)) expect(pageIndexOf(page)).toBeUndefined();
    // Every session's start leads to the page that holds it.
    first = 0;
    pages.forEach((page, index) => {
      for (const session of day.slice(first, first + page.sessionCount))
        expect(pageHolding(starts, session.startedAt)).toBe(index);
      first += page.sessionCount;
    });
  });

  it('decodes an item read once for its rows, however often a lookup asks for them', () => {
    const day = busyDay(40, 2);
    const [item] = roundTrip(day).encoded.pages;
    const page = decodeDayPage(item as NonNullable<typeof item>);
    const rows = decodeRows(page);
    expect(rows.map((row) => row.startedAt)).toEqual(
      day.slice(0, rows.length).map((session) => session.startedAt),
    );
    expect(decodeRows(page)).toBe(rows);
    // The same item resolved again (a query's stop check, then the reader's pass) is not read again.
    expect(decodeRows(decodeDayPage(item as NonNullable<typeof item>))).toBe(rows);
  });

  it('names no page index past as many pages as it indexes (such a day is read whole)', () => {
    // A rows limit of one byte: a page a session.
    const indexed = roundTrip(sessions(MAX_INDEXED_PAGES, 1), DEFAULT_PAGE_LIMIT_BYTES, 1).encoded.pages;
    expect(indexed).toHaveLength(MAX_INDEXED_PAGES);
    expect(pageIndexOf(decodeDayPage(indexed.at(-1) as (typeof indexed)[number]))).toHaveLength(
      MAX_INDEXED_PAGES,
    );
    const more = roundTrip(sessions(MAX_INDEXED_PAGES + 1, 1), DEFAULT_PAGE_LIMIT_BYTES, 1).encoded.pages;
    expect(more.map((item) => item.pi)).toEqual(more.map(() => undefined));
  });

  it('keeps a day of a few sessions on one page with no index', () => {
    const { encoded } = roundTrip(sessions(6, 3));
    expect(encoded.pages).toHaveLength(1);
    expect(encoded.pages[0]?.pi).toBeUndefined();
  });

  it('refuses a page index that is not one, or not on the last page, or not of as many pages', () => {
    const { encoded } = roundTrip(busyDay(300, 3));
    const last = encoded.pages.at(-1) as (typeof encoded.pages)[number];
    const index = last.pi as NonNullable<typeof last.pi>;
    expect(() => pageIndexOf(decodeDayPage({ ...last, pi: { B: Buffer.from('not deflate') } }))).toThrow(
      /page index is not readable/,
    );
    expect(() => pageIndexOf(decodeDayPage({ ...last, pi: { B: deflateRawSync('[5,0]') } }))).toThrow(
      /page index is malformed/,
    );
    expect(() => pageIndexOf(decodeDayPage({ ...last, pi: { B: deflateRawSync('[5,1]') } }))).toThrow(
      CorruptItemError,
    );
    expect(() => pageIndexOf(decodeDayPage({ ...(encoded.pages[0] as typeof last), pi: index }))).toThrow(
      CorruptItemError,
    );
  });
});
