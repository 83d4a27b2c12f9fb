import { describe, expect, it } from 'vitest';
import { acceptedEvent, rejectionReason } from '../../../helpers/normalize-object.js';

const AT = '2024-01-01T09:00:00Z';
const AT_MS = Date.UTC(2024, 0, 1, 9);

const page = (extra: Record<string, unknown> = {}) => ({
  type: 'page',
  userId: 'u-1',
  timestamp: AT,
  ...extra,
});

describe('segment format', () => {
  it('maps the Segment fields onto the event record', () => {
    const event = acceptedEvent('segment', {
      type: 'track',
      event: 'Clicked',
      userId: ' u-1 ',
      anonymousId: 7,
      messageId: ' m-1 ',
      timestamp: '2024-01-01T10:00:00+01:00',
      context: { device: { type: 'IOS' }, os: { name: 'iOS' } },
    });
    expect(event).toEqual({
      id: 'm:m-1',
      timestamp: AT_MS,
      type: 'track',
      name: 'Clicked',
      userId: 'u-1',
      anonymousId: '7',
      platform: 'ios',
      page: null,
      campaign: null,
      urlCampaign: null,
      device: { type: 'IOS', os: 'iOS', browser: null },
    });
  });

  it.each(['identify', 'track', 'page', 'screen', 'group', 'alias'])('accepts the type %s', (type) => {
    expect(acceptedEvent('segment', { type, userId: 'u', timestamp: AT }).type).toBe(type);
  });

  it('names a track by its event and a page or screen by its name', () => {
    const named = { event: 'Clicked', name: 'Home' };
    expect(acceptedEvent('segment', { type: 'track', userId: 'u', timestamp: AT, ...named }).name).toBe(
      'Clicked',
    );
    expect(acceptedEvent('segment', { type: 'page', userId: 'u', timestamp: AT, ...named }).name).toBe(
      'Home',
    );
    expect(acceptedEvent('segment', { type: 'screen', userId: 'u', timestamp: AT, ...named }).name).toBe(
      'Home',
    );
    expect(acceptedEvent('segment', { type: 'track', userId: 'u', timestamp: AT }).name).toBeNull();
  });

  it.each(['identify', 'group', 'alias'])(
    'gives an %s no name, whatever name or event it carries',
    (type) => {
      const event = acceptedEvent('segment', { type, userId: 'u', timestamp: AT, event: 'x', name: 'Jane' });
      expect(event.name).toBeNull();
    },
  );

  it('takes page fields from properties, else context.page, else null', () => {
    const event = acceptedEvent(
      'segment',
      page({
        properties: { title: 'From properties', url: null },
        context: { page: { url: 'https://shop.example/', path: '/', title: 'From context' } },
      }),
    );
    expect(event.page).toEqual({
      url: 'https://shop.example/',
      path: '/',
      title: 'From properties',
      referrer: null,
    });
  });

  it('takes any value other than missing or null as sent, even "" or a number', () => {
    const event = acceptedEvent(
      'segment',
      page({
        properties: { url: '', path: 42, title: false, referrer: { from: 'x' } },
        context: { page: { url: 'https://fallback.example/', path: '/fallback' } },
      }),
    );
    expect(event.page).toEqual({ url: '', path: 42, title: false, referrer: { from: 'x' } });
  });

  // JSON such as 1e400 parses to Infinity, which no output can show: absent, as a non-finite id is (rule 1).
  it('takes a page field or campaign member that is a non-finite number as absent: the next source, else null', () => {
    const event = acceptedEvent(
      'segment',
      page({
        properties: { url: Number.POSITIVE_INFINITY, path: Number.NEGATIVE_INFINITY, title: Number.NaN },
        context: {
          page: { url: 'https://fallback.example/', title: Number.POSITIVE_INFINITY },
          campaign: { source: 'news', medium: Number.POSITIVE_INFINITY },
        },
      }),
    );
    expect(event.page).toEqual({ url: 'https://fallback.example/', path: null, title: null, referrer: null });
    expect(event.campaign).toEqual({ source: 'news', medium: null, name: null, term: null, content: null });
  });

  it('gives page fields only to page events', () => {
    const screen = acceptedEvent('segment', {
      ...page({ properties: { url: 'https://x.example/' } }),
      type: 'screen',
    });
    expect(screen.page).toBeNull();
    expect(acceptedEvent('segment', page()).page).toEqual({
      url: null,
      path: null,
      title: null,
      referrer: null,
    });
  });

  it('takes the campaign from context.campaign when a member is a non-empty string, missing members null', () => {
    const event = acceptedEvent('segment', {
      ...page(),
      context: { campaign: { source: 'newsletter', medium: '', name: 3, extra: 'ignored' } },
    });
    expect(event.campaign).toEqual({ source: 'newsletter', medium: '', name: 3, term: null, content: null });
  });

  it('passes over a context.campaign whose members are all empty or not strings', () => {
    const event = acceptedEvent('segment', { ...page(), context: { campaign: { source: '', medium: 5 } } });
    expect(event.campaign).toBeNull();
  });

  it('accepts an event whose context.campaign is not an object, with no campaign', () => {
    for (const campaign of ['spring', ['spring'], 5, null]) {
      const event = acceptedEvent('segment', { ...page(), context: { campaign } });
      expect(event.campaign).toBeNull();
    }
  });

  it("reads the utm_* parameters of a page's full url", () => {
    const event = acceptedEvent(
      'segment',
      page({ context: { page: { url: 'https://shop.example/?utm_source=news&utm_campaign=spring' } } }),
    );
    expect(event.urlCampaign).toEqual({
      source: 'news',
      medium: null,
      name: 'spring',
      term: null,
      content: null,
    });
  });

  it('accepts a url that is not a URL or not a string, with no url campaign', () => {
    expect(acceptedEvent('segment', page({ properties: { url: 'not a url ?%%' } })).urlCampaign).toBeNull();
    expect(acceptedEvent('segment', page({ properties: { url: 12 } })).urlCampaign).toBeNull();
  });

  it('lowercases the platform of context.device.type; any other type gives none', () => {
    const platformOf = (type: unknown) =>
      acceptedEvent('segment', { type: 'track', userId: 'u', timestamp: AT, context: { device: { type } } })
        .platform;
    expect(platformOf('iOS')).toBe('ios');
    expect(platformOf('ANDROID')).toBe('android');
    expect(platformOf(5)).toBeNull();
    expect(platformOf({ name: 'ios' })).toBeNull();
    expect(platformOf(undefined)).toBeNull();
  });

  it('keeps a device type of the wrong type out of the device, without rejecting the event', () => {
    const event = acceptedEvent('segment', {
      type: 'track',
      userId: 'u',
      timestamp: AT,
      context: { device: { type: 5 }, os: { name: 'Android' } },
    });
    expect(event.device).toEqual({ type: null, os: 'Android', browser: null });
  });

  it('names the browser from context.userAgent', () => {
    const event = acceptedEvent(
      'segment',
      { type: 'track', userId: 'u', timestamp: AT, context: { userAgent: 'agent/1' } },
      (agent) => (agent === 'agent/1' ? 'Firefox' : null),
    );
    expect(event.device).toEqual({ type: null, os: null, browser: 'Firefox' });
  });

  it('has no device when the event says nothing about it', () => {
    expect(
      acceptedEvent('segment', { type: 'track', userId: 'u', timestamp: AT, context: {} }).device,
    ).toBeNull();
  });

  it.each([
    [{ userId: 'u', timestamp: AT }, 'missing type'],
    [{ type: null, userId: 'u', timestamp: AT }, 'missing type'],
    [
      { type: 'Track', userId: 'u', timestamp: AT },
      'unknown type "Track" (expected one of identify, track, page, screen, group, alias)',
    ],
    [
      { type: 5, userId: 'u', timestamp: AT },
      'unknown type 5 (expected one of identify, track, page, screen, group, alias)',
    ],
  ])('rejects %j: %s', (object, reason) => {
    expect(rejectionReason('segment', object)).toBe(reason);
  });

  it('quotes a type past the range of a double (JSON -1e400) as sent, not as the null JSON.stringify writes', () => {
    expect(rejectionReason('segment', { type: Number.NEGATIVE_INFINITY, userId: 'u', timestamp: AT })).toBe(
      'unknown type -Infinity (expected one of identify, track, page, screen, group, alias)',
    );
  });

  it('names the Segment fields in rejections', () => {
    expect(rejectionReason('segment', { type: 'track', timestamp: AT })).toBe(
      'no identity: userId and anonymousId are both missing or empty',
    );
    expect(rejectionReason('segment', { type: 'track', userId: 'u' })).toBe('missing timestamp');
    for (const blank of ['', ' ', '\u00a0\t\ufeff'])
      expect(rejectionReason('segment', { type: 'track', userId: 'u', timestamp: blank })).toBe(
        'missing timestamp',
      );
    expect(rejectionReason('segment', { type: 'track', userId: 'u', timestamp: 'soon' })).toMatch(
      /^unparsable timestamp "soon"/,
    );
    expect(
      rejectionReason('segment', { type: 'track', userId: 'u', timestamp: '9999-12-31T23:10-01:00' }),
    ).toMatch(/^timestamp out of range: "9999-12-31T23:10-01:00"/);
    expect(rejectionReason('segment', { type: 'track', userId: 'x'.repeat(513), timestamp: AT })).toBe(
      'userId too long (513 bytes of UTF-8; at most 512)',
    );
    expect(rejectionReason('segment', { type: 'track', anonymousId: '€'.repeat(171), timestamp: AT })).toBe(
      'anonymousId too long (513 bytes of UTF-8; at most 512)',
    );
  });
});
