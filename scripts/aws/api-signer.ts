import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { isLoopbackAddress } from '../../viewer/server/host-guard.js';
import { defaultRegion } from './stack-outputs.js';

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

const UNSIGNED: ApiSigner = { sign: async (request) => request };

/**
 * The signer for calls to `apiUrl`: none for a loopback URL, the local stack's API, which checks no signature
 * (asking for credentials there would only send people to make up dummy ones); else `sigV4`'s, in the region
 * `regionOption`, the URL, AWS_REGION or the profile names.
 */
export async function signerForApi(
  apiUrl: string,
  regionOption: string | undefined,
  env: NodeJS.ProcessEnv,
  sigV4: (region: string) => ApiSigner | Promise<ApiSigner>,
): Promise<ApiSigner> {
  if (isLoopbackUrl(apiUrl)) return UNSIGNED;
  const region = regionOption ?? regionFromApiUrl(apiUrl) ?? env.AWS_REGION ?? (await defaultRegion());
  if (region === undefined) throw new Error(`cannot tell the AWS region of ${apiUrl}; pass --region`);
  return sigV4(region);
}

/** The region in an API Gateway URL (`https://abc123.execute-api.eu-west-1.amazonaws.com/`), if it is one. */
export function regionFromApiUrl(apiUrl: string): string | undefined {
  const match = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(apiUrl).hostname);
  return match?.[1];
}

/**
 * What to check when the API at `apiUrl` could not be reached: a loopback URL is the local stack's, which may
 * be stopped or on another PORT; any other is a stage's, named by --api-url or its ApiUrl output.
 */
export function unreachableApiAdvice(apiUrl: string): string {
  return isLoopbackUrl(apiUrl)
    ? 'is the local stack running there? `npm start` prints its API URL'
    : 'check the API URL (--api-url, or the ApiUrl output of Sessionizer-<stage>-Stateless) and your network';
}

/** A URL on this machine; an IPv6 host keeps its brackets in `hostname` (`[::1]`). */
function isLoopbackUrl(apiUrl: string): boolean {
  return isLoopbackAddress(new URL(apiUrl).hostname.replace(/^\[(.*)\]$/, '$1'));
}
