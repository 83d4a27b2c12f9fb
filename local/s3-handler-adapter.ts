// Until the ingest function consumes SQS itself, today's S3-event handler runs behind this adapter:
// each message body (an S3 notification) becomes an S3 event for it, and each message succeeds or fails
// on its own (a throw fails that message only). Deleted with the swap in ingest-handler.ts.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event, SQSBatchItemFailure } from 'aws-lambda';
import { decodeS3EventKey, type SourceDefinition } from '../contract/index.js';
import { DynamoDbSessionStore } from '../functions/adapters/dynamodb-session-store.js';
import { minutesToMs } from '../functions/domain/sessionize.js';
import {
  createIngestHandler,
  type IngestHandler,
  type IngestLogger,
  type IngestMetrics,
} from '../functions/ingest/create-ingest-handler.js';
import type { SessionRules } from './ingest-env.js';
import type { SqsBatchHandler } from './ingest-queue.js';

const noMetrics: IngestMetrics = { addMetric: () => undefined, publishStoredMetrics: () => undefined };

export interface S3HandlerAdapterDeps {
  s3: S3Client;
  dynamo: DynamoDBClient;
  /** The ingest function's environment (see ingest-handler.ts). */
  env: Readonly<Record<string, string>>;
  logger: IngestLogger;
}

export function adaptS3EventHandler(deps: S3HandlerAdapterDeps): SqsBatchHandler {
  // Written by ingest-handler.ts, so trusted; the SQS handler validates its environment itself.
  const env = deps.env;
  const sources = JSON.parse(env.SOURCES ?? '[]') as SourceDefinition[];
  const rules = JSON.parse(env.SESSION_RULES ?? '{}') as SessionRules;
  const unsupported = [
    Object.keys(rules.gapMinutesByPlatform).length > 0 && 'SESSION_GAP_MINUTES_BY_PLATFORM',
    rules.maxSessionMinutes !== undefined && 'SESSION_MAX_MINUTES',
    rules.identityStitching && 'IDENTITY_STITCHING',
  ].filter((name): name is string => name !== false);
  if (unsupported.length > 0) {
    deps.logger.warn(
      `the current ingest handler ignores ${unsupported.join(', ')} (the SQS handler applies them)`,
      {},
    );
  }
  const writer = new DynamoDbSessionStore({
    client: deps.dynamo,
    tableName: env.TABLE_NAME as string,
    gapMs: minutesToMs(rules.gapMinutes),
  });
  const handlers: { prefix: string; handle: IngestHandler }[] = sources.map((source) => ({
    prefix: source.prefix,
    handle: createIngestHandler({
      s3: deps.s3,
      writer,
      config: {
        bucketName: env.BUCKET_NAME as string,
        incomingPrefix: source.prefix,
        rejectedPrefix: env.REJECTED_PREFIX as string,
      },
      logger: deps.logger,
      metrics: noMetrics,
    }),
  }));
  // A key outside every source goes to the first handler, which reports it skipped.
  const handlerFor = (encodedKey: string): IngestHandler => {
    let key: string;
    try {
      key = decodeS3EventKey(encodedKey);
    } catch {
      key = encodedKey;
    }
    return (handlers.find(({ prefix }) => key.startsWith(prefix)) ?? handlers[0])?.handle as IngestHandler;
  };

  const ingestMessage = async (body: string): Promise<void> => {
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      deps.logger.error('skipping a message that is not JSON', { body: body.slice(0, 200) });
      return;
    }
    const records = (event as Partial<S3Event> | null)?.Records;
    if (!Array.isArray(records)) {
      // S3 sends an s3:TestEvent when notifications are configured: nothing to ingest, nothing to retry.
      deps.logger.warn('skipping a message that is not an S3 notification', { body: body.slice(0, 200) });
      return;
    }
    for (const record of records) {
      await handlerFor(String(record?.s3?.object?.key ?? ''))({ Records: [record] });
    }
  };

  return async (event) => {
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const message of event.Records) {
      try {
        await ingestMessage(message.body);
      } catch {
        // The handler logged the error with the object's key.
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}
