import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** An object an S3 notification (or a replay) names. */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  /** The version the notification names, when the bucket keeps versions: a redelivery reads the same bytes. */
  readonly versionId?: string | undefined;
  readonly eTag?: string | undefined;
}

export type OpenedObject =
  | {
      readonly status: 'found';
      readonly bytes: AsyncIterable<Uint8Array>;
      readonly eTag: string | undefined;
      /** The version read, when the bucket keeps versions: reading it again gives the same bytes. */
      readonly versionId?: string | undefined;
    }
  /** Deleted before it could be read: nothing left to ingest, and a retry would not bring it back. */
  | { readonly status: 'gone' };

/** Where export objects are read from (port); S3 in Lambda and the local stack. */
export interface ObjectSource {
  open(ref: ObjectRef): Promise<OpenedObject>;
  /** The eTag of the key's current content; undefined once deleted. Sources that never change lack it. */
  currentETag?(ref: ObjectRef): Promise<string | undefined>;
}

const GONE_ERRORS = new Set(['NoSuchKey', 'NoSuchVersion']);

export class S3ObjectSource implements ObjectSource {
  constructor(private readonly s3: S3Client) {}

  async open(ref: ObjectRef): Promise<OpenedObject> {
    try {
      const object = await this.s3.send(
        new GetObjectCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          ...(ref.versionId !== undefined && { VersionId: ref.versionId }),
        }),
      );
      // In Node the body is an IncomingMessage: an async iterable of byte chunks, streamed as it arrives.
      const body = object.Body as Readable | undefined;
      return {
        status: 'found',
        bytes: body ?? emptyBytes(),
        eTag: unquoted(object.ETag),
        // An unversioned bucket answers no version, a suspended one "null": neither names these bytes.
        ...(object.VersionId !== undefined && object.VersionId !== 'null' && { versionId: object.VersionId }),
      };
    } catch (error) {
      if (error instanceof Error && GONE_ERRORS.has(error.name)) return { status: 'gone' };
      throw error;
    }
  }

  async currentETag(ref: ObjectRef): Promise<string | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return unquoted(head?.ETag);
    } catch (error) {
      // A HEAD answers a missing key with a bare 404.
      if (error instanceof Error && (error.name === 'NotFound' || GONE_ERRORS.has(error.name)))
        return undefined;
      throw error;
    }
  }
}

/** Ends a download that is not read to its end: until then it holds its socket. */
export async function releaseBytes(bytes: AsyncIterable<Uint8Array>): Promise<void> {
  // A stream's async iterator closes the stream only once it has started: a new one's return() does not.
  const stream = bytes as Partial<Pick<Readable, 'destroy'>>;
  if (typeof stream.destroy === 'function') stream.destroy();
  else await bytes[Symbol.asyncIterator]().return?.();
}

const unquoted = (eTag: string | undefined) => eTag?.replace(/^"|"$/g, '');

async function* emptyBytes(): AsyncGenerator<Uint8Array> {}
