import { createHash } from 'node:crypto';

/** S3's longest key, in bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;
const SUFFIX = '.ndjson';

/**
 * How the names of the other two forms end: an earlier content's (`<key>.<eTag>`, an S3 ETag being 32 hex
 * digits, then for a multipart upload a dash and its part count) and a shortened one's (`~` and 16 hex digits).
 * An object key may end so too; named as it is, its report would be another object's.
 */
const ENDS_LIKE_ANOTHER_FORM = /(\.[0-9a-f]{32}(-[0-9]+)?|~[0-9a-f]{16})$/;

/**
 * `prefix` + `name` + `.ndjson` when `whole` allows it and it fits S3's 1,024 bytes; else as much of `name` as
 * fits (whole characters) then `~` and 16 hex digits of the SHA-256 of `hashed`: still one key per name,
 * never refused. The report's lines give the object's whole key.
 */
function reportKey(prefix: string, name: string, hashed: string, whole: boolean): string {
  const plain = `${prefix}${name}${SUFFIX}`;
  if (whole && Buffer.byteLength(plain) <= MAX_KEY_BYTES) return plain;
  const mark = `~${createHash('sha256').update(hashed).digest('hex').slice(0, 16)}${SUFFIX}`;
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
  return reportKey(rejectedPrefix, objectKey, objectKey, !ENDS_LIKE_ANOTHER_FORM.test(objectKey));
}

/**
 * The report of a content of the object that was replaced before its ingest ended (a retried or late
 * message of an earlier upload): `rejected/incoming/a.ndjson.<eTag>.ndjson`, beside the current one's. When
 * shortened, its digest is of the key and the ETag as a JSON array, not of the name an object could have.
 */
export function replacedContentReportKey(objectKey: string, eTag: string, rejectedPrefix: string): string {
  return reportKey(rejectedPrefix, `${objectKey}.${eTag}`, JSON.stringify([objectKey, eTag]), true);
}
