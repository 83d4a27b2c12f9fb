// The lookup API's JSON, read defensively: every string in it is user-controlled, and a field the API leaves
// out (an older deployment) becomes null instead of breaking the page. Text fields keep any other JSON value
// as its JSON text, so nothing sent is silently hidden; a page field or campaign member sent as a string that
// would read as such a value (`"5"` beside `5`) is quoted (sentText), as the CLI's report shows it.
import { sentText } from '../../contract/sent-text.js';

export interface UserSummary {
  readonly userId: string;
  readonly sessionCount: number;
  readonly eventCount: number;
  readonly firstSeenAt: number | null;
  readonly lastSeenAt: number | null;
  readonly anonymousIds: { readonly count: number; readonly items: readonly string[] };
  readonly stitchedTo: string | null;
}

export interface Page {
  readonly url: string | null;
  readonly path: string | null;
  readonly title: string | null;
  readonly referrer: string | null;
}

export interface Campaign {
  readonly source: string | null;
  readonly medium: string | null;
  readonly name: string | null;
  readonly term: string | null;
  readonly content: string | null;
}

export interface Device {
  readonly type: string | null;
  readonly os: string | null;
  readonly browser: string | null;
}

export interface Session {
  readonly userId: string;
  readonly sessionId: string;
  readonly sessionNumber: number | null;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly durationSeconds: number;
  readonly eventCount: number;
  readonly pageViews: number | null;
  readonly bounce: boolean;
  readonly entryPage: Page | null;
  readonly exitPage: Page | null;
  readonly campaign: Campaign | null;
  readonly anonymousIds: readonly string[];
  readonly device: Device | null;
  readonly firstEvent: string | null;
  readonly lastEvent: string | null;
}

export interface SessionEvent {
  readonly id: string;
  readonly messageId: string | null;
  readonly type: string;
  readonly timestamp: number;
  readonly name: string | null;
  readonly url: string | null;
  readonly path: string | null;
  readonly title: string | null;
  readonly anonymousId: string | null;
}

export interface SessionDetail extends Session {
  readonly events: readonly SessionEvent[];
  /** Set when the session has events after these (the API pages them). */
  readonly nextCursor: string | null;
}

export interface SessionPage {
  readonly userId: string;
  readonly sessions: readonly Session[];
  readonly nextCursor: string | null;
}

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly parameter: string | null;
  readonly userId: string | null;
}

/** The API answered 2xx with JSON the viewer cannot use; says which field of what. */
export class ApiFormatError extends Error {
  override readonly name = 'ApiFormatError';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, what: string): Json {
  if (!isObject(value)) throw new ApiFormatError(`${what} is not a JSON object`);
  return value;
}

/** A string as sent; null or absent as null; anything else as its JSON text. */
export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function requiredText(value: unknown, what: string): string {
  const result = text(value);
  if (result === null || result === '') throw new ApiFormatError(`${what} is missing`);
  return result;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * A timestamp the viewer cannot do without. A broken one is quoted as JSON text, as the API quotes values in
 * its messages, so a quote or a control in it, or `5` beside `"5"`, reads as what was sent.
 */
function instant(value: unknown, what: string): number {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (value === undefined) throw new ApiFormatError(`${what} is missing`);
  if (Number.isNaN(parsed))
    throw new ApiFormatError(`${what} is not an ISO timestamp: ${JSON.stringify(value)}`);
  return parsed;
}

function optionalInstant(value: unknown): number | null {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? null : parsed;
}

function textList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => text(item) ?? 'null') : [];
}

function members<K extends string>(value: unknown, keys: readonly K[]): Record<K, string | null> | null {
  if (!isObject(value)) return null;
  return Object.fromEntries(keys.map((key) => [key, text(value[key])])) as Record<K, string | null>;
}

/** Page fields and campaign members, sent as any JSON value (rule 9), as `sentText` shows them. */
function sentMembers<K extends string>(value: unknown, keys: readonly K[]): Record<K, string | null> | null {
  if (!isObject(value)) return null;
  return Object.fromEntries(keys.map((key) => [key, sentText(value[key])])) as Record<K, string | null>;
}

