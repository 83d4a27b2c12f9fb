import { S3Client } from '@aws-sdk/client-s3';
import { localEndpoints, localRegion } from './local-endpoints.js';

/** The one S3 client of a function (its own module so the API bundle does not carry the S3 SDK). */
export const s3Client = new S3Client(
  localEndpoints.AWS_ENDPOINT_URL_S3 === undefined
    ? {}
    : {
        endpoint: localEndpoints.AWS_ENDPOINT_URL_S3,
        region: localRegion,
        // Local S3 servers serve buckets by path and do not understand the SDK's default flexible checksums.
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      },
);
