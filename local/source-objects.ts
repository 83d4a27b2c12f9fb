// Objects under the source prefixes and the queue messages that name them: S3's notification bodies,
// and the same shape for objects enqueued by us (found un-ingested on start, or replayed, locally or on
// AWS by `npm run replay -- --stage`).
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { decodeS3EventKey, REJECTED_PREFIX, type SourceDefinition } from '../contract/index.js';
import { toRealS3Event } from './s3-event.js';

export interface SourceObject {
  key: string;
  /** Without quotes. */
  eTag: string;
  size: number;
  lastModified?: Date;
  /**
   * The version, listed in a bucket that keeps versions; its message names it, so the ingest reads these
   * bytes whatever was uploaded under the key since. Absent for a null version and the local S3's objects.
   */
  versionId?: string;
  /** A version a later one (or a delete marker) hides: listed only with the bucket's versions. */
  noncurrent?: boolean;
}

/** Who sent a message S3 did not; in the record's userIdentity, as S3 names the uploader. */
export type ReplaySender = 'sessionizer-local-recovery' | 'sessionizer-local-replay' | 'sessionizer-replay';

const unquote = (eTag: string) => eTag.replace(/"/g, '');

/** The source whose prefix holds `key`; undefined for keys no source watches, reports included. */
export function sourceOf(key: string, sources: readonly SourceDefinition[]): SourceDefinition | undefined {
  if (key.startsWith(REJECTED_PREFIX)) return undefined;
  return sources.find((source) => key.startsWith(source.prefix));
}

/** A message body as S3 writes it to the queue: the notification event, one record. */
export function notificationBody(record: S3EventRecord): string {
  return JSON.stringify({ Records: [record] });
}

/** A notification for an existing object or version, as S3 sends on its upload (key URL-encoded). */
export function objectCreatedRecord(
  bucket: string,
  object: SourceObject,
  sender: ReplaySender,
  region?: string,
): S3EventRecord {
  const [record] = toRealS3Event({
    Records: [
      {
        ...(region !== undefined && { awsRegion: region }),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: sender },
        s3: {
          bucket: { name: bucket },
          object: {
            key: object.key,
            size: object.size,
            eTag: object.eTag,
            ...(object.versionId !== undefined && { versionId: object.versionId }),
          },
        },
      },
    ],
  }).Records;
  return record as S3EventRecord;
}

/**
 * The objects a message body names (decoded keys); empty for anything that is not an S3 notification,
 * such as the `s3:TestEvent` S3 sends when a notification is configured.
 */
export function objectsInBody(body: string): { key: string; eTag: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const records = (parsed as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return [];
  const objects: { key: string; eTag: string }[] = [];
  for (const record of records) {
    const object = (record as { s3?: { object?: { key?: unknown; eTag?: unknown } } } | null)?.s3?.object;
    if (typeof object?.key !== 'string') continue;
    try {
      objects.push({
        key: decodeS3EventKey(object.key),
        eTag: typeof object.eTag === 'string' ? object.eTag : '',
      });
    } catch {
      // Not URL-encoded: the handler reports it; there is no object to name here.
    }
  }
  return objects;
}

/** Every object under `prefix`, page by page. */
export async function* listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string,
): AsyncGenerator<SourceObject> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      yield {
        key: object.Key,
        eTag: unquote(object.ETag ?? ''),
        size: object.Size ?? 0,
        ...(object.LastModified !== undefined && { lastModified: object.LastModified }),
      };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** What the bucket holds, in short: its top-level folders that hold objects, and how many objects in all. */
export interface BucketOutline {
  folders: string[];
  objects: number;
}

/**
 * The bucket's outline. Read from the whole listing, not with Delimiter '/': s3rver then leaves out a folder
 * whose objects all lie in subfolders (segment-logs/<source>/<day>/...).
 */
export async function bucketOutline(s3: S3Client, bucket: string): Promise<BucketOutline> {
  const folders = new Set<string>();
  let objects = 0;
  for await (const { key } of listObjects(s3, bucket, '')) {
    objects++;
    const slash = key.indexOf('/');
    if (slash !== -1) folders.add(key.slice(0, slash + 1));
  }
  return { folders: [...folders], objects };
}
