import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CursorPosition } from '../../../functions/api/cursor.js';
import {
  EVENT_PAGE_BYTES,
  eventMark,
  eventPage,
  eventsWanted,
  resumeIndex,
} from '../../../functions/api/event-page.js';
import { resultBytesOf } from '../../../functions/api/result-bytes.js';
import { timelineEventView } from '../../../functions/api/views.js';
import { MAX_DISPLAY_LENGTH } from '../../../functions/domain/events/display-text.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { compareEvents } from '../../../functions/domain/sessions/order.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import type { SessionEvents } from '../../../functions/domain/store/ports.js';
import { record } from '../../helpers/event-arbitraries.js';
import { tightestRun } from '../../helpers/fake-session-reader.js';

/** A session's events as a store answers them: `events` from its event `firstIndex`, of `total`. */
function run(events: readonly EventRecord[], firstIndex = 0, total = events.length): SessionEvents {
  return { session: { eventCount: total } as SessionSummary, events, firstIndex };
}

const T0 = Date.UTC(2024, 0, 1);
const events = Array.from({ length: 5 }, (_, index) =>
  record({ id: `m:${index}`, timestamp: T0 + index, userId: 'u' }),
);
const bytesOf = (index: number) =>
  resultBytesOf(timelineEventView(events[index] as (typeof events)[number])) + 1;

describe('eventPage', () => {
  it('takes at most limit events from a position, and says where the next page starts', () => {
    expect(eventPage(run(events), 0, 2)).toMatchObject({
      next: { after: 2, mark: eventMark(events[1] as (typeof events)[number]) },
      events: [{ id: 'm:0' }, { id: 'm:1' }],
    });
    expect(eventPage(run(events), 4, 2)).toMatchObject({ next: undefined, events: [{ id: 'm:4' }] });
    expect(eventPage(run(events), 5, 2)).toEqual({ next: undefined, events: [] });
  });

  it('stops before the events pass the byte budget, but always takes one', () => {
    const two = bytesOf(0) + bytesOf(1);
    expect(eventPage(run(events), 0, 10, two).next?.after).toBe(2);
    expect(eventPage(run(events), 0, 10, two - 1).next?.after).toBe(1);
    expect(eventPage(run(events), 0, 10, 1)).toMatchObject({ next: { after: 1 }, events: [{ id: 'm:0' }] });
  });

  it('keeps a page of the longest escaped texts under what Lambda can answer (6 MB)', () => {
    const long = '\u0001'.repeat(MAX_DISPLAY_LENGTH);
    const page = { url: long, path: long, title: long, referrer: long };
    const heavy = Array.from({ length: 1_000 }, (_, index) =>
      record({ id: `m:${index}`, timestamp: T0 + index, userId: 'u', type: 'page', name: long, page }),
    );
    const result = eventPage(run(heavy), 0, 1_000);
    expect(result.next?.after).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(result.events))).toBeLessThanOrEqual(EVENT_PAGE_BYTES);
    expect(EVENT_PAGE_BYTES).toBeLessThan(6_000_000 - 100_000);
  });
});

