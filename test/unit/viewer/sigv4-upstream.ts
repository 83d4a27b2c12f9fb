import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../helpers/close-server.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly signedHeaders: string[];
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Checks a request's SigV4 signature for `execute-api` the way AWS documents it, written out here rather
 * than with the signing library, so a proxy that signs something other than what it sends fails.
 */
export function verifySigV4(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  credentials: Credentials,
  region: string,
): { ok: true; signedHeaders: string[] } | { ok: false; reason: string } {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      String(headers.authorization ?? ''),
    );
  if (match === null) return { ok: false, reason: `no SigV4 authorization header: ${headers.authorization}` };
  const [, accessKeyId, day, signedRegion, service, signedHeaderList, signature] =
    match as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId) return { ok: false, reason: 'unknown access key' };
  if (signedRegion !== region || service !== 'execute-api') return { ok: false, reason: 'wrong scope' };
  const amzDate = String(headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(day as string)) return { ok: false, reason: 'x-amz-date does not match the scope' };
  const signedHeaders = (signedHeaderList as string).split(';');
  if (!signedHeaders.includes('host')) return { ok: false, reason: 'host is not signed' };
  if (
    credentials.sessionToken !== undefined &&
    headers['x-amz-security-token'] !== credentials.sessionToken
  ) {
    return { ok: false, reason: 'session token missing' };
  }

  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  // Non-S3 services: each path segment, as sent, URI-encoded once more.
  const canonicalUri = rawPath.split('/').map(encode).join('/');
  const canonicalQuery = [...new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1))]
    .map(([name, value]): [string, string] => [encode(name), encode(value)])
    .sort(([a, x], [b, y]) => compare(a, b) || compare(x, y))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${String(headers[name] ?? '').trim()}\n`)
    .join('');
  const payloadHash = String(headers['x-amz-content-sha256'] ?? sha256(''));
  const canonicalRequest = [
    method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaderList,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day as string);
  for (const part of [region, 'execute-api', 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return expected === signature
    ? { ok: true, signedHeaders }
    : { ok: false, reason: 'signature does not match' };
}

export interface FakeUpstream {
  readonly url: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A stand-in for API Gateway with an IAM authorizer: 403 for anything not signed with `credentials`, else
 * the route's canned answer (a user echoing the decoded path and query, or a stitched id's 307).
 */
export async function startSigV4Upstream(
  credentials: Credentials,
  region: string,
  basePath = '',
): Promise<FakeUpstream> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const verdict = verifySigV4(req.method ?? '', url, req.headers, credentials, region);
    if (!verdict.ok) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Forbidden: ${verdict.reason}` }));
      return;
    }
    received.push({
      method: req.method ?? '',
      url,
      headers: req.headers,
      signedHeaders: verdict.signedHeaders,
    });
    const parsed = new URL(url, 'http://upstream');
    const path = parsed.pathname.slice(basePath.length);
    if (path === '/users/anon-1') {
      res.writeHead(307, { location: `${basePath}/users/alice`, 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'stitched', message: 'stitched', userId: 'alice' } }));
      return;
    }
    if (path === '/users/anon-2') {
      res.writeHead(307, { location: `http://${req.headers.host}${basePath}/users/alice` });
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'set-cookie': 'x=1',
    });
    res.end(
      JSON.stringify({
        segments: path.split('/').map(decodeURIComponent),
        query: Object.fromEntries(parsed.searchParams),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    received,
    close: () => closeServer(server),
  };
}
