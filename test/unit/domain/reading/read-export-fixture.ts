import type { InputFormat } from '../../../../contract/index.js';
import type { EventRecord } from '../../../../functions/domain/events/event.js';
import {
  type FileSummary,
  type RecordPosition,
  type Rejection,
  readExport,
} from '../../../../functions/domain/reading/read-export.js';

export const AT = '2024-01-01T09:00:00Z';
export const event = (messageId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'track', userId: 'u-1', timestamp: AT, messageId, ...extra });

/** The bytes in chunks of `size`, as a stream would deliver them. */
export async function* chunks(bytes: Uint8Array, size = bytes.length || 1): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

export interface Read {
  events: { event: EventRecord; position: RecordPosition }[];
  rejections: Rejection[];
  summaries: FileSummary[];
}

/** Everything `readExport` hands on for one file: its events, rejections and summaries. */
export async function read(
  name: string,
  content: string | Uint8Array,
  options: {
    format?: InputFormat;
    chunkSize?: number;
    /** The bytes the export gives when read again (`readExport`'s `reopen`); none by default. */
    reopen?: () => Uint8Array;
  } = {},
): Promise<Read> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const result: Read = { events: [], rejections: [], summaries: [] };
  const { reopen } = options;
  result.summaries = await readExport(
    name,
    chunks(bytes, options.chunkSize),
    {
      format: options.format ?? 'auto',
      browserOf: () => null,
      ...(reopen !== undefined && { reopen: () => chunks(reopen(), options.chunkSize) }),
    },
    {
      event: (accepted, position) => result.events.push({ event: accepted, position }),
      rejected: (rejection) => result.rejections.push(rejection),
    },
  );
  return result;
}

export const ids = (result: Read) => result.events.map(({ event: accepted }) => accepted.id);
