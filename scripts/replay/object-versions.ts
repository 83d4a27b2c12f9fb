// What a deployed stage's replay lists: every version under a prefix, not only the current objects. A
// stage's bucket keeps versions, and rule 6 asks for every upload's events: an export uploaded twice under
// one key while notifications were down has two versions, and a listing of current objects finds only the
// second.
import {
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SourceObject } from '../../local/source-objects.js';

/** A version as listed; `versionId` absent for the null version (an unversioned or suspended bucket's). */
export interface ListedVersion extends SourceObject {
  /** The null version that a later one hides: a message naming "null" reads the key's current content. */
  readonly hiddenNullVersion: boolean;
}

const unquote = (eTag: string) => eTag.replace(/"/g, '');

/** S3 answers AccessDenied when the caller may list the bucket (s3:ListBucket) but not its versions. */
function withPermissionHint(error: unknown, bucket: string): unknown {
  if (!(error instanceof Error) || error.name !== 'AccessDenied') return error;
  return new Error(
    `S3 refused to list the versions in ${bucket} (${error.message}): a replay needs s3:ListBucketVersions on the bucket`,
    { cause: error },
  );
}

/**
 * Every version under `prefix`, page by page (ListObjectVersions, KeyMarker and VersionIdMarker), by key and
 * newest first within a key. Delete markers are left out: they hold no bytes. Versions a delete marker hides
 * are kept: they were uploaded, and a notification naming them reads them still.
 */
export async function* listObjectVersions(
  s3: Pick<S3Client, 'send'>,
  bucket: string,
  prefix: string,
): AsyncGenerator<ListedVersion> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    let page: ListObjectVersionsCommandOutput;
    try {
      page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          Prefix: prefix,
          ...(keyMarker !== undefined && { KeyMarker: keyMarker }),
          ...(versionIdMarker !== undefined && { VersionIdMarker: versionIdMarker }),
        }),
      );
    } catch (error) {
      throw withPermissionHint(error, bucket);
    }
    for (const version of page.Versions ?? []) {
      if (version.Key === undefined) continue;
      const nullVersion = version.VersionId === undefined || version.VersionId === 'null';
      const latest = version.IsLatest === true;
      yield {
        key: version.Key,
        eTag: unquote(version.ETag ?? ''),
        size: version.Size ?? 0,
        ...(version.LastModified !== undefined && { lastModified: version.LastModified }),
        ...(!nullVersion && { versionId: version.VersionId }),
        ...(!latest && { noncurrent: true }),
        hiddenNullVersion: nullVersion && !latest,
      };
    }
    if (page.IsTruncated !== true) return;
    if (page.NextKeyMarker === undefined)
      throw new Error(`S3 cut the version listing of ${bucket} short without saying where it goes on`);
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}
