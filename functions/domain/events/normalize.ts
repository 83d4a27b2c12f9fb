import { listWords } from '../../../contract/list-words.js';
import { type ContentIdFields, contentId } from '../rules/canonical-json.js';
import { isIdTooLong, MAX_ID_BYTES, type NormalizedId, normalizeId } from '../rules/identity.js';
import { jsonText, quoteSent } from '../rules/json-text.js';
import { checkInstant, parseTimestamp, type TimestampResult } from '../rules/timestamp.js';
import { campaignFromUrl } from './campaign.js';
import { cutForDisplay, MAX_DISPLAY_LENGTH } from './display-text.js';
import {
  CAMPAIGN_MEMBERS,
  type CampaignFields,
  type DeviceFields,
  type EventRecord,
  type PageFields,
  type SentValue,
} from './event.js';
import {
  type ExportFormat,
  isNonFinite,
  type MappedEvent,
  type RecordFields,
  type Sourced,
  type TimestampSource,
} from './formats/format.js';

export type NormalizeOutcome =
  | { readonly ok: true; readonly event: EventRecord }
  | { readonly ok: false; readonly reason: string };

/** Turns a user agent into a browser name; cached by the caller, since one user sends one agent over and over. */
export type BrowserOf = (userAgent: string) => string | null;

function allMissing(fields: readonly string[]): string {
  return `${listWords(fields, 'and')} are ${fields.length === 2 ? 'both' : 'all'} missing or empty`;
}

const SECONDS_BELOW = 1e11;

function readTimestamp(fields: RecordFields, source: TimestampSource): number | string {
  const { path, field } = source;
  if (source.form === 'text') {
    // Nearly every export writes toISOString's form: read in place, no string made nor parsed.
    const instant = fields.isoInstant?.(path);
    if (instant !== undefined) return instant;
  }
  const value = fields.value(path);
  // A text timestamp trimmed to nothing, as rule 1 reads one, is as missing as ""; an epoch time is a number,
  // and any string there, a blank one too, is unparsable (1b).
  const blank = source.form === 'text' && typeof value === 'string' && value.trim() === '';
  if (value === undefined || value === null || blank) return `missing ${field}`;
  let result: TimestampResult;
  if (source.form === 'epoch') {
    if (typeof value !== 'number')
      return `unparsable ${field} ${quoteSent(value)} (expected epoch seconds or milliseconds as a JSON number)`;
    result = checkInstant(value < SECONDS_BELOW ? Math.round(value * 1000) : Math.trunc(value));
  } else {
    if (typeof value !== 'string')
      return `unparsable ${field} ${quoteSent(value)} (expected a date-time string such as 2024-01-01T09:00:00Z)`;
    result = parseTimestamp(value);
  }
  if (result === 'unparsable')
    return `unparsable ${field} ${quoteSent(value)} (expected a date-time such as 2024-01-01T09:00:00Z)`;
  if (result === 'out of range')
    return `${field} out of range: ${quoteSent(value)} (the instant must fall in the years 0000 to 9999, UTC)`;
  return result;
}

function readIdentity(source: Sourced, problems: string[]): { id: NormalizedId; value: string | null } {
  const id = normalizeId(source.value);
  if (id.kind !== 'present') return { id, value: null };
  if (isIdTooLong(id.value)) {
    const problem = `${source.field} too long (${Buffer.byteLength(id.value, 'utf8')} bytes of UTF-8; at most ${MAX_ID_BYTES})`;
    // Mixpanel's and PostHog's distinct_id can be both userId and anonymousId: one problem, said once.
    if (!problems.includes(problem)) problems.push(problem);
  }
  return { id, value: id.value };
}

function describeAbsent(field: string, id: NormalizedId): string {
  return id.kind === 'wrong type'
    ? `${field} is ${id.type} (expected a string or number)`
    : `${field} is missing or empty`;
}

/**
 * A value shown as sent: strings cut for display, other JSON values kept when small; a non-finite number
 * (JSON `1e400`) is absent, as it is in an id.
 */
