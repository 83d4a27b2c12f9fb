import { describe, expect, it } from 'vitest';
import { acceptedEvent, rejectionReason } from '../../../helpers/normalize-object.js';

const AT = '2024-01-01T09:00:00Z';
const track = (extra: Record<string, unknown> = {}) => ({
  type: 'track',
  userId: 'u',
  timestamp: AT,
  ...extra,
});
const page = (extra: Record<string, unknown> = {}) => ({
  type: 'page',
  userId: 'u',
  timestamp: AT,
  ...extra,
});

describe('normalizeEvent', () => {
  it('joins every problem of one event into its reason', () => {
    expect(rejectionReason('segment', { type: 'click', timestamp: 'later', userId: 'x'.repeat(600) })).toBe(
      [
        'unknown type "click" (expected one of identify, track, page, screen, group, alias)',
        'unparsable timestamp "later" (expected a date-time such as 2024-01-01T09:00:00Z)',
        'userId too long (600 bytes of UTF-8; at most 512)',
      ].join('; '),
    );
    expect(rejectionReason('segment', {})).toBe(
      'missing type; missing timestamp; no identity: userId and anonymousId are both missing or empty',
    );
  });

  it('names a userId of the wrong type and its type when the event has no other identity', () => {
    expect(rejectionReason('segment', { type: 'track', timestamp: AT, userId: { id: 1 } })).toBe(
      'no identity: userId is an object (expected a string or number); anonymousId is missing or empty',
    );
    expect(rejectionReason('segment', { type: 'track', timestamp: AT, userId: '', anonymousId: [1] })).toBe(
      'no identity: userId is missing or empty; anonymousId is an array (expected a string or number)',
    );
    expect(rejectionReason('amplitude', { event_time: AT, user_id: true })).toBe(
      'no identity: user_id is a boolean (expected a string or number); device_id is missing or empty',
    );
  });

  it('falls back to the anonymousId when the userId is of the wrong type', () => {
    const event = acceptedEvent('segment', { ...track(), userId: { id: 1 }, anonymousId: 'a-1' });
    expect([event.userId, event.anonymousId]).toEqual([null, 'a-1']);
  });

  it('keeps long quoted values in reasons short', () => {
    const reason = rejectionReason('segment', track({ timestamp: `x${'y'.repeat(500)}` }));
    expect(reason.length).toBeLessThan(150);
    expect(reason).toContain('...');
  });

  it('quotes a value whole up to 60 characters of JSON and cuts one of 61 to its first 57 and "..."', () => {
    const fits = `x${'y'.repeat(57)}`;
    expect(rejectionReason('segment', track({ timestamp: fits }))).toBe(
      `unparsable timestamp "${fits}" (expected a date-time such as 2024-01-01T09:00:00Z)`,
    );
    expect(rejectionReason('segment', track({ timestamp: `${fits}y` }))).toBe(
      `unparsable timestamp "x${'y'.repeat(55)}... (expected a date-time such as 2024-01-01T09:00:00Z)`,
    );
  });

  it.each([
    ['a url that is not a URL', page({ properties: { url: 'http://[::1' } })],
    ['a url that is not a string', page({ properties: { url: { href: 1 } } })],
    ['a context.campaign string', track({ context: { campaign: 'spring' } })],
    ['a context.campaign array', track({ context: { campaign: [{ source: 'x' }] } })],
    ['a context string', track({ context: 'web' })],
    ['a context array', track({ context: [1, 2] })],
    ['properties null', page({ properties: null })],
    ['properties a number', page({ properties: 5 })],
    ['a device type of the wrong type', track({ context: { device: { type: ['ios'] } } })],
    ['a device that is a string', track({ context: { device: 'ios' } })],
    ['an event name of the wrong type', track({ event: { name: 'x' } })],
    ['a user agent of the wrong type', track({ context: { userAgent: 42 } })],
  ])('accepts an otherwise valid event with %s', (_, object) => {
    expect(acceptedEvent('segment', object).userId).toBe('u');
  });

  it('shows attributes of the wrong type as null rather than rejecting', () => {
    const event = acceptedEvent(
      'segment',
      track({ event: 12, context: { device: { type: 5 }, os: { name: ['x'] }, campaign: 'spring' } }),
    );
    expect([event.name, event.platform, event.device, event.campaign]).toEqual([null, null, null, null]);
  });

  it('cuts names, page fields and campaign members to 1,024 code units for display', () => {
    const long = 'n'.repeat(1500);
    const event = acceptedEvent(
      'segment',
      page({
        name: long,
        properties: { url: `https://x.example/${long}`, path: long, title: long, referrer: long },
        context: { campaign: { source: long } },
      }),
    );
    expect(event.name).toHaveLength(1024);
    expect(Object.values(event.page ?? {}).map((value) => (value as string).length)).toEqual([
      1024, 1024, 1024, 1024,
    ]);
    expect(event.campaign?.source).toHaveLength(1024);
  });

  it('cuts to 1,023 code units when the 1,024th is a high surrogate', () => {
    const event = acceptedEvent('segment', track({ event: `${'a'.repeat(1023)}😀` }));
    expect(event.name).toBe('a'.repeat(1023));
  });

  it('reads the full url for its campaign, past the cut', () => {
    const url = `https://x.example/${'p'.repeat(1100)}?utm_source=late`;
    const event = acceptedEvent('segment', page({ properties: { url } }));
    expect(event.page?.url).toBe(url.slice(0, 1024));
    expect(event.urlCampaign?.source).toBe('late');
  });

  it('tests campaign members for non-emptiness on the full value', () => {
    const event = acceptedEvent(
      'segment',
      track({ context: { campaign: { source: `${'😀'.repeat(600)}` } } }),
    );
    expect(event.campaign?.source).toBe('😀'.repeat(512));
  });

  it('keeps small non-string values as sent and shows a large one as its cut JSON text', () => {
    const small = { a: [1, 2] };
    const large = { a: 'z'.repeat(2000) };
    const event = acceptedEvent('segment', page({ properties: { title: small, referrer: large } }));
    expect(event.page?.title).toEqual(small);
    expect(event.page?.referrer).toBe(JSON.stringify(large).slice(0, 1024));
  });

  it('matches no platform with one longer than 1,024 code units', () => {
    expect(
      acceptedEvent('segment', track({ context: { device: { type: 'I'.repeat(1025) } } })).platform,
    ).toBeNull();
    expect(
      acceptedEvent('segment', track({ context: { device: { type: 'I'.repeat(1024) } } })).platform,
    ).toBe('i'.repeat(1024));
  });
});
