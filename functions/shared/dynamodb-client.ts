import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localEndpoints, localRegion } from './local-endpoints.js';

/** The one DynamoDB client of a function, created at module scope so warm invocations reuse it. */
export const dynamoDbClient = new DynamoDBClient(
  localEndpoints.DYNAMODB_ENDPOINT === undefined
    ? {}
    : { endpoint: localEndpoints.DYNAMODB_ENDPOINT, region: localRegion },
);
