/**
 * The ingest's module-init floor: its two SDK clients as the functions create them (functions/shared/) and the
 * commands it sends most, and nothing of ours. bench/bundles.ts bundles it with the deploy's settings and times
 * its import beside the functions'; what an entry exports stays in its bundle.
 */

export {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
export { GetObjectCommand } from '@aws-sdk/client-s3';
export { dynamoDbClient } from '../functions/shared/dynamodb-client.js';
export { s3Client } from '../functions/shared/s3-client.js';
