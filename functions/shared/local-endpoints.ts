import * as z from 'zod';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** Endpoint overrides for the local stack; unset in AWS. Parsed once, at cold start. */
const endpointEnvSchema = z.object({
  AWS_ENDPOINT_URL_S3: z.preprocess(blankAsUndefined, z.url().optional()),
  DYNAMODB_ENDPOINT: z.preprocess(blankAsUndefined, z.url().optional()),
  AWS_REGION: z.preprocess(blankAsUndefined, z.string().optional()),
});

export const localEndpoints = endpointEnvSchema.parse(process.env);

// Local servers need a region to sign with even though they ignore it; in Lambda AWS_REGION is always set.
export const localRegion = localEndpoints.AWS_REGION ?? 'us-east-1';
