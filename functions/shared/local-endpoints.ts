import * as z from './zod.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.core.SomeType>(schema: T) =>
  z.pipe(z.transform(blankAsUndefined), z.optional(schema));

/** Endpoint overrides for the local stack; unset in AWS. Parsed once, at cold start. */
const endpointEnvSchema = z.object({
  AWS_ENDPOINT_URL_S3: optional(z.url()),
  DYNAMODB_ENDPOINT: optional(z.url()),
  AWS_REGION: optional(z.string()),
});

export const localEndpoints = endpointEnvSchema.parse(process.env);

// Local servers need a region to sign with even though they ignore it; in Lambda AWS_REGION is always set.
export const localRegion = localEndpoints.AWS_REGION ?? 'us-east-1';
