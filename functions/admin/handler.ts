import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbEraser } from '../adapters/dynamodb/eraser.js';
import { Transport } from '../adapters/dynamodb/transport.js';
import { dynamoDbClient } from '../shared/dynamodb-client.js';
import { httpEntry } from '../shared/http-entry.js';
import { createAdminHandler } from './app.js';
import { loadAdminConfig } from './config.js';

// Parsed at cold start: a bad environment fails the init once instead of every request.
const config = loadAdminConfig();
const logger = new Logger({ serviceName: config.serviceName });
const app = createAdminHandler({
  eraser: new DynamoDbEraser({
    transport: new Transport({ client: dynamoDbClient, tableName: config.tableName }),
  }),
  config,
  logger,
});

/** Lambda entry for `DELETE /admin/users/{userId}` (HTTP API payload 2.0, IAM-authorized). */
export const handler = httpEntry(logger, app);
