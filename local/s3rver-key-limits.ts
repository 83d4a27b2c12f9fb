import { REJECTED_PREFIX } from '../contract/index.js';

// Keys the local S3 endpoint refuses before s3rver sees them: s3rver keeps objects as files at their keys' paths.

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

/** An S3-style error the local endpoint answers in s3rver's stead. */
export interface RefusedKey {
  readonly code: 'InvalidArgument' | 'KeyTooLongError';
  readonly message: string;
}

/**
 * A `.` or `..` segment of a request's path (percent-encoded or not). S3 takes `incoming/../x` as a key like
 * any other, but s3rver keeps an object as a file at its key's path: such a key would be written, or read,
 * outside the bucket's folder, anywhere on the disk.
 */
function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Not percent-encoding s3rver can decode either; it answers for itself.
      return false;
    }
    return decoded.split(/[/\\]/).some((part) => part === '.' || part === '..');
  });
}

/** Why the local store cannot serve the key a request names (path style), or undefined. */
export function refusedKey(method: string | undefined, url: string | undefined): RefusedKey | undefined {
  const path = (url ?? '/').split('?')[0] ?? '/';
  if (hasDotSegment(path)) {
    return {
      code: 'InvalidArgument',
      message:
        'the local S3 server cannot store a key with a "." or ".." path segment (it would be written outside the bucket); choose another key',
    };
  }
  if (method !== 'PUT' && method !== 'POST') return undefined;
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
      return {
        code: 'KeyTooLongError',
        message:
          `the local S3 store (s3rver) keeps each segment of a key as a file name: a key's ${which} may take at ` +
          `most ${limit} bytes locally${why} (this one takes ${bytes}); S3 itself allows any segment within its ` +
          '1,024-byte key. Use a shorter name.',
      };
    }
  }
  return undefined;
}
