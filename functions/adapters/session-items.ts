import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EVENT_TYPES, type EventRecord, type EventType } from '../domain/event.js';
import type { StoredBucket } from '../domain/merge-plan.js';
import { eventLabel, type Session, sessionIdFor } from '../domain/sessionize.js';

/**
 * The single-table layout (partition key `pk`, sort key `sk`):
 *
 * | item   | pk            | sk                         | holds                                              |
 * |--------|---------------|----------------------------|----------------------------------------------------|
 * | head   | `USER#<user>` | `HEAD`                     | `v`: the user's commit version                     |
 * | day    | `USER#<user>` | `DAY#<YYYY-MM-DD>`         | sessions starting that UTC day + all their events  |
 * | part   | `USER#<user>` | `PART#<day>#<hash>#<n>`    | slice n of a day's events when they exceed 350 KB  |
 *
 * Day attributes: `v` version, `uid` user id, `n` sessions, `e` events, `f`/`l` first/last event ms,
 * `s` session summaries (JSON rows `[start, end, count, firstLabel, lastLabel]`), and the events either
 * inline in `d` (deflated, columnar) or in `pc` parts named by content hash `ph`.
 */
export const HEAD_SORT_KEY = 'HEAD';
export const DAY_PREFIX = 'DAY#';
const PART_PREFIX = 'PART#';

/** Items must stay under DynamoDB's 400 KB; leave room for keys and summaries. */
export const DEFAULT_INLINE_LIMIT_BYTES = 300_000;

const MAX_READABLE_KEY_BYTES = 1024;

/** Partition key of a user. Ids too long for a key (2 KB limit) are hashed; `uid` keeps the original. */
export function userPartitionKey(userId: string): string {
  if (Buffer.byteLength(userId, 'utf8') <= MAX_READABLE_KEY_BYTES) return `USER#${userId}`;
  return `USER#~sha256:${createHash('sha256').update(userId).digest('hex')}`;
}

export function daySortKey(day: string): string {
  return `${DAY_PREFIX}${day}`;
}

function partSortKey(day: string, hash: string, index: number): string {
  return `${PART_PREFIX}${day}#${hash}#${index}`;
}

const TYPE_CODES: Record<EventType, string> = {
  identify: 'i',
  track: 't',
  page: 'p',
  screen: 's',
  group: 'g',
  alias: 'a',
};
const TYPES_BY_CODE = new Map(EVENT_TYPES.map((type) => [TYPE_CODES[type], type]));

/** Columnar JSON compresses far better than an array of objects: ~25 bytes an event. */
interface ColumnarEvents {
  /** First timestamp, then deltas. */
  t: number[];
  i: string[];
  /** '1' where the id is a real messageId. */
  m: string;
  y: string;
  n: (string | null)[];
}

export function encodeEvents(events: readonly EventRecord[]): Uint8Array {
  const columns: ColumnarEvents = { t: [], i: [], m: '', y: '', n: [] };
  let previous = 0;
  for (const event of events) {
    columns.t.push(event.timestamp - previous);
    previous = event.timestamp;
    columns.i.push(event.id);
    columns.m += event.hasMessageId ? '1' : '0';
    columns.y += TYPE_CODES[event.type];
    columns.n.push(event.name);
  }
  return deflateRawSync(JSON.stringify(columns));
}

export function decodeEvents(blob: Uint8Array, userId: string): EventRecord[] {
  const columns = JSON.parse(inflateRawSync(blob).toString('utf8')) as ColumnarEvents;
  const events: EventRecord[] = [];
  let timestamp = 0;
  for (let k = 0; k < columns.i.length; k++) {
    timestamp += columns.t[k] ?? 0;
    const type = TYPES_BY_CODE.get(columns.y[k] ?? '');
    if (type === undefined) throw new Error(`corrupt day item for ${userId}: unknown type code`);
    events.push({
      id: columns.i[k] as string,
      userId,
      timestamp,
      type,
      name: columns.n[k] ?? null,
      hasMessageId: columns.m[k] === '1',
    });
  }
  return events;
}

/** `[startedAt, endedAt, eventCount, firstEvent, lastEvent]` */
export type SessionRow = [number, number, number, string, string];

