import { describe, expect, it } from 'vitest';
import { acceptedEvent, rejectionReason } from '../../../helpers/normalize-object.js';

const base = {
  event_type: 'Play',
  user_id: 'u-1',
  device_id: 'd-1',
  event_time: '2024-01-01 09:00:00.000000',
};

describe('amplitude format', () => {
  it('maps the Amplitude export fields onto the event record', () => {
    const event = acceptedEvent('amplitude', {
      ...base,
      $insert_id: 'ins-1',
      platform: 'iOS',
      os_name: 'ios',
    });
    expect(event).toEqual({
      id: 'm:ins-1',
      timestamp: Date.UTC(2024, 0, 1, 9),
      type: 'track',
      name: 'Play',
      userId: 'u-1',
      anonymousId: 'd-1',
      platform: 'ios',
      page: null,
      campaign: null,
      urlCampaign: null,
      device: { type: 'iOS', os: 'ios', browser: null },
    });
  });

  it('reads event_time as UTC and cuts microseconds: 09:20:00.999999 is 09:20:00.999', () => {
    expect(acceptedEvent('amplitude', { ...base, event_time: '2024-01-01 09:20:00.999999' }).timestamp).toBe(
      Date.UTC(2024, 0, 1, 9, 20, 0, 999),
    );
    expect(acceptedEvent('amplitude', { ...base, event_time: '2024-01-01T10:00:00+01:00' }).timestamp).toBe(
      Date.UTC(2024, 0, 1, 9),
    );
  });

  it('makes "[Amplitude] Page Viewed" a page with four null page fields, anything else a track', () => {
    const pageView = acceptedEvent('amplitude', { ...base, event_type: '[Amplitude] Page Viewed' });
    expect(pageView.type).toBe('page');
    expect(pageView.name).toBe('[Amplitude] Page Viewed');
    expect(pageView.page).toEqual({ url: null, path: null, title: null, referrer: null });
    expect(acceptedEvent('amplitude', { ...base, event_type: '[amplitude] page viewed' }).type).toBe('track');
  });

  it('takes the id from $insert_id, else insert_id, else uuid, skipping blank ones', () => {
    const idOf = (ids: Record<string, unknown>) => acceptedEvent('amplitude', { ...base, ...ids }).id;
    expect(idOf({ $insert_id: 'a', insert_id: 'b', uuid: 'c' })).toBe('m:a');
    expect(idOf({ insert_id: 'b', uuid: 'c' })).toBe('m:b');
    expect(idOf({ $insert_id: '  ', insert_id: null, uuid: ' c ' })).toBe('m:c');
    expect(idOf({ $insert_id: 12 })).toBe('m:12');
    expect(idOf({})).toMatch(/^h:[0-9a-f]{64}$/);
  });

  it('uses user_id, else device_id as the own user', () => {
    const event = acceptedEvent('amplitude', { ...base, user_id: '  ' });
    expect([event.userId, event.anonymousId]).toEqual([null, 'd-1']);
  });

  it('has no campaign and no url campaign: the format carries none', () => {
    const event = acceptedEvent('amplitude', {
      ...base,
      event_type: '[Amplitude] Page Viewed',
      utm_source: 'news',
      event_properties: { url: 'https://x.example/?utm_source=news' },
    });
    expect([event.campaign, event.urlCampaign]).toEqual([null, null]);
  });

  it('names the Amplitude fields in rejections and never rejects on a type', () => {
    expect(rejectionReason('amplitude', { event_type: 'Play', event_time: base.event_time })).toBe(
      'no identity: user_id and device_id are both missing or empty',
    );
    expect(rejectionReason('amplitude', { ...base, event_time: '2024-01-01' })).toMatch(
      /^unparsable event_time "2024-01-01"/,
    );
    expect(rejectionReason('amplitude', { ...base, event_time: undefined })).toBe('missing event_time');
    expect(rejectionReason('amplitude', { ...base, user_id: 'x'.repeat(600) })).toBe(
      'user_id too long (600 bytes of UTF-8; at most 512)',
    );
    expect(acceptedEvent('amplitude', { ...base, event_type: null }).type).toBe('track');
  });
});
