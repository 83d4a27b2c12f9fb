// s3rver keeps the parts of a multipart upload under the bucket's ._S3rver_uploads/ until it is completed,
// and implements no AbortMultipartUpload: an upload abandoned (a Ctrl-C of npm run upload, a stop of the
// drop folder) left its parts in the data dir for good. No upload survives a restart of the server, so the
// local S3 clears them when it starts.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { createLocalS3Client } from '../../local/s3-client.js';
import { startS3Local } from '../../local/s3-local.js';

const BUCKET = 'sessionizer-local-test';
const dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-s3-leftovers-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const uploadsDir = join(dataDir, BUCKET, '._S3rver_uploads');

it('clears the parts of multipart uploads left unfinished by an earlier run when it starts', async () => {
  const first = await startS3Local({ bucket: BUCKET, dataDir });
  const client = createLocalS3Client(first.endpoint);
  try {
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'incoming/big.ndjson' }),
    );
    await client.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: 'incoming/big.ndjson',
        UploadId,
        PartNumber: 1,
        Body: 'x'.repeat(1024),
      }),
    );
  } finally {
    client.destroy();
    await first.stop();
  }
  expect(readdirSync(uploadsDir)).toHaveLength(1);

  const second = await startS3Local({ bucket: BUCKET, dataDir });
  try {
    expect(existsSync(uploadsDir) ? readdirSync(uploadsDir) : []).toEqual([]);
  } finally {
    await second.stop();
  }
}, 60_000);
