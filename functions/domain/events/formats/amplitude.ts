import { normalizeId } from '../../rules/identity.js';
import { type ExportFormat, pathTable, sourced, timestampAt } from './format.js';

const { paths, at } = pathTable({
  eventType: ['event_type'],
  eventTime: ['event_time'],
  userId: ['user_id'],
  deviceId: ['device_id'],
  insertId: ['$insert_id'],
  legacyInsertId: ['insert_id'],
  uuid: ['uuid'],
  platform: ['platform'],
  osName: ['os_name'],
});

const timestamp = timestampAt(at.eventTime, 'event_time', 'text');

export const AMPLITUDE_PAGE_VIEW = '[Amplitude] Page Viewed';

/** Amplitude's Export API: JSON lines, `event_time` in UTC (`YYYY-MM-DD HH:MM:SS.ffffff`). */
export const amplitudeFormat: ExportFormat = {
  name: 'amplitude',
  paths,
  identityMembers: [['user_id'], ['device_id'], ['event_time'], ['$insert_id'], ['insert_id'], ['uuid']],
  identityFields: ['user_id', 'device_id'],
  map(fields) {
    const eventType = fields.value(at.eventType);
    const isPage = eventType === AMPLITUDE_PAGE_VIEW;
    // The first of the three ids that is present after rule 1 (a blank one is absent).
    let messageId: unknown;
    for (const path of [at.insertId, at.legacyInsertId, at.uuid]) {
      const candidate = fields.value(path);
      if (normalizeId(candidate).kind === 'present') {
        messageId = candidate;
        break;
      }
    }
    const platform = fields.value(at.platform);
    return {
      type: isPage ? 'page' : 'track',
      name: eventType,
      userId: sourced(fields, at.userId, 'user_id'),
      anonymousId: sourced(fields, at.deviceId, 'device_id'),
      messageId,
      timestamp,
      platform,
      // Amplitude carries no page fields of the rules' kind: a page view's are all null.
      page: isPage ? { url: null, path: null, title: null, referrer: null } : null,
      campaign: undefined,
      device: { type: platform, os: fields.value(at.osName), browser: undefined, userAgent: undefined },
    };
  },
};
