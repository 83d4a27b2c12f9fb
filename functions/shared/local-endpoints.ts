import { configurationError } from './config-error.js';
import * as z from './zod.js';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.core.SomeType>(schema: T) =>
  z.pipe(z.transform(blankAsUndefined), z.optional(schema));

// `localhost:9000` parses as a URL of the scheme `localhost:`; the SDK would fail on it only at the first call.
const endpointUrl = z.url({
  protocol: /^https?$/,
  hostname: /./,
  error: 'must be an http(s) URL with a host, such as http://127.0.0.1:8000',
});

/** Endpoint overrides for the local stack; unset in AWS. Parsed once, at cold start. */
const endpointEnvSchema = z.object({
  AWS_ENDPOINT_URL_S3: optional(endpointUrl),
  DYNAMODB_ENDPOINT: optional(endpointUrl),
  AWS_REGION: optional(z.string()),
});

function parseEndpoints(env: NodeJS.ProcessEnv) {
  const parsed = endpointEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw configurationError('endpoint', parsed.error.issues);
}

export const localEndpoints = parseEndpoints(process.env);

// Local servers need a region to sign with even though they ignore it; in Lambda AWS_REGION is always set.
export const localRegion = localEndpoints.AWS_REGION ?? 'us-east-1';
