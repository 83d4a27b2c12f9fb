import { normalizeId, presentId } from '../../rules/identity.js';
import type { EventType } from '../event.js';
import { type ExportFormat, pathTable, sourced, timestampAt } from './format.js';

const { paths, at } = pathTable({
  event: ['event'],
  distinctId: ['distinct_id'],
  uuid: ['uuid'],
  timestamp: ['timestamp'],
  deviceId: ['properties', '$device_id'],
  screenName: ['properties', '$screen_name'],
  os: ['properties', '$os'],
  browser: ['properties', '$browser'],
  deviceType: ['properties', '$device_type'],
  currentUrl: ['properties', '$current_url'],
  pathname: ['properties', '$pathname'],
  title: ['properties', 'title'],
  referrer: ['properties', '$referrer'],
  utmSource: ['properties', 'utm_source'],
  utmMedium: ['properties', 'utm_medium'],
  utmCampaign: ['properties', 'utm_campaign'],
  utmTerm: ['properties', 'utm_term'],
  utmContent: ['properties', 'utm_content'],
});

const timestamp = timestampAt(at.timestamp, 'timestamp', 'text');

/** A Map, not an object literal: an event named `constructor` or `__proto__` must not find Object.prototype's. */
const TYPES: ReadonlyMap<string, EventType> = new Map([
  ['$pageview', 'page'],
  ['$screen', 'screen'],
]);

/** PostHog's S3 batch export: JSON lines (or arrays) of `{uuid, event, distinct_id, timestamp, properties}`. */
export const posthogFormat: ExportFormat = {
  name: 'posthog',
  paths,
  identityMembers: [['distinct_id'], ['properties', '$device_id'], ['timestamp'], ['uuid']],
  identityFields: ['distinct_id', 'properties.$device_id'],
  map(fields) {
    const event = fields.value(at.event);
    const type = (typeof event === 'string' ? TYPES.get(event) : undefined) ?? 'track';
    const distinct = fields.value(at.distinctId);
    const device = fields.value(at.deviceId);
    // distinct_id is the user only when it differs from the device id (both after rule 1).
    const isUser = presentId(normalizeId(distinct)) !== presentId(normalizeId(device));
    const deviceIsPresent = normalizeId(device).kind === 'present';
    return {
      type,
      name: type === 'screen' ? fields.value(at.screenName) : event,
      userId: isUser
        ? sourced(fields, at.distinctId, 'distinct_id')
        : { value: undefined, field: 'distinct_id' },
      anonymousId: deviceIsPresent
        ? sourced(fields, at.deviceId, 'properties.$device_id')
        : sourced(fields, at.distinctId, 'distinct_id'),
      messageId: fields.value(at.uuid),
      timestamp,
      platform: fields.value(at.os),
      page:
        type === 'page'
          ? {
              url: fields.value(at.currentUrl) ?? null,
              path: fields.value(at.pathname) ?? null,
              title: fields.value(at.title) ?? null,
              referrer: fields.value(at.referrer) ?? null,
            }
          : null,
      campaign: {
        source: fields.value(at.utmSource),
        medium: fields.value(at.utmMedium),
        name: fields.value(at.utmCampaign),
        term: fields.value(at.utmTerm),
        content: fields.value(at.utmContent),
      },
      device: {
        type: fields.value(at.deviceType),
        os: fields.value(at.os),
        browser: fields.value(at.browser),
        userAgent: undefined,
      },
    };
  },
  identitySources(fields) {
    return [
      sourced(fields, at.distinctId, 'distinct_id'),
      sourced(fields, at.deviceId, 'properties.$device_id'),
    ];
  },
};