describe('resumeIndex', () => {
  const at = (id: string, offset: number) => record({ id, timestamp: T0 + offset, userId: 'u' });
  // Session order: by time, then by id.
  const shown = [at('m:a', 0), at('m:b', 10), at('m:c', 10), at('m:d', 20)];

  it('starts right after the event the last page ended on, wherever late events moved it', () => {
    const position = { after: 3, mark: eventMark(shown[2] as (typeof shown)[number]) };
    const late = [at('m:0', -5), shown[0], at('m:a2', 5), shown[1], shown[2], at('m:c2', 10), shown[3]];
    const now = run(late as (typeof shown)[number][]);
    const next = eventPage(now, resumeIndex(now, position), 10);
    expect(next.events.map((event) => event.id)).toEqual(['m:c2', 'm:d']);
  });

  it('starts after the events of its time when the marked event is gone, and at its position without a mark', () => {
    const gone = [shown[0], shown[1], shown[3]] as (typeof shown)[number][];
    expect(resumeIndex(run(gone), { after: 3, mark: eventMark(shown[2] as (typeof shown)[number]) })).toBe(2);
    expect(resumeIndex(run(shown), { after: 3 })).toBe(3);
  });

  it('goes on with the events of its time not shown yet when the marked event moved earlier', () => {
    // The page ended on m:b (after 2); a copy of m:b stamped earlier is kept now (rule 3): m:c is not seen yet.
    const position = { after: 2, mark: eventMark(shown[1] as (typeof shown)[number]) };
    const moved = [at('m:b', -1), shown[0], shown[2], shown[3]] as (typeof shown)[number][];
    const next = eventPage(run(moved), resumeIndex(run(moved), position), 10);
    expect(next.events.map((event) => event.id)).toEqual(['m:c', 'm:d']);
  });

  it('tells apart tied events whose ids differ only by a lone surrogate and U+FFFD (two ids, rule 1)', () => {
    // UTF-8 writes both as U+FFFD's bytes: a mark digesting it would name the first, and show the second twice.
    const tied = [at('m:x\ud800', 0), at('m:x\ufffd', 0), at('m:y', 0)];
    const first = eventPage(run(tied), 0, 2);
    const second = eventPage(run(tied), resumeIndex(run(tied), first.next as CursorPosition), 2);
    expect(second.events.map((event) => event.id)).toEqual(['m:y']);
  });
});

describe('a page from part of the session', () => {
  it('reads the events it shows from a run that starts later, numbering them in the whole session', () => {
    const page = eventPage(run(events.slice(2, 4), 2, 5), 2, 2);
    expect(page.events.map((event) => event.id)).toEqual(['m:2', 'm:3']);
    expect(page.next).toEqual({ after: 4, mark: eventMark(events[3] as EventRecord) });
    expect(eventPage(run(events.slice(4), 4, 5), 4, 2).next).toBeUndefined();
  });

  it('ends early where a run the store cut short ends, with a cursor to the rest', () => {
    const page = eventPage(run(events.slice(2, 3), 2, 5), 2, 2);
    expect(page.events.map((event) => event.id)).toEqual(['m:2']);
    expect(page.next).toEqual({ after: 3, mark: eventMark(events[2] as EventRecord) });
  });

  it('refuses a run that does not hold the page’s first event (a store that broke its promise)', () => {
    expect(() => eventPage(run(events.slice(2, 3), 2, 5), 1, 2)).toThrow(/not 1/);
    expect(() => eventPage(run(events.slice(2, 3), 2, 5), 3, 2)).toThrow(/not 3/);
    expect(eventPage(run(events.slice(2, 3), 2, 5), 5, 2)).toEqual({ events: [], next: undefined });
  });

  it('walks a session page by page, with late events and lost copies between pages, as from the whole', () => {
    const timeline = fc
      .array(fc.record({ at: fc.integer({ min: 0, max: 12 }), id: fc.integer({ min: 0, max: 60 }) }), {
        maxLength: 40,
      })
      .map((raw) =>
        [
          ...new Map(
            raw.map(({ at, id }) => [id, record({ id: `m:${id}`, timestamp: T0 + at, userId: 'u' })]),
          ),
        ]
          .map(([, event]) => event)
          .sort(compareEvents),
      );
    fc.assert(
      fc.property(timeline, timeline, fc.integer({ min: 1, max: 6 }), (before, after, limit) => {
        // Pages of `before`, each followed by the same page of `after` (what the store holds once late
        // events and other copies came), read whole and from the tightest run the store may answer.
        let position: CursorPosition = { after: 0 };
        for (let pages = 0; pages < 50; pages++) {
          const first = eventPage(run(before), resumeIndex(run(before), position), limit);
          const wanted = eventsWanted(position, limit);
          const [from, to] = tightestRun(after, wanted);
          const part = run(after.slice(from, to), from, after.length);
          const whole = eventPage(run(after), resumeIndex(run(after), position), limit);
          expect(eventPage(part, resumeIndex(part, position), limit)).toEqual(whole);
          if (first.next === undefined) break;
          position = first.next;
        }
      }),
      { numRuns: 300 },
    );
  });
});
