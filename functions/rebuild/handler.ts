import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbRebuilder } from '../adapters/dynamodb/rebuilder.js';
import { DynamoDbTableRebuild } from '../adapters/dynamodb/table-rebuild.js';
import { Transport } from '../adapters/dynamodb/transport.js';
import { dynamoDbClient } from '../shared/dynamodb-client.js';
import { loadRebuildConfig } from './config.js';
import { createRebuildHandler } from './create-handler.js';

// Cold start: a bad environment fails here, before the table is touched.
const config = loadRebuildConfig();
const transport = new Transport({ client: dynamoDbClient, tableName: config.tableName });

export const handler = createRebuildHandler({
  store: new DynamoDbTableRebuild({
    transport,
    rebuilder: new DynamoDbRebuilder({ transport, rules: config.rules }),
  }),
  logger: new Logger({ serviceName: config.serviceName }),
});
