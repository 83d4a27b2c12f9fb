import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDbIngestProgress } from '../adapters/dynamodb/ingest-progress.js';
import { rebuildingSessionWriter } from '../adapters/dynamodb/rebuilder.js';
import { ensureTableRules } from '../adapters/dynamodb/rules-record.js';
import { DynamoDbStitchingWriter } from '../adapters/dynamodb/stitching-writer.js';
import { Transport } from '../adapters/dynamodb/transport.js';
import { warnOfDeniedCopies } from '../adapters/s3/copy-access.js';
import { copyTextReader } from '../adapters/s3/copy-texts.js';
import { S3ObjectSource } from '../adapters/s3/object-source.js';
import { S3RejectionReport } from '../adapters/s3/rejection-report.js';
import { lazyContinuationQueue } from '../adapters/sqs/lazy-continuation-queue.js';
import { createBrowserOf } from '../domain/events/browser.js';
import { memberLimit } from '../domain/reading/member-limit.js';
import { CallCopyTexts } from '../domain/store/copy-texts.js';
import { dynamoDbClient } from '../shared/dynamodb-client.js';
import { s3Client } from '../shared/s3-client.js';
import { loadIngestConfig } from './config.js';
import { createIngestHandler } from './create-handler.js';

// Cold start: a bad environment fails here, before any message is touched.
const config = loadIngestConfig();
const logger = new Logger({ serviceName: config.serviceName });
const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
const transport = new Transport({ client: dynamoDbClient, tableName: config.tableName });

const objects = new S3ObjectSource(s3Client);
// During a rebuild to these rules, a user still cut under the old ones is rebuilt before merging into it,
// reading tied copies again from the bucket as the rebuild does.
const readCopies = copyTextReader(
  objects,
  config.bucketName,
  warnOfDeniedCopies(logger, config.bucketName),
  memberLimit(config),
);
const writer = rebuildingSessionWriter({
  transport,
  rules: config.rules,
  copyTexts: () => new CallCopyTexts(readCopies),
});
const continueLater = config.queueUrl === undefined ? undefined : lazyContinuationQueue(config.queueUrl);

const ingest = createIngestHandler({
  objects,
  openReport: (key) => new S3RejectionReport({ s3: s3Client, bucket: config.bucketName, key }),
  writer,
  identity: new DynamoDbStitchingWriter(writer),
  checkRules: () => ensureTableRules(transport, config.rules),
  progress: new DynamoDbIngestProgress(transport),
  ...(continueLater !== undefined && { continueLater }),
  config,
  logger,
  metrics,
  browserOf: createBrowserOf(),
});

/**
 * Lambda's entry: only what the event source mapping reads. The outcomes and failure reasons (for tests and
 * the local stack) name every file of every object, a summary per ZIP member, and could pass Lambda's 6 MB
 * limit on a response, which fails the whole batch though its files were ingested.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const { batchItemFailures } = await ingest(event, context);
  return { batchItemFailures };
};
