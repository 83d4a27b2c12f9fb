import { describe, expect, it } from 'vitest';
import { decodeEvents, encodeEvents } from '../../../../functions/adapters/dynamodb/event-codec.js';
import { eventLabel } from '../../../../functions/domain/events/event.js';
import { acceptedEvent, rejectionReason } from '../../../helpers/normalize-object.js';

const posthog = (extra: Record<string, unknown> = {}, properties: Record<string, unknown> = {}) => ({
  event: 'Clicked',
  distinct_id: 'u-1',
  uuid: 'uuid-1',
  timestamp: '2024-01-01T09:00:00Z',
  properties: { $device_id: 'd-1', ...properties },
  ...extra,
});

describe('posthog format', () => {
  it('maps the PostHog export fields onto the event record', () => {
    const event = acceptedEvent(
      'posthog',
      posthog({}, { $os: 'iOS', $browser: 'Safari', $device_type: 'Mobile' }),
    );
    expect(event).toEqual({
      id: 'm:uuid-1',
      timestamp: Date.UTC(2024, 0, 1, 9),
      type: 'track',
      name: 'Clicked',
      userId: 'u-1',
      anonymousId: 'd-1',
      platform: 'ios',
      page: null,
      campaign: null,
      urlCampaign: null,
      device: { type: 'Mobile', os: 'iOS', browser: 'Safari' },
    });
  });

  it.each([
    [{ distinct_id: 'u-1' }, { $device_id: 'd-1' }, 'u-1', 'd-1'],
    [{ distinct_id: 'd-1' }, { $device_id: 'd-1' }, null, 'd-1'],
    [{ distinct_id: ' d-1 ' }, { $device_id: 'd-1' }, null, 'd-1'],
    [{ distinct_id: 7 }, { $device_id: '7' }, null, '7'],
    [{ distinct_id: 'u-1' }, { $device_id: undefined }, 'u-1', 'u-1'],
    [{ distinct_id: 'u-1' }, { $device_id: '  ' }, 'u-1', 'u-1'],
    [{ distinct_id: undefined }, { $device_id: 'd-1' }, null, 'd-1'],
  ])('reads distinct_id %j with %j as userId %j, anonymousId %j', (top, properties, userId, anonymousId) => {
    const event = acceptedEvent('posthog', posthog(top, properties));
    expect([event.userId, event.anonymousId]).toEqual([userId, anonymousId]);
  });

  it('makes $pageview a page with its page fields and $screen a screen named by $screen_name', () => {
    const pageView = acceptedEvent(
      'posthog',
      posthog(
        { event: '$pageview' },
        { $current_url: 'https://x.example/a?utm_source=news', $pathname: '/a', title: 'A', $referrer: '' },
      ),
    );
    expect(pageView.type).toBe('page');
    expect(pageView.name).toBe('$pageview');
    expect(pageView.page).toEqual({
      url: 'https://x.example/a?utm_source=news',
      path: '/a',
      title: 'A',
      referrer: '',
    });
    expect(pageView.urlCampaign).toMatchObject({ source: 'news' });
    const screen = acceptedEvent('posthog', posthog({ event: '$screen' }, { $screen_name: 'Home' }));
    expect([screen.type, screen.name, screen.page]).toEqual(['screen', 'Home', null]);
  });

  it('leaves a $screen unnamed when $screen_name is not a string, so its label is its type', () => {
    for (const name of [5, { en: 'Home' }, true]) {
      const screen = acceptedEvent('posthog', posthog({ event: '$screen' }, { $screen_name: name }));
      expect([screen.type, screen.name, eventLabel(screen)]).toEqual(['screen', null, 'screen']);
    }
  });

  it('gives a $pageview without page properties four null page fields', () => {
    expect(acceptedEvent('posthog', posthog({ event: '$pageview' })).page).toEqual({
      url: null,
      path: null,
      title: null,
      referrer: null,
    });
  });

  it('takes the campaign from the utm_* properties, utm_campaign as name', () => {
    const event = acceptedEvent(
      'posthog',
      posthog(
        {},
        { utm_source: 'news', utm_medium: 'email', utm_campaign: 'spring', utm_term: '', utm_content: 4 },
      ),
    );
    expect(event.campaign).toEqual({ source: 'news', medium: 'email', name: 'spring', term: '', content: 4 });
    expect(acceptedEvent('posthog', posthog({}, { utm_source: '' })).campaign).toBeNull();
  });

  it('takes a page property or utm_* property that is a non-finite number (1e400) as absent: null', () => {
    const event = acceptedEvent(
      'posthog',
      posthog(
        { event: '$pageview' },
        { $current_url: Number.POSITIVE_INFINITY, $pathname: '/a', utm_source: 'news', utm_term: Number.NaN },
      ),
    );
    expect(event.page).toEqual({ url: null, path: '/a', title: null, referrer: null });
    expect(event.campaign).toEqual({ source: 'news', medium: null, name: null, term: null, content: null });
  });

  it('names the PostHog fields in rejections', () => {
    expect(rejectionReason('posthog', posthog({ distinct_id: null }, { $device_id: null }))).toBe(
      'no identity: distinct_id and properties.$device_id are both missing or empty',
    );
    expect(rejectionReason('posthog', posthog({ timestamp: 1704099600 }))).toMatch(
      /^unparsable timestamp 1704099600 \(expected a date-time string/,
    );
    expect(rejectionReason('posthog', posthog({}, { $device_id: 'x'.repeat(513) }))).toBe(
      'properties.$device_id too long (513 bytes of UTF-8; at most 512)',
    );
    expect(
      rejectionReason('posthog', posthog({ distinct_id: 'x'.repeat(513) }, { $device_id: undefined })),
    ).toBe('distinct_id too long (513 bytes of UTF-8; at most 512)');
  });

  it('says which identity member is of the wrong type, once each, when there is no identity', () => {
    expect(rejectionReason('posthog', posthog({ distinct_id: { id: 'u' } }, { $device_id: undefined }))).toBe(
      'no identity: distinct_id is an object (expected a string or number); properties.$device_id is missing or empty',
    );
    expect(rejectionReason('posthog', posthog({ distinct_id: true }, { $device_id: ['d'] }))).toBe(
      'no identity: distinct_id is a boolean (expected a string or number); properties.$device_id is an array (expected a string or number)',
    );
  });

  it('accepts an event with any event name: only Segment rejects on type', () => {
    expect(acceptedEvent('posthog', posthog({ event: null })).type).toBe('track');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'reads an event named %j (a name Object.prototype has) as a track, not as what the prototype holds',
    (name) => {
      const event = acceptedEvent('posthog', posthog({ event: name }));
      expect(event.type).toBe('track');
      expect(event.name).toBe(name);
    },
  );

  it('stores an event named like an Object.prototype member so that it reads back', () => {
    const named = acceptedEvent('posthog', posthog({ event: 'constructor', uuid: 'uuid-1' }));
    const next = acceptedEvent('posthog', posthog({ uuid: 'uuid-2', timestamp: '2024-01-01T09:01:00Z' }));
    const decoded = decodeEvents('u-1', encodeEvents('u-1', [named, next]));
    expect(decoded.map((event) => event.type)).toEqual(['track', 'track']);
  });
});
