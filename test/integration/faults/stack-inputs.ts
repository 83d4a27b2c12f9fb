// How the fault suite puts work into the stack: uploads through its S3 endpoint (each one notifies the
// ingest queue) and replays through its admin route (`npm run replay`'s route), which enqueue objects
// again as duplicate notifications would.
import { readFileSync } from 'node:fs';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ADMIN_PATH_PREFIX } from '../../../local/admin-guard.js';
import { REPLAY_ROUTE } from '../../../local/admin-routes.js';
import { createLocalS3Client, LOCAL_BUCKET } from '../../../local/s3-client.js';

export const INGEST_PREFIX = 'incoming/';

export interface UploadedObject {
  key: string;
  /** Without quotes, as the ledger keeps it. */
  eTag: string;
}

export class StackInputs {
  private readonly s3: S3Client;

  constructor(
    s3Endpoint: string,
    private readonly apiUrl: string,
  ) {
    this.s3 = createLocalS3Client(s3Endpoint, { maxAttempts: 1 });
  }

  async upload(key: string, path: string): Promise<UploadedObject> {
    const output = await this.s3.send(
      new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: readFileSync(path) }),
    );
    return { key, eTag: (output.ETag ?? '').replace(/"/g, '') };
  }

  /** Enqueues every source object under `prefix` again (all of them without one); returns their keys. */
  async replay(prefix?: string): Promise<string[]> {
    const response = await fetch(`${this.apiUrl}${ADMIN_PATH_PREFIX}${REPLAY_ROUTE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(prefix === undefined ? {} : { prefix }),
    });
    const body = (await response.json()) as { objects?: { key: string }[]; error?: { message?: string } };
    if (!response.ok) throw new Error(`replay of ${prefix ?? 'everything'} failed: ${body.error?.message}`);
    return (body.objects ?? []).map((object) => object.key);
  }

  close(): void {
    this.s3.destroy();
  }
}
