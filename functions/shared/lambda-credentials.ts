/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (lib/config/bundling.ts aliases
 * it here; tests, the local stack and the CLI keep the SDK's default chain).
 *
 * Lambda hands a function its role's credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN), so the default chain always stops at its first link, `fromEnv`, there. Its other links
 * (SSO, shared ini files, credential processes, web identity tokens, container and instance metadata) are
 * never reached in Lambda, but with the STS, SSO and sign-in clients they import they were about 100 KB of
 * every bundle that V8 parsed at each cold start (8-10 ms of the ingest function's init).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** The SDK clients call this (as `credentialDefaultProvider`) when no credentials are given to them. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider =>
  fromEnv(init);
