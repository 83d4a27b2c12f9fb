import type { SegmentEvent } from '../../../bench/generator/generate.js';

/** What the generator tests check generated Segment events against, as a consumer would see them. */

export const MINUTE = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/;
const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function timeOf(event: SegmentEvent): number {
  return Date.parse(event.timestamp as string);
}

const EVENT_TYPES = new Set(['track', 'page', 'screen', 'identify', 'group', 'alias']);

function isText(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a Segment consumer would find missing or malformed; collected rather than asserted per field to stay fast. */
export function segmentProblems(event: SegmentEvent): string[] {
  const problems: string[] = [];
  const type = event.type as string;
  if (!EVENT_TYPES.has(type)) problems.push(`type ${type}`);
  if (typeof event.anonymousId !== 'string' || !UUID.test(event.anonymousId)) problems.push('anonymousId');
  if (!(event.userId === null || isText(event.userId) || typeof event.userId === 'number'))
    problems.push('userId');
  if (event.messageId !== undefined && !UUID.test(String(event.messageId))) problems.push('messageId');
  for (const field of ['timestamp', 'originalTimestamp', 'sentAt']) {
    const value = String(event[field]);
    if (!ISO_MS.test(value) || Number.isNaN(Date.parse(value))) problems.push(`${field} ${value}`);
  }
  const receivedAt = String(event.receivedAt);
  if (!ISO_MS_UTC.test(receivedAt) || Date.parse(receivedAt) < timeOf(event)) {
    problems.push(`receivedAt ${receivedAt}`);
  }
  const context = (event.context ?? {}) as Record<string, Record<string, unknown>>;
  if (!isText(context.library?.name) || !isText(context.library?.version)) problems.push('context.library');
  for (const field of ['ip', 'userAgent', 'locale']) {
    if (!isText(context[field])) problems.push(`context.${field}`);
  }
  if (type === 'track' && !isText(event.event)) problems.push('event');
  if ((type === 'page' || type === 'screen') && !isText(event.name)) problems.push('name');
  if ((type === 'track' || type === 'page' || type === 'screen') && !isObject(event.properties)) {
    problems.push('properties');
  }
  if ((type === 'identify' || type === 'group') && !isObject(event.traits)) problems.push('traits');
  if (type === 'group' && !isText(event.groupId)) problems.push('groupId');
  if (type === 'alias' && !isText(event.previousId)) problems.push('previousId');
  return problems;
}

export interface FileAnalysis {
  events: SegmentEvent[];
  duplicates: number;
  duplicatesIdenticalToOriginal: boolean;
  withoutMessageId: number;
  originals: SegmentEvent[];
  /** Originals whose timestamp is older than one emitted before them. */
  lateIndexes: number[];
  usersByAnonymousId: Map<string, { userId: unknown; times: number[] }>;
}

/** Classifies a generated file the way a consumer would see it: by messageId and by time order. */
export function analyse(events: SegmentEvent[]): FileAnalysis {
  const firstSerialization = new Map<string, string>();
  const originals: SegmentEvent[] = [];
  const lateIndexes: number[] = [];
  const usersByAnonymousId = new Map<string, { userId: unknown; times: number[] }>();
  let duplicates = 0;
  let duplicatesIdenticalToOriginal = true;
  let withoutMessageId = 0;
  let newest = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const messageId = event.messageId;
    if (typeof messageId === 'string') {
      const earlier = firstSerialization.get(messageId);
      if (earlier !== undefined) {
        duplicates++;
        if (earlier !== JSON.stringify(event)) duplicatesIdenticalToOriginal = false;
        continue;
      }
      firstSerialization.set(messageId, JSON.stringify(event));
    } else {
      withoutMessageId++;
    }
    const time = timeOf(event);
    if (time < newest) lateIndexes.push(originals.length);
    else newest = time;
    originals.push(event);
    const anonymousId = event.anonymousId as string;
    const user = usersByAnonymousId.get(anonymousId) ?? { userId: event.userId, times: [] };
    user.times.push(time);
    usersByAnonymousId.set(anonymousId, user);
  }
  return {
    events,
    duplicates,
    duplicatesIdenticalToOriginal,
    withoutMessageId,
    originals,
    lateIndexes,
    usersByAnonymousId,
  };
}

export function share(count: number, total: number): number {
  return count / total;
}
