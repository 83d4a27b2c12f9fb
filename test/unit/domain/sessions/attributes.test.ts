import { describe, expect, it } from 'vitest';
import type { CampaignFields, EventRecord, PageFields } from '../../../../functions/domain/events/event.js';
import { sessionAttributes } from '../../../../functions/domain/sessions/attributes.js';
import { record } from '../../../helpers/event-arbitraries.js';

const T0 = Date.UTC(2024, 0, 1, 9);
let next = 0;
/** An event of the session, one minute after the previous one made here. */
const event = (fields: Partial<EventRecord> = {}) => {
  next++;
  return record({ id: `m:${String(next).padStart(4, '0')}`, timestamp: T0 + next * 60_000, ...fields });
};
const pageAt = (path: string): PageFields => ({
  url: `https://x.example${path}`,
  path,
  title: path,
  referrer: null,
});
const campaign = (source: string): CampaignFields => ({
  source,
  medium: null,
  name: null,
  term: null,
  content: null,
});

describe('sessionAttributes', () => {
  it('counts page and screen events as page views', () => {
    const events = [
      event({ type: 'page', page: pageAt('/') }),
      event({ type: 'screen' }),
      event({ type: 'track' }),
    ];
    expect(sessionAttributes(events).pageViews).toBe(2);
  });

  it('takes the entry and exit page from the first and last page event, never a screen', () => {
    const events = [
      event({ type: 'screen', name: 'Home' }),
      event({ type: 'page', page: pageAt('/a') }),
      event({ type: 'track' }),
      event({ type: 'page', page: pageAt('/b') }),
      event({ type: 'screen' }),
    ];
    const attributes = sessionAttributes(events);
    expect(attributes.entryPage).toEqual(pageAt('/a'));
    expect(attributes.exitPage).toEqual(pageAt('/b'));
  });

  it('uses one page event as both entry and exit page', () => {
    const attributes = sessionAttributes([event({ type: 'page', page: pageAt('/only') }), event()]);
    expect([attributes.entryPage, attributes.exitPage]).toEqual([pageAt('/only'), pageAt('/only')]);
  });

  it('has null entry and exit pages and no page views without a page event', () => {
    const attributes = sessionAttributes([event(), event({ type: 'identify' })]);
    expect([attributes.entryPage, attributes.exitPage, attributes.pageViews]).toEqual([null, null, 0]);
  });

  it('takes the campaign of the first event that carries one', () => {
    const events = [
      event({ type: 'page', page: pageAt('/'), urlCampaign: campaign('from-url') }),
      event({ campaign: campaign('first') }),
      event({ campaign: campaign('second') }),
    ];
    expect(sessionAttributes(events).campaign).toEqual(campaign('first'));
  });

  it("falls back to the entry page url's campaign, not a later page's", () => {
    const entry = event({ type: 'page', page: pageAt('/'), urlCampaign: campaign('entry-url') });
    const later = event({ type: 'page', page: pageAt('/b'), urlCampaign: campaign('later-url') });
    expect(sessionAttributes([entry, later]).campaign).toEqual(campaign('entry-url'));
    const plainEntry = event({ type: 'page', page: pageAt('/') });
    expect(sessionAttributes([plainEntry, later]).campaign).toBeNull();
  });

  it('has no campaign when no event carries one and there is no entry page', () => {
    expect(sessionAttributes([event(), event()]).campaign).toBeNull();
  });

  it('lists the distinct anonymousIds sorted by UTF-16 code units, the first 10', () => {
    const ids = ['k', 'b', 'a', 'Z', '😀', '｡', 'c', 'd', 'e', 'f', 'g', 'b'];
    const attributes = sessionAttributes(ids.map((anonymousId) => event({ anonymousId, userId: 'u' })));
    expect(attributes.anonymousIds).toEqual(['Z', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'k', '😀']);
  });

  it('is a bounce with exactly one event', () => {
    expect(sessionAttributes([event()]).bounce).toBe(true);
    expect(sessionAttributes([event(), event()]).bounce).toBe(false);
  });

  it('takes the device of the first event that has one and labels the first and last events', () => {
    const device = { type: 'mobile', os: 'iOS', browser: null };
    const events = [
      event({ type: 'identify' }),
      event({ device, name: 'Clicked' }),
      event({ device: { type: 'tv', os: null, browser: null }, type: 'page', name: null }),
    ];
    const attributes = sessionAttributes(events);
    expect(attributes.device).toEqual(device);
    expect([attributes.firstEvent, attributes.lastEvent]).toEqual(['identify', 'page']);
    // A name sent empty is the label as sent: only an event without a name is labelled by its type.
    const unnamed = sessionAttributes([
      event({ type: 'screen', name: '' }),
      event({ type: 'screen', name: null }),
    ]);
    expect([unnamed.firstEvent, unnamed.lastEvent]).toEqual(['', 'screen']);
  });

  it('reads the events in the order given: session order decides entry and exit among equal times', () => {
    const a = record({ id: 'm:a', timestamp: T0, type: 'page', page: pageAt('/a'), userId: 'u' });
    const b = record({ id: 'm:b', timestamp: T0, type: 'page', page: pageAt('/b'), userId: 'u' });
    expect(sessionAttributes([a, b]).entryPage).toEqual(pageAt('/a'));
    expect(sessionAttributes([b, a]).entryPage).toEqual(pageAt('/b'));
  });
});
