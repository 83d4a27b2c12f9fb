import type { ByteRecord } from './byte-record.js';
import { countNewlines, textStart } from './line-columns.js';
import type { ScannedFields } from './scanned-fields.js';
import { trimEnd } from './utf8-whitespace.js';

/** Where a JSON array element that is not JSON breaks its array, and the last complete record before it. */
export interface ArrayBreak {
  /** The value the element starts with, when it is complete JSON (two elements without a comma between). */
  readonly complete: ByteRecord | undefined;
  /** The file error: why, and the line where reading stopped. */
  readonly error: string;
}

/**
 * The break at `element`, which `fields` just failed to scan. Read incrementally, as a JSON array is, a
 * complete value followed by anything but a comma or "]" still counts; reading stops where it ends. `fields`
 * is left holding the complete value's scan when there is one.
 */
export function arrayBreak(element: ByteRecord, fields: ScannedFields): ArrayBreak {
  const index = element.index ?? 0;
  const failedAt = fields.result.failedAt;
  // A file error is logged by the ingest: it says where and what, never the event's text.
  const reason = fields.result.failureReason({ quoting: false, at: textStart(element) });
  const end = trimEnd(element.bytes, element.start, failedAt);
  if (failedAt > element.start && end > element.start && fields.scan(element.bytes, element.start, end)) {
    const line = element.line + countNewlines(element.bytes, element.start, failedAt);
    return {
      complete: { ...element, end },
      error: `JSON array element ${index} is followed by text that is not a comma or "]"; reading stopped at line ${line}`,
    };
  }
  return {
    complete: undefined,
    error: `JSON array element ${index} is ${reason}; reading stopped at line ${element.line}`,
  };
}