export function sessionRow(session: Session): SessionRow {
  const first = session.events[0] as EventRecord;
  const last = session.events[session.events.length - 1] as EventRecord;
  return [session.startedAt, session.endedAt, session.eventCount, eventLabel(first), eventLabel(last)];
}

export interface EncodedDay {
  readonly item: Record<string, AttributeValue>;
  /** Written before the day item, which names them; empty when the events fit inline. */
  readonly parts: readonly Record<string, AttributeValue>[];
}

export function encodeDay(
  userId: string,
  day: string,
  version: number,
  sessions: readonly Session[],
  inlineLimit = DEFAULT_INLINE_LIMIT_BYTES,
): EncodedDay {
  const pk = userPartitionKey(userId);
  const events = sessions.flatMap((session) => session.events);
  const blob = encodeEvents(events);
  const rows = JSON.stringify(sessions.map(sessionRow));
  const item: Record<string, AttributeValue> = {
    pk: { S: pk },
    sk: { S: daySortKey(day) },
    v: { N: String(version) },
    uid: { S: userId },
    n: { N: String(sessions.length) },
    e: { N: String(events.length) },
    f: { N: String((events[0] as EventRecord).timestamp) },
    l: { N: String((events[events.length - 1] as EventRecord).timestamp) },
    s: { S: rows },
  };
  if (blob.length + rows.length <= inlineLimit) {
    item.d = { B: blob };
    return { item, parts: [] };
  }
  const hash = createHash('sha256').update(blob).digest('hex').slice(0, 16);
  const parts: Record<string, AttributeValue>[] = [];
  for (let offset = 0; offset < blob.length; offset += inlineLimit) {
    parts.push({
      pk: { S: pk },
      sk: { S: partSortKey(day, hash, parts.length) },
      d: { B: blob.subarray(offset, offset + inlineLimit) },
    });
  }
  item.pc = { N: String(parts.length) };
  item.ph = { S: hash };
  return { item, parts };
}

function numberAttribute(item: Record<string, AttributeValue>, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new Error(`corrupt item ${item.sk?.S}: missing ${name}`);
  return Number(value);
}

export function dayFromSortKey(sortKey: string): string {
  return sortKey.slice(DAY_PREFIX.length);
}

export interface DaySummary {
  readonly day: string;
  readonly version: number;
  readonly userId: string;
  readonly sessionCount: number;
  readonly eventCount: number;
  readonly firstEventAt: number;
  readonly lastEventAt: number;
  readonly rows: readonly SessionRow[];
  /** Keys of the part items holding the events, when not inline. */
  readonly partKeys: readonly string[];
}

export function decodeDaySummary(item: Record<string, AttributeValue>): DaySummary {
  const sortKey = item.sk?.S ?? '';
  const day = dayFromSortKey(sortKey);
  const partCount = item.pc?.N === undefined ? 0 : Number(item.pc.N);
  const hash = item.ph?.S ?? '';
  return {
    day,
    version: numberAttribute(item, 'v'),
    userId: item.uid?.S ?? '',
    sessionCount: numberAttribute(item, 'n'),
    eventCount: numberAttribute(item, 'e'),
    firstEventAt: numberAttribute(item, 'f'),
    lastEventAt: numberAttribute(item, 'l'),
    rows: item.s?.S === undefined ? [] : (JSON.parse(item.s.S) as SessionRow[]),
    partKeys: Array.from({ length: partCount }, (_, index) => partSortKey(day, hash, index)),
  };
}

/** Rebuilds a day's sessions from its summary and its events blob (inline or the concatenated parts). */
export function decodeDaySessions(summary: DaySummary, blob: Uint8Array): StoredBucket {
  const events = decodeEvents(blob, summary.userId);
  const sessions: Session[] = [];
  let offset = 0;
  for (const [startedAt, endedAt, eventCount] of summary.rows) {
    sessions.push({
      userId: summary.userId,
      sessionId: sessionIdFor(startedAt),
      sessionNumber: 0,
      startedAt,
      endedAt,
      eventCount,
      events: events.slice(offset, offset + eventCount),
    });
    offset += eventCount;
  }
  if (offset !== events.length)
    throw new Error(`corrupt day ${summary.day} of ${summary.userId}: event count`);
  return { day: summary.day, version: summary.version, sessions };
}
