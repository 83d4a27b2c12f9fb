import { REJECTED_PREFIX } from '../contract/index.js';

/**
 * s3rver stores an object as files named after its key's segments, the last one with `._S3rver_<resource>`
 * appended (`metadata.json` the longest), and most file systems refuse a name over 255 bytes. S3 takes any
 * segment within its 1,024-byte key; past these limits s3rver answers a write with a bare 500, or crashes
 * (an unhandled stream error) and fails every later request, so such writes are refused up front.
 */
const MAX_FILE_NAME_BYTES = 255;
const S3RVER_LONGEST_SUFFIX = '._S3rver_metadata.json';
export const MAX_REPORT_SEGMENT_BYTES = MAX_FILE_NAME_BYTES - S3RVER_LONGEST_SUFFIX.length;
/**
 * An upload's report is named after it plus at most `.<ETag>.ndjson` (functions/ingest/report-key.ts): a
 * multipart ETag is 32 hex digits, a dash and up to 5 digits. An upload that fits leaves its report room.
 */
const REPORT_NAME_ROOM = '.'.length + 32 + '-'.length + 5 + '.ndjson'.length;
export const MAX_UPLOAD_SEGMENT_BYTES = MAX_REPORT_SEGMENT_BYTES - REPORT_NAME_ROOM;

/** Why the local store cannot hold the object a write request names (path style), or undefined. */
export function unstorableKey(method: string | undefined, url: string | undefined): string | undefined {
  if (method !== 'PUT' && method !== 'POST') return undefined;
  const path = (url ?? '/').split('?')[0] ?? '/';
  let key: string;
  try {
    // Path style: /<bucket>/<key>.
    key = decodeURIComponent(path).split('/').slice(2).join('/');
  } catch {
    return undefined;
  }
  if (key === '') return undefined;
  const segments = key.split('/');
  const last = segments.length - 1;
  const lastLimit = key.startsWith(REJECTED_PREFIX) ? MAX_REPORT_SEGMENT_BYTES : MAX_UPLOAD_SEGMENT_BYTES;
  for (const [index, segment] of segments.entries()) {
    const bytes = Buffer.byteLength(segment);
    const limit = index === last ? lastLimit : MAX_FILE_NAME_BYTES;
    if (bytes > limit) {
      const which = index === last ? 'last segment' : 'folder names';
      const why = index === last && limit === MAX_UPLOAD_SEGMENT_BYTES ? ', leaving room for its report' : '';
      return (
        `the local S3 store (s3rver) keeps each segment of a key as a file name: a key's ${which} may take at ` +
        `most ${limit} bytes locally${why} (this one takes ${bytes}); S3 itself allows any segment within its ` +
        '1,024-byte key. Use a shorter name.'
      );
    }
  }
  return undefined;
}
