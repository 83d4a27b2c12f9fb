import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** A GetObject body as the SDK hands it out in Node: a Readable of byte chunks (small ones, to cross boundaries). */
export function objectBody(bytes: Uint8Array, chunkSize = 1024): GetObjectCommandOutput['Body'] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += chunkSize)
    chunks.push(bytes.subarray(start, start + chunkSize));
  return Readable.from(chunks) as unknown as GetObjectCommandOutput['Body'];
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const eTagOf = (bytes: Uint8Array) => `"${createHash('md5').update(bytes).digest('hex')}"`;

/**
 * Backs the mocked S3Client with an in-memory bucket: GetObject reads it (NoSuchKey when absent), PutObject
 * and lib-storage's multipart commands write it, so tests assert on what ends up stored.
 */
export class MockBucket {
  readonly objects = new Map<string, Buffer>();
  readonly multipartUploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  private uploadIds = 0;

  // Fakes are async: lib-storage chains .then() on some sends, as on the real client's promises.
  constructor(s3Mock: AwsClientStub<S3Client>) {
    s3Mock.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
      const bytes = this.objects.get(input.Key);
      if (bytes === undefined) {
        throw new NoSuchKey({
          message: 'The specified key does not exist.',
          $metadata: { httpStatusCode: 404 },
        });
      }
      return { Body: objectBody(bytes), ETag: eTagOf(bytes), ContentLength: bytes.length };
    });
    s3Mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: unknown }) => {
      const bytes = await bodyBytes(input.Body);
      this.objects.set(input.Key, bytes);
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
    s3Mock.on(CompleteMultipartUploadCommand).callsFake(async (input: { UploadId: string; Key: string }) => {
      const upload = this.multipartUploads.get(input.UploadId);
      if (upload === undefined) throw new Error(`no such upload ${input.UploadId}`);
      const parts = [...upload.parts.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => bytes);
      this.objects.set(upload.key, Buffer.concat(parts));
      this.multipartUploads.delete(input.UploadId);
      return { Key: upload.key };
    });
    s3Mock.on(AbortMultipartUploadCommand).callsFake(async (input: { UploadId: string }) => {
      this.multipartUploads.delete(input.UploadId);
      return {};
    });
  }

  put(key: string, bytes: Uint8Array | string): void {
    this.objects.set(key, Buffer.from(bytes));
  }

  text(key: string): string | undefined {
    return this.objects.get(key)?.toString('utf8');
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
