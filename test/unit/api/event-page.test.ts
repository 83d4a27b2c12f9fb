import { describe, expect, it } from 'vitest';
import { EVENT_PAGE_BYTES, eventPage } from '../../../functions/api/event-page.js';
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
    expect(eventPage(events, 0, 2)).toMatchObject({ next: 2, events: [{ id: 'm:0' }, { id: 'm:1' }] });
    expect(eventPage(events, 4, 2)).toMatchObject({ next: undefined, events: [{ id: 'm:4' }] });
    expect(eventPage(events, 5, 2)).toEqual({ next: undefined, events: [] });
  });

  it('stops before the events pass the byte budget, but always takes one', () => {
    const two = bytesOf(0) + bytesOf(1);
    expect(eventPage(events, 0, 10, two).next).toBe(2);
    expect(eventPage(events, 0, 10, two - 1).next).toBe(1);
    expect(eventPage(events, 0, 10, 1)).toMatchObject({ next: 1, events: [{ id: 'm:0' }] });
  });

  it('keeps a page of the longest escaped texts under what Lambda can answer (6 MB)', () => {
    const long = '\u0001'.repeat(MAX_DISPLAY_LENGTH);
    const page = { url: long, path: long, title: long, referrer: long };
    const heavy = Array.from({ length: 1_000 }, (_, index) =>
      record({ id: `m:${index}`, timestamp: T0 + index, userId: 'u', type: 'page', name: long, page }),
    );
    const result = eventPage(heavy, 0, 1_000);
    expect(result.next).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(result.events))).toBeLessThanOrEqual(EVENT_PAGE_BYTES);
    expect(EVENT_PAGE_BYTES).toBeLessThan(6_000_000 - 100_000);
  });
});
