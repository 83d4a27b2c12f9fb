import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../../../functions/domain/rules/timestamp.js';
import { acceptedEvent, rejectionReason } from '../../../helpers/normalize-object.js';

const mixpanel = (properties: Record<string, unknown>, event = 'Signup') => ({
  event,
  properties: { time: 1704099600, ...properties },
});

describe('mixpanel format', () => {
  it('maps the Mixpanel export fields onto the event record', () => {
    const event = acceptedEvent('mixpanel', {
      event: 'Signup',
      properties: {
        time: 1704099600,
        distinct_id: 'mp-user',
        $device_id: 'd-1',
        $insert_id: 'ins-1',
        $os: 'Android',
        $browser: 'Chrome',
      },
    });
    expect(event).toEqual({
      id: 'm:ins-1',
      timestamp: Date.UTC(2024, 0, 1, 9),
      type: 'track',
      name: 'Signup',
      userId: 'mp-user',
      anonymousId: 'd-1',
      platform: 'android',
      page: null,
      campaign: null,
      urlCampaign: null,
      device: { type: null, os: 'Android', browser: 'Chrome' },
    });
  });

  it.each([
    [{ distinct_id: '$device:d-2' }, null, 'd-2'],
    [{ distinct_id: '$device:d-1', $device_id: 'd-1' }, null, 'd-1'],
    [{ distinct_id: 'mp-user', $device_id: 'd-1' }, 'mp-user', 'd-1'],
    [{ $user_id: 'mp-user', distinct_id: '$device:d-1' }, 'mp-user', 'd-1'],
    [{ distinct_id: 'mp-user' }, 'mp-user', 'mp-user'],
    [{ $user_id: '  ', distinct_id: ' mp-user ' }, 'mp-user', 'mp-user'],
    [{ distinct_id: ' $device:d-3 ' }, null, 'd-3'],
    [{ distinct_id: 42 }, '42', '42'],
  ])('reads the identity of %j as userId %j, anonymousId %j', (properties, userId, anonymousId) => {
    const event = acceptedEvent('mixpanel', mixpanel(properties));
    expect([event.userId, event.anonymousId]).toEqual([userId, anonymousId]);
  });

  it.each([
    [1704099900.5, '2024-01-01T09:05:00.500Z'],
    [1704099900, '2024-01-01T09:05:00.000Z'],
    [4.0005, '1970-01-01T00:00:04.000Z'],
    [1704099900.1235, '2024-01-01T09:05:00.124Z'],
    [1704099900123, '2024-01-01T09:05:00.123Z'],
    [1704099900123.9, '2024-01-01T09:05:00.123Z'],
    [99_999_999_999, '5138-11-16T09:46:39.000Z'],
    [100_000_000_000, '1973-03-03T09:46:40.000Z'],
    [-1.5, '1969-12-31T23:59:58.500Z'],
  ])('reads time %s as %s (seconds below 10^11, rounded; else milliseconds, truncated)', (time, iso) => {
    expect(formatTimestamp(acceptedEvent('mixpanel', mixpanel({ distinct_id: 'u', time })).timestamp)).toBe(
      iso,
    );
  });

  it('rejects a time that is not a JSON number, even a numeric string, naming properties.time', () => {
    expect(rejectionReason('mixpanel', mixpanel({ distinct_id: 'u', time: '1704099600' }))).toMatch(
      /^unparsable properties\.time "1704099600" \(expected epoch seconds or milliseconds as a JSON number\)$/,
    );
    expect(rejectionReason('mixpanel', { event: 'x', properties: { distinct_id: 'u' } })).toBe(
      'missing properties.time',
    );
  });

  it('rejects a blank string time as unparsable, not missing: any string is', () => {
    for (const time of ['', '  '])
      expect(rejectionReason('mixpanel', mixpanel({ distinct_id: 'u', time }))).toBe(
        `unparsable properties.time ${JSON.stringify(time)} (expected epoch seconds or milliseconds as a JSON number)`,
      );
  });

  it('rejects an epoch time outside the years 0000 to 9999', () => {
    expect(rejectionReason('mixpanel', mixpanel({ distinct_id: 'u', time: 1e16 }))).toMatch(
      /^properties\.time out of range: 10000000000000000/,
    );
    expect(rejectionReason('mixpanel', mixpanel({ distinct_id: 'u', time: -1e11 }))).toMatch(
      /^properties\.time out of range/,
    );
    // 1e400 in the JSON parses to Infinity: past any year, and said so.
    for (const time of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(rejectionReason('mixpanel', mixpanel({ distinct_id: 'u', time }))).toBe(
        `properties.time out of range: ${time} (the instant must fall in the years 0000 to 9999, UTC)`,
      );
  });

  it('makes $mp_web_page_view a page with four null page fields', () => {
    const event = acceptedEvent(
      'mixpanel',
      mixpanel({ distinct_id: 'u', $current_url: 'https://x/' }, '$mp_web_page_view'),
    );
    expect(event.type).toBe('page');
    expect(event.page).toEqual({ url: null, path: null, title: null, referrer: null });
  });

  it('says which identity member is of the wrong type when there is no identity', () => {
    expect(rejectionReason('mixpanel', mixpanel({ distinct_id: { id: 'u' } }))).toBe(
      'no identity: properties.$user_id is missing or empty; properties.distinct_id is an object (expected a string or number); properties.$device_id is missing or empty',
    );
    expect(rejectionReason('mixpanel', mixpanel({ $user_id: false, distinct_id: '$device:' }))).toBe(
      'no identity: properties.$user_id is a boolean (expected a string or number); properties.distinct_id is missing or empty; properties.$device_id is missing or empty',
    );
  });

  it('names the Mixpanel fields in rejections', () => {
    expect(rejectionReason('mixpanel', mixpanel({}))).toBe(
      'no identity: properties.$user_id, properties.distinct_id and properties.$device_id are all missing or empty',
    );
    expect(rejectionReason('mixpanel', mixpanel({ distinct_id: '$device:' }))).toBe(
      'no identity: properties.$user_id, properties.distinct_id and properties.$device_id are all missing or empty',
    );
    expect(rejectionReason('mixpanel', mixpanel({ distinct_id: 'x'.repeat(513) }))).toBe(
      'properties.distinct_id too long (513 bytes of UTF-8; at most 512)',
    );
    expect(rejectionReason('mixpanel', mixpanel({ $user_id: 'x'.repeat(513), $device_id: 'd' }))).toBe(
      'properties.$user_id too long (513 bytes of UTF-8; at most 512)',
    );
  });
});
