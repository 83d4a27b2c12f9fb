import { normalizeId } from '../../rules/identity.js';
import { type ExportFormat, pathTable, type Sourced, sourced, timestampAt } from './format.js';

const { paths, at } = pathTable({
  event: ['event'],
  properties: ['properties'],
  time: ['properties', 'time'],
  userId: ['properties', '$user_id'],
  distinctId: ['properties', 'distinct_id'],
  deviceId: ['properties', '$device_id'],
  insertId: ['properties', '$insert_id'],
  os: ['properties', '$os'],
  browser: ['properties', '$browser'],
});

const timestamp = timestampAt(at.time, 'properties.time', 'epoch');

export const MIXPANEL_PAGE_VIEW = '$mp_web_page_view';
const DEVICE_PREFIX = '$device:';

/**
 * Mixpanel's raw export: `{"event", "properties": {...}}` lines. A `distinct_id` of `$device:<id>` names
 * an anonymous device; anything else is the user.
 */
export const mixpanelFormat: ExportFormat = {
  name: 'mixpanel',
  paths,
  identityMembers: [
    ['properties', '$user_id'],
    ['properties', 'distinct_id'],
    ['properties', '$device_id'],
    ['properties', 'time'],
    ['properties', '$insert_id'],
  ],
  identityFields: ['properties.$user_id', 'properties.distinct_id', 'properties.$device_id'],
  map(fields) {
    const event = fields.value(at.event);
    const isPage = event === MIXPANEL_PAGE_VIEW;
    const distinct = normalizeId(fields.value(at.distinctId));
    const distinctIsDevice = distinct.kind === 'present' && distinct.value.startsWith(DEVICE_PREFIX);
    let userId: Sourced = sourced(fields, at.userId, 'properties.$user_id');
    if (normalizeId(userId.value).kind !== 'present' && distinct.kind === 'present' && !distinctIsDevice) {
      userId = { value: distinct.value, field: 'properties.distinct_id' };
    }
    let anonymousId: Sourced = sourced(fields, at.deviceId, 'properties.$device_id');
    if (normalizeId(anonymousId.value).kind !== 'present' && distinct.kind === 'present') {
      const value = distinctIsDevice ? distinct.value.slice(DEVICE_PREFIX.length) : distinct.value;
      anonymousId = { value, field: 'properties.distinct_id' };
    }
    const os = fields.value(at.os);
    return {
      type: isPage ? 'page' : 'track',
      name: event,
      userId,
      anonymousId,
      messageId: fields.value(at.insertId),
      timestamp,
      platform: os,
      page: isPage ? { url: null, path: null, title: null, referrer: null } : null,
      campaign: undefined,
      device: { type: undefined, os, browser: fields.value(at.browser), userAgent: undefined },
    };
  },
  identitySources(fields) {
    const distinct = fields.value(at.distinctId);
    const normalized = normalizeId(distinct);
    const isDevice = normalized.kind === 'present' && normalized.value.startsWith(DEVICE_PREFIX);
    return [
      sourced(fields, at.userId, 'properties.$user_id'),
      {
        value: isDevice ? normalized.value.slice(DEVICE_PREFIX.length) : distinct,
        field: 'properties.distinct_id',
      },
      sourced(fields, at.deviceId, 'properties.$device_id'),
    ];
  },
};
