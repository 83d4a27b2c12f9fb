import { createHash } from 'node:crypto';
import {
  canonical,
  get,
  has,
  isObject,
  type Json,
  type JsonObject,
  normalizedId,
  parseEpoch,
  parseText,
} from './reference-fields.js';

/** The reference's rules 1b, 2 and 4: each format's mapping, read literally from the table in docs/rules.md. */

export type Format = 'segment' | 'amplitude' | 'mixpanel' | 'posthog';

export interface Accepted {
  raw: JsonObject;
  canonical: string;
  type: string;
  userId: string | undefined;
  anonymousId: string | undefined;
  ms: number;
  id: string;
  platform: string | null;
  page: JsonObject | null;
  campaignMembers: Record<string, Json> | null;
  resolvedUser?: string;
}

export function detect(object: JsonObject): Format {
  if (has(object, 'type')) return 'segment';
  if (has(object, 'event_type') && has(object, 'event_time')) return 'amplitude';
  if (has(object, 'event') && has(object, 'properties', 'time')) return 'mixpanel';
  if (has(object, 'event') && has(object, 'distinct_id') && has(object, 'uuid')) return 'posthog';
  return 'segment';
}

interface Mapped {
  type: string | undefined;
  userId: Json;
  anonymousId: Json;
  ms: number | undefined;
  messageId: Json;
  platform: Json;
  page: JsonObject | null;
  campaignMembers: Record<string, Json> | null;
  /** Members 1b maps to userId, anonymousId, timestamp and messageId. */
  mapped: string[][];
}

const PAGE_FIELDS = ['url', 'path', 'title', 'referrer'];
export const CAMPAIGN = ['source', 'medium', 'name', 'term', 'content'];
export const orNull = (value: Json) => (value === undefined ? null : value);
/** A page field or campaign member: a non-finite number (JSON 1e400) is absent, as a non-finite id is. */
const sent = (value: Json) => (typeof value === 'number' && !Number.isFinite(value) ? undefined : value);

function mapEvent(format: Format, o: JsonObject): Mapped {
  if (format === 'segment') {
    const type = ['identify', 'track', 'page', 'screen', 'group', 'alias'].includes(o.type as string)
      ? (o.type as string)
      : undefined;
    return {
      type,
      userId: o.userId,
      anonymousId: o.anonymousId,
      ms: parseText(o.timestamp),
      messageId: o.messageId,
      platform: get(o, 'context', 'device', 'type'),
      page:
        type === 'page'
          ? Object.fromEntries(
              PAGE_FIELDS.map((field) => {
                const own = sent(get(o, 'properties', field));
                return [
                  field,
                  own === undefined || own === null ? orNull(sent(get(o, 'context', 'page', field))) : own,
                ];
              }),
            )
          : null,
      campaignMembers: isObject(get(o, 'context', 'campaign'))
        ? Object.fromEntries(CAMPAIGN.map((member) => [member, sent(get(o, 'context', 'campaign', member))]))
        : null,
      mapped: [['userId'], ['anonymousId'], ['timestamp'], ['messageId']],
    };
  }
  if (format === 'amplitude') {
    const type = o.event_type === '[Amplitude] Page Viewed' ? 'page' : 'track';
    const idSource = ['$insert_id', 'insert_id', 'uuid'].find((key) => normalizedId(o[key]) !== undefined);
    return {
      type,
      userId: o.user_id,
      anonymousId: o.device_id,
      ms: parseText(o.event_time),
      messageId: idSource === undefined ? undefined : o[idSource],
      platform: o.platform,
      page: type === 'page' ? { url: null, path: null, title: null, referrer: null } : null,
      campaignMembers: null,
      mapped: [['user_id'], ['device_id'], ['event_time'], ['$insert_id'], ['insert_id'], ['uuid']],
    };
  }
  if (format === 'mixpanel') {
    const type = o.event === '$mp_web_page_view' ? 'page' : 'track';
    const distinct = normalizedId(get(o, 'properties', 'distinct_id'));
    const isDevice = distinct?.startsWith('$device:') ?? false;
    const userId =
      normalizedId(get(o, 'properties', '$user_id')) ??
      (distinct !== undefined && !isDevice ? distinct : undefined);
    const anonymousId =
      normalizedId(get(o, 'properties', '$device_id')) ??
      (isDevice ? distinct?.slice('$device:'.length) : distinct);
    return {
      type,
      userId: userId === undefined ? get(o, 'properties', '$user_id') : userId,
      anonymousId: anonymousId === undefined ? get(o, 'properties', '$device_id') : anonymousId,
      ms: parseEpoch(get(o, 'properties', 'time')),
      messageId: get(o, 'properties', '$insert_id'),
      platform: get(o, 'properties', '$os'),
      page: type === 'page' ? { url: null, path: null, title: null, referrer: null } : null,
      campaignMembers: null,
      mapped: [
        ['properties', '$user_id'],
        ['properties', 'distinct_id'],
        ['properties', '$device_id'],
        ['properties', 'time'],
        ['properties', '$insert_id'],
      ],
    };
  }
  const type = o.event === '$pageview' ? 'page' : o.event === '$screen' ? 'screen' : 'track';
  const device = get(o, 'properties', '$device_id');
  const posthogPage: Record<string, string> = {
    url: '$current_url',
    path: '$pathname',
    title: 'title',
    referrer: '$referrer',
  };
  return {
    type,
    userId: normalizedId(o.distinct_id) !== normalizedId(device) ? o.distinct_id : undefined,
    anonymousId: normalizedId(device) !== undefined ? device : o.distinct_id,
    ms: parseText(o.timestamp),
    messageId: o.uuid,
    platform: get(o, 'properties', '$os'),
    page:
      type === 'page'
        ? Object.fromEntries(
            PAGE_FIELDS.map((field) => [
              field,
              orNull(sent(get(o, 'properties', posthogPage[field] as string))),
            ]),
          )
        : null,
    campaignMembers: Object.fromEntries(
      CAMPAIGN.map((member) => [
        member,
        sent(get(o, 'properties', member === 'name' ? 'utm_campaign' : `utm_${member}`)),
      ]),
    ),
    mapped: [['distinct_id'], ['properties', '$device_id'], ['timestamp'], ['uuid']],
  };
}