const page = (value: unknown): Page | null => sentMembers(value, ['url', 'path', 'title', 'referrer']);

export function parseUserSummary(json: unknown): UserSummary {
  const body = object(json, 'The user');
  const anonymous = isObject(body.anonymousIds) ? body.anonymousIds : {};
  const items = textList(anonymous.items);
  return {
    userId: requiredText(body.userId, 'The user’s userId'),
    sessionCount: count(body.sessionCount) ?? 0,
    eventCount: count(body.eventCount) ?? 0,
    firstSeenAt: optionalInstant(body.firstSeenAt),
    lastSeenAt: optionalInstant(body.lastSeenAt),
    anonymousIds: { count: count(anonymous.count) ?? items.length, items },
    stitchedTo: text(body.stitchedTo),
  };
}

export function parseSession(json: unknown): Session {
  const body = object(json, 'A session');
  const sessionId = requiredText(body.sessionId, 'A session’s sessionId');
  // Quoted as JSON text, as the API quotes ids in its messages: an id with spaces, a colon or a quote stays one.
  const session = `Session ${JSON.stringify(sessionId)}`;
  const startedAt = instant(body.startedAt, `${session}: startedAt`);
  const endedAt = Math.max(instant(body.endedAt, `${session}: endedAt`), startedAt);
  const eventCount = count(body.eventCount) ?? 0;
  return {
    userId: requiredText(body.userId, `${session}: userId`),
    sessionId,
    sessionNumber: count(body.sessionNumber),
    startedAt,
    endedAt,
    durationSeconds: count(body.durationSeconds) ?? (endedAt - startedAt) / 1000,
    eventCount,
    pageViews: count(body.pageViews),
    // Rule: a bounce is a session of exactly one event, which is also what an API without the field means.
    bounce: typeof body.bounce === 'boolean' ? body.bounce : eventCount === 1,
    entryPage: page(body.entryPage),
    exitPage: page(body.exitPage),
    campaign: sentMembers(body.campaign, ['source', 'medium', 'name', 'term', 'content']),
    anonymousIds: textList(body.anonymousIds),
    device: members(body.device, ['type', 'os', 'browser']),
    firstEvent: text(body.firstEvent),
    lastEvent: text(body.lastEvent),
  };
}

function parseEvent(json: unknown, index: number): SessionEvent {
  const body = object(json, `Event ${index + 1}`);
  return {
    id: text(body.id) ?? String(index),
    messageId: text(body.messageId),
    type: text(body.type) ?? 'unknown',
    timestamp: instant(body.timestamp, `Event ${index + 1}: timestamp`),
    name: text(body.name),
    url: sentText(body.url),
    path: sentText(body.path),
    title: sentText(body.title),
    anonymousId: text(body.anonymousId),
  };
}

export function parseSessionDetail(json: unknown): SessionDetail {
  const body = object(json, 'The session');
  const events = Array.isArray(body.events) ? body.events.map(parseEvent) : [];
  return { ...parseSession(body), events, nextCursor: text(body.nextCursor) };
}

export function parseSessionPage(json: unknown): SessionPage {
  const body = object(json, 'The session list');
  if (!Array.isArray(body.sessions)) throw new ApiFormatError('The session list has no sessions array');
  const cursor = text(body.nextCursor);
  return {
    userId: requiredText(body.userId, 'The session list’s userId'),
    sessions: body.sessions.map(parseSession),
    nextCursor: cursor === '' ? null : cursor,
  };
}

/** The `error` member of an error response, when the body has one. */
export function parseApiError(json: unknown): ApiErrorBody | null {
  // API Gateway answers for itself (a throttle, a timeout, a missing route) as {"message": "..."}.
  const gatewayMessage = isObject(json) && !isObject(json.error) ? text(json.message) : null;
  if (gatewayMessage !== null)
    return { code: 'gateway', message: gatewayMessage, parameter: null, userId: null };
  if (!isObject(json) || !isObject(json.error)) return null;
  const { error } = json;
  return {
    code: text(error.code) ?? 'error',
    message: text(error.message) ?? '',
    parameter: text(error.parameter),
    userId: text(error.userId),
  };
}
