import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseTimestamp } from './timestamp.js';

export const EVENT_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The compact form every event is reduced to: just what sessions and timelines need.
 * Raw event objects are never kept, so a million events fit in a few hundred MB.
 */
export interface EventRecord {
  /** The messageId, or `c:<hash>` derived from the content when the event has none (spec rule 3). */
  readonly id: string;
  /** The resolved user (spec rule 2). */
  readonly userId: string;
  /** UTC epoch milliseconds. */
  readonly timestamp: number;
  readonly type: EventType;
  /** A track's `event`, or a page/screen `name`. */
  readonly name: string | null;
  /** False when `id` was derived from the content. */
  readonly hasMessageId: boolean;
}

export type NormalizeResult = { ok: true; record: EventRecord } | { ok: false; reason: string };

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Plain decimal even for large integers, where String() would give exponent notation (1e+21). */
function decimalString(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/** userId/anonymousId: a number becomes its decimal string; anything else that is not a string counts as absent. */
const identitySchema = z
  .unknown()
  .optional()
  .transform((value) =>
    typeof value === 'string' ? value.trim() : typeof value === 'number' ? decimalString(value) : '',
  );

const optionalTextSchema = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'string' ? value : null));

/** The Segment-spec fields this product reads (spec rule 1). Other fields are left out of the parsed result (they are only read for content ids, from the raw object), which keeps validation cheap. */
export const segmentEventSchema = z.object({
  type: z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === null) {
        ctx.addIssue({ code: 'custom', message: 'missing type' });
        return z.NEVER;
      }
      if (typeof value !== 'string' || !(EVENT_TYPES as readonly string[]).includes(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown type ${describe(value)} (expected one of ${EVENT_TYPES.join(', ')})`,
        });
        return z.NEVER;
      }
      return value as EventType;
    }),
  timestamp: z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === null || value === '') {
        ctx.addIssue({ code: 'custom', message: 'missing timestamp' });
        return z.NEVER;
      }
      const epochMs = typeof value === 'string' ? parseTimestamp(value) : undefined;
      if (epochMs === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `unparsable timestamp ${describe(value)} (expected an ISO-8601 date-time)`,
        });
        return z.NEVER;
      }
      return epochMs;
    }),
  userId: identitySchema,
  anonymousId: identitySchema,
  event: optionalTextSchema,
  name: optionalTextSchema,
  messageId: optionalTextSchema,
});

/** JSON with object keys sorted at every level, so equal content always hashes equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// Hashed in normalized form (type, resolved user, UTC ms) so equivalent spellings give one id; every other
// field, anonymousId and event/name included, goes into the hash as sent.
const FIELDS_NORMALIZED_SEPARATELY = new Set(['type', 'userId', 'timestamp', 'messageId']);

/** Spec rule 3: the id of an event without messageId, from its normalized fields plus everything else it carries. */
export function contentId(
  raw: Record<string, unknown>,
  fields: { type: string; userId: string; timestamp: number },
): string {
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!FIELDS_NORMALIZED_SEPARATELY.has(key)) rest[key] = raw[key];
  }
  const digest = createHash('sha256')
    .update(canonicalJson([fields.type, fields.userId, fields.timestamp, rest]))
    .digest('base64url');
  return `c:${digest.slice(0, 32)}`;
}

/** Validates one parsed JSON value and reduces it to an {@link EventRecord}, or says why it is rejected. */
export function normalizeEvent(value: unknown): NormalizeResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      reason: `not a JSON object (got ${Array.isArray(value) ? 'an array' : describe(value)})`,
    };
  }
  const parsed = segmentEventSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((issue) => issue.message).join('; ') };
  }
  const event = parsed.data;
  const userId = event.userId !== '' ? event.userId : event.anonymousId;
  if (userId === '') {
    return { ok: false, reason: 'no identity: userId and anonymousId are both missing or empty' };
  }
  const name = event.type === 'track' ? event.event : event.name;
  const messageId = event.messageId !== null && event.messageId.trim() !== '' ? event.messageId : null;
  const id =
    messageId ??
    contentId(value as Record<string, unknown>, {
      type: event.type,
      userId,
      timestamp: event.timestamp,
    });
  return {
    ok: true,
    record: {
      id,
      userId,
      timestamp: event.timestamp,
      type: event.type,
      name,
      hasMessageId: messageId !== null,
    },
  };
}
