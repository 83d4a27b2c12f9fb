import { quoteSent } from '../../rules/json-text.js';
import { EVENT_TYPES, type EventType } from '../event.js';
import { type ExportFormat, firstPresent, pathTable, sourced, timestampAt } from './format.js';

const { paths, at } = pathTable({
  type: ['type'],
  event: ['event'],
  name: ['name'],
  userId: ['userId'],
  anonymousId: ['anonymousId'],
  messageId: ['messageId'],
  timestamp: ['timestamp'],
  deviceType: ['context', 'device', 'type'],
  osName: ['context', 'os', 'name'],
  userAgent: ['context', 'userAgent'],
  url: ['properties', 'url'],
  path: ['properties', 'path'],
  title: ['properties', 'title'],
  referrer: ['properties', 'referrer'],
  pageUrl: ['context', 'page', 'url'],
  pagePath: ['context', 'page', 'path'],
  pageTitle: ['context', 'page', 'title'],
  pageReferrer: ['context', 'page', 'referrer'],
  campaign: ['context', 'campaign'],
  campaignSource: ['context', 'campaign', 'source'],
  campaignMedium: ['context', 'campaign', 'medium'],
  campaignName: ['context', 'campaign', 'name'],
  campaignTerm: ['context', 'campaign', 'term'],
  campaignContent: ['context', 'campaign', 'content'],
});

/** The index of each member in the format's paths (and in its scanner's: reading/plain-segment.ts). */
export const segmentPaths = at;

const timestamp = timestampAt(at.timestamp, 'timestamp', 'text');

/** Each type as the constant itself: an event then holds no slice of its record, and type lookups are quick. */
const KNOWN_TYPES: ReadonlyMap<string, EventType> = new Map(EVENT_TYPES.map((type) => [type, type]));

/** Segment's spec, which RudderStack also follows (and both S3 destinations write). */
export const segmentFormat: ExportFormat = {
  name: 'segment',
  paths,
  identityMembers: [['userId'], ['anonymousId'], ['timestamp'], ['messageId']],
  identityFields: ['userId', 'anonymousId'],
  map(fields) {
    const rawType = fields.value(at.type);
    const known = typeof rawType === 'string' ? KNOWN_TYPES.get(rawType) : undefined;
    let type: EventType | { rejected: string };
    if (rawType === undefined || rawType === null) type = { rejected: 'missing type' };
    else if (known !== undefined) type = known;
    else
      type = {
        rejected: `unknown type ${quoteSent(rawType)} (expected one of ${EVENT_TYPES.join(', ')})`,
      };
    const isPage = type === 'page';
    const hasCampaign = fields.isObject(at.campaign);
    // The platform of rule 7 and the device type shown with sessions are the same member.
    const deviceType = fields.value(at.deviceType);
    return {
      type,
      // Only a track has an event name and only a page or screen a name (an identify's `name` is a trait).
      name:
        type === 'track'
          ? fields.value(at.event)
          : type === 'page' || type === 'screen'
            ? fields.value(at.name)
            : null,
      userId: sourced(fields, at.userId, 'userId'),
      anonymousId: sourced(fields, at.anonymousId, 'anonymousId'),
      messageId: fields.value(at.messageId),
      timestamp,
      platform: deviceType,
      page: isPage
        ? {
            url: firstPresent(fields, at.url, at.pageUrl),
            path: firstPresent(fields, at.path, at.pagePath),
            title: firstPresent(fields, at.title, at.pageTitle),
            referrer: firstPresent(fields, at.referrer, at.pageReferrer),
          }
        : null,
      campaign: hasCampaign
        ? {
            source: fields.value(at.campaignSource),
            medium: fields.value(at.campaignMedium),
            name: fields.value(at.campaignName),
            term: fields.value(at.campaignTerm),
            content: fields.value(at.campaignContent),
          }
        : undefined,
      device: {
        type: deviceType,
        os: fields.value(at.osName),
        browser: undefined,
        userAgent: fields.value(at.userAgent),
      },
    };
  },
};
