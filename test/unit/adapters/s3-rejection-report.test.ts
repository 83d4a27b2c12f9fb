import { setTimeout as delay } from 'node:timers/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3RejectionReport } from '../../../functions/adapters/s3/rejection-report.js';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });
const accessDenied = () =>
  new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'Access Denied' });
/** lib-storage's parts in flight at once (its default queue size), each 5 MiB. */
const PARTS_IN_FLIGHT = 4;

beforeEach(() => s3Mock.reset());

describe('S3RejectionReport', () => {
  // With every part in flight, lib-storage reads the body no further; when they all fail it gives the body
  // up (destroyed, without an error), so 'drain' never comes: only the upload's own failure can end the wait.
  it("fails ready() with the upload's error when the parts in flight fail while reading waits on it", async () => {
    const failParts: (() => void)[] = [];
    s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
    s3Mock
      .on(UploadPartCommand)
      .callsFake(() => new Promise((_, reject) => failParts.push(() => reject(accessDenied()))));
    // A request over the network, as every real one is: answered after the stream's own events.
    s3Mock.on(AbortMultipartUploadCommand).callsFake(async () => {
      await delay(10);
      return {};
    });
    const report = new S3RejectionReport({ s3, bucket: 'exports', key: 'rejected/a.ndjson' });
    const line = { file: 'a.ndjson', position: 1, reason: 'bad', raw: 'x'.repeat(64 * 1024) };

    // The ingest's loop: a line, then a wait while the report is full.
    let written = 0;
    const reading = (async () => {
      for (; written < 1000; written++) {
        report.write({ ...line, position: written + 1 });
        await report.ready();
      }
    })();
    reading.catch(() => undefined);
    // Until every part is in flight and reading has stopped, waiting on the report.
    let before = -1;
    while (failParts.length < PARTS_IN_FLIGHT || written !== before) {
      before = written;
      await delay(20);
    }
    expect(written).toBeLessThan(1000);
    for (const fail of failParts) fail();

    const outcome = await Promise.race([
      reading.then(
        () => 'read to the end',
        (error: unknown) => error,
      ),
      delay(5000).then(() => 'still waiting on the report'),
    ]);
    expect(outcome).toMatchObject({ name: 'AccessDenied' });
    await report.abort();
    expect(s3Mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });
});
