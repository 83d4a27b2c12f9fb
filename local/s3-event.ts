// Turns s3rver's event notifications into the shape real S3 delivers to Lambda.
//
// Differences in s3rver 3.7.1 (lib/models/event.js) that matter to consumers:
// - s3.object.key is the raw key; S3 URL-encodes it ("red flower.jpg" arrives as "red+flower.jpg"), so
//   handlers written for S3 decode it, and would mangle a raw "a+b" into "a b".
// - a completed multipart upload is reported as ObjectCreated:Post; S3 says
//   ObjectCreated:CompleteMultipartUpload.
// - bucket.arn is "arn:aws:s3: : :<bucket>" (with spaces) instead of "arn:aws:s3:::<bucket>".
// - sequencer is Date.now() in hex, so two writes in the same millisecond tie; S3 sequencers increase.
// - sourceIPAddress is Node's socket address (e.g. "::ffff:127.0.0.1").
import type { S3Event, S3EventRecord } from 'aws-lambda';

/** The S3 operation that caused an event, as far as the local server can tell. */
export type S3Operation =
  | 'PutObject'
  | 'CopyObject'
  | 'PostObject'
  | 'CompleteMultipartUpload'
  | 'DeleteObject';

/** What s3rver emits on its 'event' channel (fields we rely on; the rest is passed through). */
export interface RawS3rverEvent {
  Records: RawS3rverRecord[];
}

export interface RawS3rverRecord {
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  eventTime?: string;
  eventName: string;
  userIdentity?: { principalId: string };
  requestParameters?: { sourceIPAddress?: string };
  responseElements?: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion?: string;
    configurationId?: string;
    bucket: { name: string; ownerIdentity?: { principalId: string }; arn?: string };
    object: { key: string; size?: number; eTag?: string; sequencer?: string; versionId?: string };
  };
}

// Characters that stay literal in S3 event keys. S3 documents the key as URL-encoded with spaces as "+",
// i.e. application/x-www-form-urlencoded (alphanumerics and * - . _ unescaped), except that "/" is
// kept so prefixes read naturally ("incoming/a+b%2Bc.ndjson").
const FORM_EXTRA_ESCAPES = /[!'()~]/g;

/**
 * Encodes an object key the way S3 writes it into event notifications:
 * "incoming/a b+c.ndjson" becomes "incoming/a+b%2Bc.ndjson", non-ASCII becomes UTF-8 percent escapes.
 */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(FORM_EXTRA_ESCAPES, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');
}

let lastSequencer = 0n;

/**
 * Strictly increasing across the process, in S3's format (upper-case hex, fixed width so lexicographic
 * comparison after right-padding, as AWS recommends, agrees with numeric order).
 */
function nextSequencer(): string {
  const now = BigInt(Date.now()) << 16n;
  lastSequencer = now > lastSequencer ? now : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

function realEventName(raw: string, operation: S3Operation | undefined): string {
  if (operation === 'CompleteMultipartUpload' && raw.startsWith('ObjectCreated:')) {
    return 'ObjectCreated:CompleteMultipartUpload';
  }
  return raw;
}

function toRealRecord(record: RawS3rverRecord, operation: S3Operation | undefined): S3EventRecord {
  const bucketName = record.s3.bucket.name;
  const object = record.s3.object;
  return {
    eventVersion: '2.1',
    eventSource: record.eventSource ?? 'aws:s3',
    awsRegion: record.awsRegion ?? 'us-east-1',
    eventTime: record.eventTime ?? new Date().toISOString(),
    eventName: realEventName(record.eventName, operation),
    userIdentity: record.userIdentity ?? { principalId: 'AWS:S3RVER' },
    requestParameters: {
      sourceIPAddress: (record.requestParameters?.sourceIPAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    },
    responseElements: record.responseElements ?? { 'x-amz-request-id': 'LOCAL', 'x-amz-id-2': 'LOCAL' },
    s3: {
      s3SchemaVersion: record.s3.s3SchemaVersion ?? '1.0',
      configurationId: record.s3.configurationId ?? 'local',
      bucket: {
        name: bucketName,
        ownerIdentity: record.s3.bucket.ownerIdentity ?? { principalId: 'S3RVER' },
        arn: `arn:aws:s3:::${bucketName}`,
      },
      object: {
        key: encodeS3EventKey(object.key),
        // s3rver omits size/eTag on deletes (as S3 does) and eTag on copies; the Lambda type wants both.
        size: object.size ?? 0,
        eTag: object.eTag ?? '',
        ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
        sequencer: nextSequencer(),
      },
    },
  };
}

/**
 * Converts an event as emitted by `s3rver.on('event', ...)` into a real-S3-shaped S3Event, most
 * importantly with the object key URL-encoded as S3 does. Pass `operation` when known so a completed
 * multipart upload is reported as ObjectCreated:CompleteMultipartUpload.
 */
export function toRealS3Event(raw: RawS3rverEvent, options: { operation?: S3Operation } = {}): S3Event {
  return { Records: raw.Records.map((record) => toRealRecord(record, options.operation)) };
}
