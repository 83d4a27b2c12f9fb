/**
 * The ingest's module-init floor: its two SDK clients as the functions create them (functions/shared/) and the
 * commands it sends most, and nothing of ours. bench/bundles.ts bundles it with
 * the deploy's settings and times its import beside the functions'.
 */

import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { dynamoDbClient } from '../functions/shared/dynamodb-client.js';
import { s3Client } from '../functions/shared/s3-client.js';

const COMMANDS = [
  GetObjectCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
];

export const handler = async (): Promise<number> => COMMANDS.length + (s3Client && dynamoDbClient ? 1 : 0);
