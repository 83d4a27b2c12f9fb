import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDbSessionStore } from '../adapters/dynamodb-session-store.js';
import { dynamoDbClient } from '../shared/dynamodb-client.js';
import { s3Client } from '../shared/s3-client.js';
import { loadIngestConfig } from './config.js';
import { createIngestHandler } from './create-ingest-handler.js';

// Cold start: a bad environment fails here, before any event is touched.
const config = loadIngestConfig();
const logger = new Logger({ serviceName: config.serviceName });
const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });

export const handler = createIngestHandler({
  s3: s3Client,
  writer: new DynamoDbSessionStore({
    client: dynamoDbClient,
    tableName: config.tableName,
    gapMs: config.gapMs,
  }),
  config,
  logger,
  metrics,
});
