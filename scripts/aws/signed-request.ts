import { isLoopbackAddress } from '../../viewer/server/host-guard.js';
import type { ApiSigner, SignableRequest } from './api-signer.js';

/**
 * Sends a bodiless request to a deployed API, SigV4-signed for its IAM authorizer. `path` is relative to the
 * API's base URL and sent as given, so it must already be percent-encoded (or need no encoding).
 */
export async function sendSigned(
  signer: ApiSigner,
  apiUrl: string,
  method: string,
  path: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  const api = new URL(apiUrl);
  const fullPath = `${api.pathname.replace(/\/+$/, '')}${path}`;
  const request: SignableRequest = {
    method,
    protocol: api.protocol,
    hostname: api.hostname,
    ...(api.port !== '' && { port: Number(api.port) }),
    path: fullPath,
    query: {},
    headers: { host: api.host, accept: 'application/json' },
  };
  let signed: SignableRequest;
  try {
    signed = await signer.sign(request);
  } catch (error) {
    throw new Error(
      `could not sign the request with your AWS credentials (${(error as Error).message}); log in (e.g. aws sso login) or set AWS_PROFILE`,
    );
  }
  const { host: _host, ...headers } = signed.headers;
  try {
    return await fetchImpl(`${api.origin}${fullPath}`, { method, headers, redirect: 'manual' });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    // A loopback URL is the local stack's, which may be stopped or on another PORT; any other a stage's.
    const advice = isLoopbackAddress(api.hostname)
      ? 'is the local stack running there? `npm start` prints its API URL'
      : 'check the API URL (--api-url, or the ApiUrl output of Sessionizer-<stage>-Stateless) and your network';
    throw new Error(`could not reach the API at ${api.origin}: ${cause}; ${advice}`);
  }
}
