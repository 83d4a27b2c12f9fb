import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { RejectionReport, ReportLine } from '../../ingest/rejection-report.js';

/**
 * Streams a rejection report to S3 as NDJSON while the file is read: a small report is one PutObject and a
 * large one a multipart upload (lib-storage decides by size), and memory stays at a few parts however many
 * events are rejected. The content depends only on the source bytes, so a redelivery overwrites the report
 * with the same object. A reading with nothing to report writes nothing and deletes the report an earlier
 * upload under the same key left (a DeleteObject, which S3 does not bill): the report always describes the
 * object as last read, never rejections of bytes it no longer holds.
 */
export class S3RejectionReport implements RejectionReport {
  private stream: PassThrough | undefined;
  private uploaded: Promise<unknown> | undefined;
  lines = 0;

  constructor(private readonly target: { s3: S3Client; bucket: string; key: string }) {}

  get key(): string {
    return this.target.key;
  }

  write(line: ReportLine): void {
    this.lines++;
    this.start().write(`${JSON.stringify(line)}\n`);
  }

  async ready(): Promise<void> {
    const stream = this.stream;
    if (stream === undefined || !stream.writableNeedDrain) return;
    // A failed upload never drains the stream: surface its error instead of waiting forever. With every part
    // in flight failed, lib-storage gives the stream up, destroying it with an AbortError of its own before
    // its AbortMultipartUpload returns and the upload says why: that reason is the one to surface.
    await Promise.race([once(stream, 'drain').catch(() => this.uploaded), this.uploaded]);
  }

  async close(): Promise<void> {
    if (this.stream === undefined) {
      await this.target.s3.send(
        new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.target.key }),
      );
      return;
    }
    this.stream.end();
    await this.uploaded;
  }

  async abort(): Promise<void> {
    if (this.stream === undefined) return;
    // A failed body makes lib-storage give the upload up: no PutObject, and a multipart upload aborted before
    // done() settles. (Upload.abort() would settle done() at once and leave the AbortMultipartUpload running
    // behind a finished invocation.) Any earlier report stays in place.
    this.stream.destroy(
      new Error(`rejection report ${this.target.key} discarded: reading the export failed`),
    );
    await this.uploaded?.catch(() => undefined);
  }

  private start(): PassThrough {
    if (this.stream !== undefined) return this.stream;
    const stream = new PassThrough();
    this.stream = stream;
    const upload = new Upload({
      client: this.target.s3,
      params: {
        Bucket: this.target.bucket,
        Key: this.target.key,
        Body: stream,
        ContentType: 'application/x-ndjson; charset=utf-8',
      },
    });
    const uploaded = upload.done();
    // Observed by ready() and close(); until then a failure must not count as unhandled.
    uploaded.catch(() => undefined);
    this.uploaded = uploaded;
    return stream;
  }
}
