import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDbSessionReader } from '../adapters/dynamodb/session-reader.js';
import { Transport } from '../adapters/dynamodb/transport.js';
import { readSecretText } from '../adapters/secrets/secret-text.js';
import { dynamoDbClient } from '../shared/dynamodb-client.js';
import { httpEntry } from '../shared/http-entry.js';
import { createApiHandler } from './app.js';
import { loadApiConfig } from './config.js';

// Parsed at cold start: a bad environment fails the init once instead of every request.
const config = loadApiConfig();
const logger = new Logger({ serviceName: config.serviceName });
// On AWS the key stays in Secrets Manager, out of the function's configuration (which more people may read).
const cursorSigningKey =
  'cursorSigningKey' in config
    ? config.cursorSigningKey
    : () => readSecretText(new SecretsManagerClient({}), config.cursorSigningKeySecretArn);
const app = createApiHandler({
  reader: new DynamoDbSessionReader(new Transport({ client: dynamoDbClient, tableName: config.tableName })),
  config: { ...config, cursorSigningKey },
  logger,
});

/** Lambda entry for the lookup API (HTTP API payload 2.0); the local stack calls it without a context. */
export const handler = httpEntry(logger, app);
