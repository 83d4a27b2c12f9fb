import { S3ServiceException } from '@aws-sdk/client-s3';

/** The error the SDK throws for S3's answer `name` (AccessDenied, SlowDown, …) with that HTTP status. */
export const s3ServiceError = (name: string, httpStatusCode: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });
