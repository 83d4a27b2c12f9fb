import { createHash } from 'node:crypto';

/** S3's longest key, in bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;
const SUFFIX = '.ndjson';

/**
 * `prefix` + `name` + `.ndjson`, or, when that would pass S3's 1,024 bytes, as much of `name` as fits
 * (whole characters) then `~` and 16 hex digits of its SHA-256: still one key per name, never refused.
 * The report's lines give the object's whole key.
 */
function reportKey(prefix: string, name: string): string {
  const whole = `${prefix}${name}${SUFFIX}`;
  if (Buffer.byteLength(whole) <= MAX_KEY_BYTES) return whole;
  const mark = `~${createHash('sha256').update(name).digest('hex').slice(0, 16)}${SUFFIX}`;
  let room = MAX_KEY_BYTES - Buffer.byteLength(prefix) - mark.length;
  let kept = '';
  for (const character of name) {
    room -= Buffer.byteLength(character);
    if (room < 0) break;
    kept += character;
  }
  return `${prefix}${kept}${mark}`;
}

/** The report of `incoming/a.ndjson` is `rejected/incoming/a.ndjson.ndjson`: one per source object. */
export function rejectionReportKey(objectKey: string, rejectedPrefix: string): string {
  return reportKey(rejectedPrefix, objectKey);
}

/**
 * The report of a content of the object that was replaced before its ingest ended (a retried or late
 * message of an earlier upload): `rejected/incoming/a.ndjson.<eTag>.ndjson`, beside the current one's.
 */
export function replacedContentReportKey(objectKey: string, eTag: string, rejectedPrefix: string): string {
  return reportKey(rejectedPrefix, `${objectKey}.${eTag}`);
}
