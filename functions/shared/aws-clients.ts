import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** Endpoint overrides for the local stack; unset in AWS. Shared by every function, so parsed here once. */
const endpointEnvSchema = z.object({
  AWS_ENDPOINT_URL_S3: z.preprocess(blankAsUndefined, z.url().optional()),
  DYNAMODB_ENDPOINT: z.preprocess(blankAsUndefined, z.url().optional()),
  AWS_REGION: z.preprocess(blankAsUndefined, z.string().optional()),
});

const env = endpointEnvSchema.parse(process.env);

// Local servers need a region to sign with even though they ignore it; in Lambda AWS_REGION is always set.
const localRegion = env.AWS_REGION ?? 'us-east-1';

export const s3Client = new S3Client(
  env.AWS_ENDPOINT_URL_S3 === undefined
    ? {}
    : {
        endpoint: env.AWS_ENDPOINT_URL_S3,
        region: localRegion,
        // Local S3 servers serve buckets by path and do not understand the SDK's default flexible checksums.
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      },
);

export const dynamoDbClient = new DynamoDBClient(
  env.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: env.DYNAMODB_ENDPOINT, region: localRegion },
);
