/**
 * How a record that is no event is rejected, worded alike by the first reading and a reading again
 * (read-member.ts's rejectionOf).
 */
import { quoteSent } from '../rules/json-text.js';
import { type ByteRecord, MAX_RECORD_BYTES } from './byte-record.js';
import { textStart } from './line-columns.js';
import { LONE_CR_LINES, recordsPartedByCr } from './lone-carriage-returns.js';
import type { RecordRejection } from './reread-rejections.js';
import type { ScannedFields } from './scanned-fields.js';

function describeRoot(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return quoteSent(value);
}

/** What a rejection of a line adds when its objects are parted by carriage returns alone. */
const crHint = ({ bytes, start, end }: ByteRecord) =>
  recordsPartedByCr(bytes, start, end) ? `; the line ${LONE_CR_LINES}` : '';

export function notJson(record: ByteRecord, fields: ScannedFields): RecordRejection {
  return {
    reason: `${fields.result.failureReason({ at: textStart(record) })}${crHint(record)}`,
    raw: fields.text(),
  };
}

/** A record past {@link MAX_RECORD_BYTES}, which was not kept: rejected, quoted by its first bytes. */
export function tooLong(record: ByteRecord, length: number): RecordRejection {
  const { bytes, start, end } = record;
  return {
    reason: `record too long (${length} bytes; at most ${MAX_RECORD_BYTES})${crHint(record)}`,
    raw: `${bytes.toString('utf8', start, end)}…`,
  };
}

export function notAnObject(fields: ScannedFields): RecordRejection {
  return { reason: `not a JSON object (got ${describeRoot(JSON.parse(fields.text()))})`, raw: fields.text() };
}

/** Whether a rejection says its line holds objects parted by carriage returns alone. */
export const partedByCr = ({ reason }: RecordRejection) => reason.endsWith(LONE_CR_LINES);
