import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandInput,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export interface StoredObject {
  readonly bytes: Buffer;
  /** Set when the bucket keeps versions. */
  readonly versionId?: string;
  /** The GetObject body errors after this many bytes (a dropped download). */
  readonly failAfterBytes?: number;
}

/** Splits bytes into small chunks, so every reader crosses chunk boundaries as it would on a socket. */
function chunksOf(bytes: Uint8Array, chunkSize: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += chunkSize)
    chunks.push(bytes.subarray(start, start + chunkSize));
  return chunks;
}

/** A GetObject body as the SDK hands it out in Node: a Readable of byte chunks, optionally breaking. */
function objectBody(object: StoredObject, chunkSize: number): GetObjectCommandOutput['Body'] {
  const { bytes, failAfterBytes } = object;
  async function* stream(): AsyncGenerator<Uint8Array> {
    let sent = 0;
    for (const chunk of chunksOf(bytes, chunkSize)) {
      if (failAfterBytes !== undefined && sent + chunk.length > failAfterBytes) {
        yield chunk.subarray(0, failAfterBytes - sent);
        throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      }
      sent += chunk.length;
      yield chunk;
    }
  }
  return Readable.from(stream()) as unknown as GetObjectCommandOutput['Body'];
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const eTagOf = (bytes: Uint8Array) => `"${createHash('md5').update(bytes).digest('hex')}"`;

/**
 * Backs a mocked S3Client with an in-memory bucket: GetObject streams from it (NoSuchKey when absent), and
 * PutObject and lib-storage's multipart commands write to it, so tests assert on what ends up stored.
 */
export class MockBucket {
  readonly objects = new Map<string, StoredObject>();
  readonly multipartUploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  /** Every GetObject request, in order. */
  readonly gets: GetObjectCommandInput[] = [];
  /** Every version put under each key, oldest first, when the bucket keeps versions. */
  private readonly versions = new Map<string, StoredObject[]>();
  private uploadIds = 0;

  // Fakes are async: lib-storage chains .then() on some sends, as on the real client's promises.
  constructor(
    s3Mock: AwsClientStub<S3Client>,
    private readonly chunkSize = 256,
    /** Keeps every version put, as the stage buckets do: GetObject then answers and takes a VersionId. */
    private readonly versioned = false,
  ) {
    s3Mock.on(GetObjectCommand).callsFake(async (input: GetObjectCommandInput) => {
      this.gets.push(input);
      const key = input.Key ?? '';
      // An unversioned mock ignores the version asked for.
      const byVersion = this.versioned && input.VersionId !== undefined;
      const object = byVersion
        ? this.versions.get(key)?.find((version) => version.versionId === input.VersionId)
        : this.objects.get(key);
      if (object === undefined && byVersion) {
        throw new S3ServiceException({
          name: 'NoSuchVersion',
          $fault: 'client',
          $metadata: { httpStatusCode: 404 },
          message: 'The specified version does not exist.',
        });
      }
      if (object === undefined) {
        throw new NoSuchKey({
          message: 'The specified key does not exist.',
          $metadata: { httpStatusCode: 404 },
        });
      }
      return {
        Body: objectBody(object, this.chunkSize),
        ETag: eTagOf(object.bytes),
        ContentLength: object.bytes.length,
        ...(object.versionId !== undefined && { VersionId: object.versionId }),
      };
    });
    s3Mock.on(HeadObjectCommand).callsFake(async (input: { Key: string }) => {
      const object = this.objects.get(input.Key);
      if (object === undefined) {
        throw new S3ServiceException({
          name: 'NotFound',
          $fault: 'client',
          $metadata: { httpStatusCode: 404 },
          message: 'Not Found',
        });
      }
      return { ETag: eTagOf(object.bytes), ContentLength: object.bytes.length };
    });
    // One page each, as a replay lists the bucket: its current objects, or every version (newest first).
    s3Mock.on(ListObjectsV2Command).callsFake(async (input: { Prefix?: string }) => ({
      Contents: this.keys(input.Prefix).map((key) => this.listed(key, this.objects.get(key) as StoredObject)),
      IsTruncated: false,
    }));
    s3Mock.on(ListObjectVersionsCommand).callsFake(async (input: { Prefix?: string }) => ({
      Versions: this.keys(input.Prefix).flatMap((key) => {
        const current = this.objects.get(key) as StoredObject;
        const versions = this.versioned ? [...(this.versions.get(key) ?? [])].reverse() : [current];
        return versions.map((version) => ({
          ...this.listed(key, version),
          VersionId: version.versionId ?? 'null',
          IsLatest: version === current,
        }));
      }),
      IsTruncated: false,
    }));
    s3Mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: unknown }) => {
      const bytes = await bodyBytes(input.Body);
      this.objects.set(input.Key, { bytes });
      return { ETag: eTagOf(bytes) };
    });
    s3Mock.on(CreateMultipartUploadCommand).callsFake(async (input: { Key: string }) => {
      const uploadId = `upload-${++this.uploadIds}`;
      this.multipartUploads.set(uploadId, { key: input.Key, parts: new Map() });
      return { UploadId: uploadId, Key: input.Key };
    });
    s3Mock
      .on(UploadPartCommand)
      .callsFake(async (input: { UploadId: string; PartNumber: number; Body: unknown }) => {
        const bytes = await bodyBytes(input.Body);
        this.multipartUploads.get(input.UploadId)?.parts.set(input.PartNumber, bytes);
        return { ETag: eTagOf(bytes) };
      });
    s3Mock.on(CompleteMultipartUploadCommand).callsFake(async (input: { UploadId: string }) => {
      const upload = this.multipartUploads.get(input.UploadId);
      if (upload === undefined) throw new Error(`no such upload ${input.UploadId}`);
      const parts = [...upload.parts.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => bytes);
      this.objects.set(upload.key, { bytes: Buffer.concat(parts) });
      this.multipartUploads.delete(input.UploadId);
      return { Key: upload.key };
    });
    s3Mock.on(DeleteObjectCommand).callsFake(async (input: { Key: string }) => {
      this.objects.delete(input.Key);
      return {};
    });
    s3Mock.on(AbortMultipartUploadCommand).callsFake(async (input: { UploadId: string }) => {
      this.multipartUploads.delete(input.UploadId);
      return {};
    });
  }

  /** Puts an object; in a versioned bucket, returns the id of the version it adds. */
  put(
    key: string,
    bytes: Uint8Array | string,
    options: { failAfterBytes?: number } = {},
  ): string | undefined {
    const versions = this.versions.get(key) ?? [];
    const versionId = this.versioned ? `${key}#${versions.length + 1}` : undefined;
    const object = { bytes: Buffer.from(bytes), ...options, ...(versionId !== undefined && { versionId }) };
    this.objects.set(key, object);
    if (versionId !== undefined) this.versions.set(key, [...versions, object]);
    return versionId;
  }

  /** Removes a noncurrent version for good, as the lifecycle rule expires it. */
  expireVersion(key: string, versionId: string): void {
    this.versions.set(
      key,
      this.versions.get(key)?.filter((version) => version.versionId !== versionId) ?? [],
    );
  }

  private listed(key: string, object: StoredObject) {
    return { Key: key, ETag: eTagOf(object.bytes), Size: object.bytes.length };
  }

  text(key: string): string | undefined {
    return this.objects.get(key)?.bytes.toString('utf8');
  }

  /** An NDJSON object parsed line by line. */
  lines(key: string): unknown[] | undefined {
    return this.text(key)
      ?.split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}
