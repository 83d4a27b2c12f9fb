import { type ApiSigner, type SignableRequest, unreachableApiAdvice } from './api-signer.js';

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
    throw new Error(`could not reach the API at ${api.origin}: ${cause}; ${unreachableApiAdvice(apiUrl)}`);
  }
}