export function displayValue(value: unknown): SentValue {
  if (value === undefined || value === null || isNonFinite(value)) return null;
  if (typeof value === 'string') return cutForDisplay(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = jsonText(value) as string;
  return text.length <= MAX_DISPLAY_LENGTH ? (value as SentValue) : cutForDisplay(text);
}

function pageOf(page: NonNullable<MappedEvent['page']>): PageFields {
  return {
    url: displayValue(page.url),
    path: displayValue(page.path),
    title: displayValue(page.title),
    referrer: displayValue(page.referrer),
  };
}

function campaignOf(members: MappedEvent['campaign']): CampaignFields | null {
  if (members === undefined) return null;
  let anyNonEmpty = false;
  const campaign: Record<string, SentValue> = {};
  for (const member of CAMPAIGN_MEMBERS) {
    const value = members[member];
    if (typeof value === 'string' && value !== '') anyNonEmpty = true;
    campaign[member] = displayValue(value);
  }
  return anyNonEmpty ? (campaign as CampaignFields) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? cutForDisplay(value) : null;
}

function deviceOf(device: MappedEvent['device'], browserOf: BrowserOf): DeviceFields | null {
  const type = text(device.type);
  const os = text(device.os);
  let browser = text(device.browser);
  if (browser === null && typeof device.userAgent === 'string' && device.userAgent !== '') {
    browser = browserOf(device.userAgent);
  }
  return type === null && os === null && browser === null ? null : { type, os, browser };
}

function platformOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // No configured platform is longer than this, so a longer one matches none: the same as no platform.
  return value.length > MAX_DISPLAY_LENGTH ? null : value.toLowerCase();
}

/** Rules 1-4 for one JSON object in a known format: an event record, or why the event is rejected. */
export function normalizeEvent(
  format: ExportFormat,
  fields: RecordFields,
  browserOf: BrowserOf,
): NormalizeOutcome {
  const mapped = format.map(fields);
  const problems: string[] = [];
  if (typeof mapped.type === 'object') problems.push(mapped.type.rejected);
  const timestamp = readTimestamp(fields, mapped.timestamp);
  if (typeof timestamp === 'string') problems.push(timestamp);
  const userId = readIdentity(mapped.userId, problems);
  const anonymousId = readIdentity(mapped.anonymousId, problems);
  if (userId.value === null && anonymousId.value === null) {
    // Each member an identity is read from, once: Mixpanel's and PostHog's distinct_id feeds both ids.
    const sources = (format.identitySources?.(fields) ?? [mapped.userId, mapped.anonymousId]).map(
      (source) => ({ field: source.field, id: normalizeId(source.value) }),
    );
    problems.push(
      sources.some((source) => source.id.kind === 'wrong type')
        ? `no identity: ${sources.map((source) => describeAbsent(source.field, source.id)).join('; ')}`
        : `no identity: ${allMissing(format.identityFields)}`,
    );
  }
  if (problems.length > 0 || typeof mapped.type === 'object' || typeof timestamp === 'string') {
    return { ok: false, reason: problems.join('; ') };
  }
  const type = mapped.type;
  const messageId = normalizeId(mapped.messageId);
  let id: string;
  if (messageId.kind === 'present') {
    id = `m:${messageId.value}`;
  } else {
    const fieldsForId: ContentIdFields = {
      type,
      user: (userId.value ?? anonymousId.value) as string,
      epochMs: timestamp,
      anonymousId: anonymousId.value,
    };
    id = contentId(fields.parsed(), fieldsForId, format.identityMembers);
  }
  const page = mapped.page === null ? null : pageOf(mapped.page);
  const fullUrl = mapped.page?.url;
  return {
    ok: true,
    event: {
      id,
      timestamp,
      type,
      name: text(mapped.name),
      userId: userId.value,
      anonymousId: anonymousId.value,
      platform: platformOf(mapped.platform),
      page,
      campaign: campaignOf(mapped.campaign),
      urlCampaign: typeof fullUrl === 'string' ? campaignFromUrl(fullUrl) : null,
      device: deviceOf(mapped.device, browserOf),
    },
  };
}
