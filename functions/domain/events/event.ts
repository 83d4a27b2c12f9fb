/**
 * The compact form every accepted event is reduced to: exactly what the rules (sessions, platform gaps,
 * stitching, attributes) and timelines need, in every export format. Raw event objects are never kept.
 */

export const EVENT_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A JSON value exactly as the export sent it (page fields and campaign members are taken as sent). */
export type SentValue =
  | string
  | number
  | boolean
  | null
  | readonly unknown[]
  | { readonly [key: string]: unknown };

/** A page event's `{url, path, title, referrer}` (rule 9), each cut for display. */
export interface PageFields {
  readonly url: SentValue;
  readonly path: SentValue;
  readonly title: SentValue;
  readonly referrer: SentValue;
}

export const CAMPAIGN_MEMBERS = ['source', 'medium', 'name', 'term', 'content'] as const;
export type CampaignFields = { readonly [member in (typeof CAMPAIGN_MEMBERS)[number]]: SentValue };

/** Where an event came from: not a rule, shown with sessions (docs/rules.md, "Device and labels"). */
export interface DeviceFields {
  readonly type: string | null;
  readonly os: string | null;
  readonly browser: string | null;
}

export interface EventRecord {
  /** `m:<messageId>`, or `h:<content hash>` for an event without one (rule 3). */
  readonly id: string;
  /** UTC epoch milliseconds. */
  readonly timestamp: number;
  readonly type: EventType;
  /** A track's event name, a page or screen name; cut to 1,024 code units. */
  readonly name: string | null;
  /** After rule 1 (trimmed, numbers as `String(n)`); null when absent. */
  readonly userId: string | null;
  readonly anonymousId: string | null;
  /** Lowercased platform (rule 7); null when absent, not a string, or too long to match any rule. */
  readonly platform: string | null;
  /** Page fields of a `page` event; null for other types. */
  readonly page: PageFields | null;
  /**
   * The campaign this event carries (context.campaign, PostHog's utm_* properties), only when one member is
   * a non-empty string; for a page event without one, the utm_* parameters of its full url, as `urlCampaign`.
   */
  readonly campaign: CampaignFields | null;
  readonly urlCampaign: CampaignFields | null;
  readonly device: DeviceFields | null;
  /**
   * Where this copy was read. Only the ingest sets it, so the store can read the copy again for rule 3's last
   * tie-break (copies of one content id differ too, in spelling or in the formats their files were read in).
   */
  readonly source?: EventSource;
}

/** One record of an export object, by the object's version: enough to read the record again. */
export interface EventSource {
  /** The object key. */
  readonly object: string;
  /** `v:<versionId>` or `e:<ETag>`: a record is read again only from the same content. */
  readonly version: string;
  /** The file within the object (a ZIP member as `<archive>!<member>`); the object key otherwise. */
  readonly file: string;
  /** 1-based position among the file's records. */
  readonly record: number;
}

/** Rule 2: the user an event belongs to without stitching. */
export function ownUser(event: Pick<EventRecord, 'userId' | 'anonymousId'>): string {
  return (event.userId ?? event.anonymousId) as string;
}

/** The messageId an event came with, or null when its id was derived from its content. */
export function messageIdOf(event: Pick<EventRecord, 'id'>): string | null {
  return event.id.startsWith('m:') ? event.id.slice(2) : null;
}

/** The label of an event in summaries: a track's event name, a page's name, else its type. */
export function eventLabel(event: Pick<EventRecord, 'name' | 'type'>): string {
  return event.name ?? event.type;
}
