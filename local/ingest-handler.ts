// The ingest function as the local stack runs it: configured through the environment the CDK gives it on
// AWS, and logging through a sink the stack prints from.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { REJECTED_PREFIX, type SourceDefinition } from '../contract/index.js';
import { DynamoDbIngestProgress } from '../functions/adapters/dynamodb/ingest-progress.js';
import { rebuildingSessionWriter } from '../functions/adapters/dynamodb/rebuilder.js';
import { ensureTableRules } from '../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbStitchingWriter } from '../functions/adapters/dynamodb/stitching-writer.js';
import { Transport } from '../functions/adapters/dynamodb/transport.js';
import { copyTextReader } from '../functions/adapters/s3/copy-texts.js';
import { S3ObjectSource } from '../functions/adapters/s3/object-source.js';
import { S3RejectionReport } from '../functions/adapters/s3/rejection-report.js';
import { createBrowserOf } from '../functions/domain/events/browser.js';
import { memberLimit } from '../functions/domain/reading/member-limit.js';
import { CallCopyTexts } from '../functions/domain/store/copy-texts.js';
import { loadIngestConfig } from '../functions/ingest/config.js';
import {
  createIngestHandler,
  type IngestLogger,
  type IngestMetrics,
} from '../functions/ingest/create-handler.js';
import type { SessionRules } from './ingest-env.js';
import type { SqsBatchHandler } from './ingest-queue.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** One structured log entry of the handler: its message and attributes (`key`, stats, `error`, ...). */
export type HandlerLogSink = (level: LogLevel, message: string, attributes: Record<string, unknown>) => void;

export interface LocalIngestHandlerDeps {
  s3: S3Client;
  dynamo: DynamoDBClient;
  tableName: string;
  bucket: string;
  sources: readonly SourceDefinition[];
  sessionRules: SessionRules;
  log: HandlerLogSink;
}

/** The ingest function's environment, as the CDK sets it. */
export function ingestFunctionEnv(
  deps: Omit<LocalIngestHandlerDeps, 's3' | 'dynamo' | 'log'>,
): Record<string, string> {
  return {
    TABLE_NAME: deps.tableName,
    BUCKET_NAME: deps.bucket,
    REJECTED_PREFIX,
    SOURCES: JSON.stringify(deps.sources),
    SESSION_RULES: JSON.stringify(deps.sessionRules),
  };
}

/** Powertools' Logger surface the handlers use, writing to `sink`. */
function loggerFor(sink: HandlerLogSink): IngestLogger {
  return {
    addContext: () => undefined,
    info: (message, attributes) => sink('info', message, attributes),
    warn: (message, attributes) => sink('warn', message, attributes),
    error: (message, attributes) => sink('error', message, attributes),
  };
}

const noMetrics: IngestMetrics = { addMetric: () => undefined, publishStoredMetrics: () => undefined };

/** The real ingest handler, wired as handler.ts wires it in Lambda, with the stack's clients. */
export function createLocalIngestHandler(deps: LocalIngestHandlerDeps): SqsBatchHandler {
  const config = loadIngestConfig(ingestFunctionEnv(deps));
  const transport = new Transport({ client: deps.dynamo, tableName: config.tableName });
  const objects = new S3ObjectSource(deps.s3);
  // During a rebuild to these rules, a user still cut under the old ones is rebuilt before merging into it,
  // reading tied copies again from the bucket as the rebuild does.
  const readCopies = copyTextReader(objects, config.bucketName, undefined, memberLimit(config));
  const writer = rebuildingSessionWriter({
    transport,
    rules: config.rules,
    copyTexts: () => new CallCopyTexts(readCopies),
  });
  // The queue's callback for each running message, by id: the handler is made once, a callback comes per call.
  const doneCallbacks = new Map<string, NonNullable<Parameters<SqsBatchHandler>[1]>>();
  const handler = createIngestHandler({
    onMessageDone: (messageId, outcomes) => doneCallbacks.get(messageId)?.(messageId, outcomes),
    objects,
    openReport: (key) => new S3RejectionReport({ s3: deps.s3, bucket: config.bucketName, key }),
    writer,
    identity: new DynamoDbStitchingWriter(writer),
    checkRules: () => ensureTableRules(transport, config.rules),
    // No Lambda context here, so no call runs out of time; a message delivered again resumes a file cut short.
    progress: new DynamoDbIngestProgress(transport),
    config,
    logger: loggerFor(deps.log),
    metrics: noMetrics,
    browserOf: createBrowserOf(),
  });
  return async (event, onMessageDone) => {
    const ids = event.Records.map((record) => record.messageId);
    if (onMessageDone !== undefined) for (const id of ids) doneCallbacks.set(id, onMessageDone);
    try {
      return await handler(event);
    } finally {
      for (const id of ids) doneCallbacks.delete(id);
    }
  };
}
