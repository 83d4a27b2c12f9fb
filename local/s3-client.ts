// SDK clients preconfigured for the local stack (s3rver behind the aws-chunked decoding front, and
// DynamoDB Local).
//
// Local credentials: access key id `S3RVER`, secret access key `S3RVER`, region `us-east-1`.
// s3rver only accepts the access key id `S3RVER` (anything else is answered with InvalidAccessKeyId), and
// DynamoDB Local is started with -sharedDb so it accepts any credentials and region. Using the same pair
// for both means a process (a Lambda handler run locally, the CLI, a test) only needs
//   AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
// plus the two endpoints. These are dummies: never put real credentials in local config.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_BUCKET = 'sessionizer-local';
export const LOCAL_TABLE = 'sessionizer-sessions';

export const LOCAL_CREDENTIALS = Object.freeze({
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
});

/**
 * S3 client for the local S3 endpoint.
 * - forcePathStyle: s3rver serves buckets as /bucket/key; virtual-host style needs DNS for
 *   `<bucket>.127.0.0.1`, which does not exist.
 * - requestChecksumCalculation / responseChecksumValidation 'WHEN_REQUIRED': the SDK default
 *   ('WHEN_SUPPORTED') sends stream bodies as aws-chunked with a checksum trailer. The local endpoint
 *   decodes that correctly, but plain bodies keep requests simple to read in logs and do not depend
 *   on the decoding front; the same settings are what most S3-compatible stores require.
 */
export function createLocalS3Client(endpoint: string, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

/** DynamoDB client for DynamoDB Local; same dummy credentials as S3 so one environment serves both. */
export function createLocalDynamoDbClient(
  endpoint: string,
  overrides: Partial<DynamoDBClientConfig> = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    ...overrides,
  });
}
