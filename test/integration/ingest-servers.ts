// DynamoDB Local and a local S3 whose bucket notifies, for the tests that drive the ingest handler end to end.
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll } from 'vitest';
import { decodeS3EventKey } from '../../contract/index.js';
import {
  type LocalDynamoDb,
  type LocalS3,
  startLocalDynamoDb,
  startLocalS3,
  waitFor,
} from '../helpers/local-servers.js';

export interface IngestServers {
  readonly dynamo: LocalDynamoDb;
  readonly s3: LocalS3;
  /** The notifications for keys `matches` accepts, once there are `count` of them. */
  notificationsFor(what: string, matches: (key: string) => boolean, count: number): Promise<S3Event[]>;
}

/** Starts both servers before the enclosing describe block's tests and stops them after. */
export function useIngestServers(bucket: string): IngestServers {
  let dynamo: LocalDynamoDb | undefined;
  let s3: LocalS3 | undefined;
  const notifications: S3Event[] = [];
  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([
      startLocalDynamoDb(),
      startLocalS3(bucket, (event) => {
        notifications.push(event);
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([dynamo?.stop(), s3?.stop()]);
  });
  const started = <T>(server: T | undefined): T => {
    if (server === undefined) throw new Error('the servers start in beforeAll');
    return server;
  };
  return {
    get dynamo() {
      return started(dynamo);
    },
    get s3() {
      return started(s3);
    },
    notificationsFor: (what, matches, count) =>
      waitFor(
        what,
        () => {
          const found = notifications.filter((event) =>
            event.Records.some((record) => matches(decodeS3EventKey(record.s3.object.key))),
          );
          return found.length === count && found;
        },
        { timeoutMs: 15_000 },
      ),
  };
}
