// What the local S3 tests share: the local S3 (s3rver behind the aws-chunked front) a file starts for its
// own tests, the object-created events it delivered, and clients to upload with.
import { S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { decodeS3EventKey } from '../../contract/index.js';
import { createLocalS3Client, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/s3-client.js';
import { type S3Local, startS3Local } from '../../local/s3-local.js';
import { waitFor } from '../helpers/local-servers.js';

export const BUCKET = 'sessionizer-local-test';

/** An S3 client with only what every S3 client needs: the SDK's checksum defaults stay in effect. */
export function defaultSdkClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
  });
}

export interface EventedS3 {
  readonly s3: S3Local;
  /** The project's own client (createLocalS3Client). */
  readonly client: S3Client;
  /** A client with the SDK's default settings (defaultSdkClient). */
  readonly defaultClient: S3Client;
  /** The object-created event records delivered so far, in the order they came. */
  readonly records: S3EventRecord[];
  /** The event for `key` (of `eventName`, if given), once it has come. */
  eventFor(key: string, eventName?: string): Promise<S3EventRecord>;
  /** Destroys both clients and stops the server. */
  stop(): Promise<void>;
}

/** A local S3 with BUCKET created, recording the events it delivers. */
export async function startEventedS3(): Promise<EventedS3> {
  const records: S3EventRecord[] = [];
  const s3 = await startS3Local({
    bucket: BUCKET,
    onObjectCreated: (event) => void records.push(...event.Records),
  });
  const client = createLocalS3Client(s3.endpoint);
  const defaultClient = defaultSdkClient(s3.endpoint);
  return {
    s3,
    client,
    defaultClient,
    records,
    eventFor: (key, eventName) =>
      waitFor(`object-created event for ${key}`, () =>
        records.find(
          (r) =>
            decodeS3EventKey(r.s3.object.key) === key &&
            (eventName === undefined || r.eventName === eventName),
        ),
      ),
    stop: async () => {
      client.destroy();
      defaultClient.destroy();
      await s3.stop();
    },
  };
}
