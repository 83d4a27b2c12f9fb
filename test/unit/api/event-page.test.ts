import { describe, expect, it } from 'vitest';
import { EVENT_PAGE_BYTES, eventMark, eventPage, resumeIndex } from '../../../functions/api/event-page.js';
import { timelineEventView } from '../../../functions/api/views.js';
import { MAX_DISPLAY_LENGTH } from '../../../functions/domain/events/display-text.js';
import { record } from '../../helpers/event-arbitraries.js';

const T0 = Date.UTC(2024, 0, 1);
const events = Array.from({ length: 5 }, (_, index) =>
  record({ id: `m:${index}`, timestamp: T0 + index, userId: 'u' }),
);
const bytesOf = (index: number) =>
  Buffer.byteLength(JSON.stringify(timelineEventView(events[index] as (typeof events)[number]))) + 1;

describe('eventPage', () => {
  it('takes at most limit events from a position, and says where the next page starts', () => {
    expect(eventPage(events, 0, 2)).toMatchObject({
      next: { after: 2, mark: eventMark(events[1] as (typeof events)[number]) },
      events: [{ id: 'm:0' }, { id: 'm:1' }],
    });
    expect(eventPage(events, 4, 2)).toMatchObject({ next: undefined, events: [{ id: 'm:4' }] });
    expect(eventPage(events, 5, 2)).toEqual({ next: undefined, events: [] });
  });

  it('stops before the events pass the byte budget, but always takes one', () => {
    const two = bytesOf(0) + bytesOf(1);
    expect(eventPage(events, 0, 10, two).next?.after).toBe(2);
    expect(eventPage(events, 0, 10, two - 1).next?.after).toBe(1);
    expect(eventPage(events, 0, 10, 1)).toMatchObject({ next: { after: 1 }, events: [{ id: 'm:0' }] });
  });

  it('keeps a page of the longest escaped texts under what Lambda can answer (6 MB)', () => {
    const long = '\u0001'.repeat(MAX_DISPLAY_LENGTH);
    const page = { url: long, path: long, title: long, referrer: long };
    const heavy = Array.from({ length: 1_000 }, (_, index) =>
      record({ id: `m:${index}`, timestamp: T0 + index, userId: 'u', type: 'page', name: long, page }),
    );
    const result = eventPage(heavy, 0, 1_000);
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
    const next = eventPage(
      late as (typeof shown)[number][],
      resumeIndex(late as (typeof shown)[number][], position),
      10,
    );
    expect(next.events.map((event) => event.id)).toEqual(['m:c2', 'm:d']);
  });

  it('starts after the events of its time when the marked event is gone, and at its position without a mark', () => {
    const gone = [shown[0], shown[1], shown[3]] as (typeof shown)[number][];
    expect(resumeIndex(gone, { after: 3, mark: eventMark(shown[2] as (typeof shown)[number]) })).toBe(2);
    expect(resumeIndex(shown, { after: 3 })).toBe(3);
  });
});
