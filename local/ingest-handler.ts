// The ingest function as the local stack runs it: configured through the environment the CDK gives it on
// AWS, and logging through a sink the stack prints from.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { REJECTED_PREFIX, type SourceDefinition } from '../contract/index.js';
import type { IngestLogger } from '../functions/ingest/create-ingest-handler.js';
import type { SessionRules } from './ingest-env.js';
import type { SqsBatchHandler } from './ingest-queue.js';
import { adaptS3EventHandler } from './s3-handler-adapter.js';

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

export function createLocalIngestHandler(deps: LocalIngestHandlerDeps): SqsBatchHandler {
  const env = ingestFunctionEnv(deps);
  // The swap, once functions/ingest handles SQS events: its handler with the same s3, dynamo, env, logger.
  return adaptS3EventHandler({ s3: deps.s3, dynamo: deps.dynamo, env, logger: loggerFor(deps.log) });
}
