// DynamoDB Local and a local S3 whose bucket notifies, for the tests that drive the ingest handler end to end.
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_SOURCES, decodeS3EventKey, REJECTED_PREFIX } from '../../contract/index.js';
import { DynamoDbStitchingWriter } from '../../functions/adapters/dynamodb/stitching-writer.js';
import { S3ObjectSource } from '../../functions/adapters/s3/object-source.js';
import { S3RejectionReport } from '../../functions/adapters/s3/rejection-report.js';
import { createBrowserOf } from '../../functions/domain/events/browser.js';
import {
  createIngestHandler,
  type IngestHandler,
  type IngestHandlerDeps,
} from '../../functions/ingest/create-handler.js';
import {
  type LocalDynamoDb,
  type LocalS3,
  startLocalDynamoDb,
  startLocalS3,
  waitFor,
} from '../helpers/local-servers.js';
import { noMetrics, quietLogger } from '../helpers/silent-ingest.js';
import type { StoreUnderTest } from './store/store-harness.js';

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

/**
 * The ingest handler on the local S3 bucket and `store`, wired as the Lambda wires it (quietly); `deps`
 * replaces or adds dependencies, and `config` settings.
 */
export function localIngestHandler(
  servers: IngestServers,
  bucket: string,
  store: StoreUnderTest,
  {
    config,
    ...deps
  }: Partial<Omit<IngestHandlerDeps, 'config'>> & {
    config?: Partial<IngestHandlerDeps['config']>;
  } = {},
): IngestHandler {
  return createIngestHandler({
    objects: new S3ObjectSource(servers.s3.client),
    openReport: (key) => new S3RejectionReport({ s3: servers.s3.client, bucket, key }),
    writer: store.writer,
    identity: new DynamoDbStitchingWriter(store.writer),
    logger: quietLogger,
    metrics: noMetrics,
    browserOf: createBrowserOf(),
    ...deps,
    config: {
      bucketName: bucket,
      sources: [...DEFAULT_SOURCES],
      rejectedPrefix: REJECTED_PREFIX,
      rules: store.rules,
      maxMemberBytes: 64 * 1024 ** 2,
      ...config,
    },
  });
}