/** The object as sent without the mapped members (nested ones removed from their object). */
function rest(raw: JsonObject, mapped: string[][]): JsonObject {
  const copy = structuredClone(raw);
  for (const path of mapped) {
    const parent = path.length === 1 ? copy : get(copy, ...path.slice(0, -1));
    if (isObject(parent)) delete parent[path[path.length - 1] as string];
  }
  return copy;
}

/** An event accepted by rules 1-4, or undefined when it is rejected. */
export function accept(format: Format, raw: JsonObject): Accepted | undefined {
  const m = mapEvent(format, raw);
  const userId = normalizedId(m.userId);
  const anonymousId = normalizedId(m.anonymousId);
  const tooLong = (id: string | undefined) => id !== undefined && Buffer.byteLength(id, 'utf8') > 512;
  if (m.type === undefined || m.ms === undefined || tooLong(userId) || tooLong(anonymousId)) return undefined;
  const user = userId ?? anonymousId;
  if (user === undefined) return undefined;
  const messageId = normalizedId(m.messageId);
  const id =
    messageId !== undefined
      ? `m:${messageId}`
      : `h:${createHash('sha256')
          .update(canonical([m.type, user, m.ms, anonymousId ?? null, rest(raw, m.mapped)]))
          .digest('hex')}`;
  return {
    raw,
    canonical: canonical(raw),
    type: m.type,
    userId,
    anonymousId,
    ms: m.ms,
    id,
    platform: typeof m.platform === 'string' ? m.platform.toLowerCase() : null,
    page: m.page,
    campaignMembers: m.campaignMembers,
  };
}

/** Where a record stands in its file: its line in NDJSON, its 1-based element index in a JSON array. */
export type RecordPlace = { readonly line: number } | { readonly index: number };

/**
 * Rule 1's records of one file, each with its place (`notJsonAt`: the lines that are not JSON), or undefined
 * when the file is not an export (no line is JSON).
 */
export function recordsOf(
  text: string,
): { parsed: Json[]; at: RecordPlace[]; notJson: number; notJsonAt: RecordPlace[] } | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as Json[];
    return { parsed, at: parsed.map((_, i) => ({ index: i + 1 })), notJson: 0, notJsonAt: [] };
  }
  const parsed: Json[] = [];
  const at: RecordPlace[] = [];
  const notJsonAt: RecordPlace[] = [];
  text.split('\n').forEach((untrimmed, i) => {
    const line = untrimmed.trim();
    if (line === '') return;
    try {
      parsed.push(JSON.parse(line));
      at.push({ line: i + 1 });
    } catch {
      notJsonAt.push({ line: i + 1 });
    }
  });
  return notJsonAt.length > 0 && parsed.length === 0
    ? undefined
    : { parsed, at, notJson: notJsonAt.length, notJsonAt };
}
