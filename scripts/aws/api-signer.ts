import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** A request as SigV4 signs it: `path` exactly as sent (percent-encoded), `query` decoded. */
export type SignableRequest = Parameters<SignatureV4['presign']>[0];
export type CredentialsProvider = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface ApiSigner {
  sign(request: SignableRequest): Promise<SignableRequest>;
}

/** SigV4 for API Gateway (`execute-api`), the scheme its IAM authorizer checks. */
export function createApiSigner(options: { region: string; credentials: CredentialsProvider }): ApiSigner {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    // Every service but S3 signs the path URI-encoded once more than it is sent.
    uriEscapePath: true,
  });
  return { sign: (request) => signer.sign(request) };
}

/** For the local stack's API, which checks no signature: asking for credentials there would only send people to make up dummy ones. */
export const UNSIGNED: ApiSigner = { sign: async (request) => request };

/** The region in an API Gateway URL (`https://abc123.execute-api.eu-west-1.amazonaws.com/`), if it is one. */
export function regionFromApiUrl(apiUrl: string): string | undefined {
  const match = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(apiUrl).hostname);
  return match?.[1];
}
