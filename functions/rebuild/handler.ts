import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbRebuilder } from '../adapters/dynamodb/rebuilder.js';
import { ingestDrainMs } from '../adapters/dynamodb/rules-record.js';
import { DynamoDbTableRebuild } from '../adapters/dynamodb/table-rebuild.js';
import { Transport } from '../adapters/dynamodb/transport.js';
import { warnOfDeniedCopies } from '../adapters/s3/copy-access.js';
import { lazyCopyTextReader } from '../adapters/s3/lazy-copy-text-reader.js';
import { memberLimit } from '../domain/reading/member-limit.js';
import { CallCopyTexts } from '../domain/store/copy-texts.js';
import { dynamoDbClient } from '../shared/dynamodb-client.js';
import { loadRebuildConfig } from './config.js';
import { createRebuildHandler } from './create-handler.js';

// Cold start: a bad environment fails here, before the table is touched.
const config = loadRebuildConfig();
const transport = new Transport({ client: dynamoDbClient, tableName: config.tableName });
const logger = new Logger({ serviceName: config.serviceName });
const { bucketName } = config;
const readCopies =
  bucketName === undefined
    ? undefined
    : lazyCopyTextReader(bucketName, warnOfDeniedCopies(logger, bucketName), memberLimit(config));

export const handler = createRebuildHandler({
  store: new DynamoDbTableRebuild({
    transport,
    rebuilder: new DynamoDbRebuilder({
      transport,
      rules: config.rules,
      ...(readCopies !== undefined && { copyTexts: () => new CallCopyTexts(readCopies) }),
    }),
  }),
  logger,
  drainMs: ingestDrainMs(config.ingestTimeoutMs),
});
