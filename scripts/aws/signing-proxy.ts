import { formDecoded } from '../../functions/api/query-string.js';
import { readableParameter } from '../../functions/api/responses.js';
import { type RequestHandler, sendError } from '../../viewer/server/viewer-server.js';
import { type ApiSigner, type SignableRequest, unreachableApiAdvice } from './api-signer.js';

export interface SigningProxyOptions {
  /** The deployed API's base URL, e.g. the stack's `ApiUrl` output. */
  readonly apiUrl: string;
  readonly signer: ApiSigner;
  readonly fetch?: typeof fetch;
  /** Told about requests that could not be signed or forwarded; the browser gets a JSON error either way. */
  readonly onError?: (message: string) => void;
}

const FORWARDED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'vary'];

/** encodeURIComponent plus the five characters RFC 3986 reserves that it leaves alone, as SigV4 encodes. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const DOT_SEGMENT_REFUSED =
  'The request path has a "." or ".." segment, which would be resolved away before it reached the API: send such an id in its ~b64. form (~b64.Lg is ".", ~b64.Li4 is "..")';

/**
 * Each path segment decoded and re-encoded the way the signer expects, so the path sent and the path signed
 * are the same bytes whatever the browser left unescaped. A segment that is no percent-encoded UTF-8 (`%ZZ`,
 * `%ED%A0%80`) goes as its text percent-encoded (`%25ZZ`): API Gateway hands such a segment on as that text
 * (docs/api.md, User ids in paths), so the API answers what it answers the path sent to it directly, and the
 * local stack's API, reading the path as API Gateway does, answers the same.
 */
export function canonicalPath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => encodeRfc3986(decodedOrText(segment)))
    .join('/');
}

function decodedOrText(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The parameter of a query whose escapes are no UTF-8 (`campaignSource=%FF`), for the API's 400: signed,
 * the query goes decoded and encoded again, which turns such an escape into U+FFFD, and the API would search
 * for that instead of refusing the escape.
 */
function undecodableParameter(rawQuery: string): string | undefined {
  for (const pair of rawQuery === '' ? [] : rawQuery.split('&')) {
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    // A name whose escapes are no UTF-8 is named as sent, as the API names it.
    const name = formDecoded(rawName);
    if (name === undefined) return rawName;
    if (equals !== -1 && formDecoded(pair.slice(equals + 1)) === undefined) return name;
  }
  return undefined;
}

function queryOf(rawQuery: string): { query: Record<string, string | string[]>; wire: string } {
  const query: Record<string, string | string[]> = {};
  const pairs: string[] = [];
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const existing = query[name];
    query[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    pairs.push(`${encodeRfc3986(name)}=${encodeRfc3986(value)}`);
  }
  return { query, wire: pairs.join('&') };
}

/**
 * Forwards the viewer's `GET /users/...` requests to the deployed lookup API, SigV4-signed with the caller's
 * AWS credentials, so a browser can use an IAM-authenticated API without holding any credentials itself.
 * Redirects (a stitched anonymousId's 307) pass through for the browser to follow through this proxy again.
 */
export function createSigningProxy(options: SigningProxyOptions): RequestHandler {
  const api = new URL(options.apiUrl);
  const basePath = api.pathname.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;

  /** An upstream Location back into this proxy's space: the API's own origin and base path removed. */
  function localLocation(location: string): string {
    const target = new URL(location, `${api.origin}${basePath}/`);
    if (target.origin !== api.origin || !target.pathname.startsWith(`${basePath}/`)) return location;
    return `${target.pathname.slice(basePath.length)}${target.search}`;
  }

  return async (req, res) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, 405, 'method_not_allowed', 'The viewer proxy forwards GET and HEAD only');
      return;
    }
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = canonicalPath(queryAt === -1 ? target : target.slice(0, queryAt));
    // fetch resolves such a segment (`%2E` too) before the request leaves: another path would be sent, signed,
    // out of /users/ and the stage's path.
    if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
      sendError(res, 400, 'bad_request', DOT_SEGMENT_REFUSED);
      return;
    }
    const { query, wire } = queryOf(queryAt === -1 ? '' : target.slice(queryAt + 1));
    const request: SignableRequest = {
      method,
      protocol: api.protocol,
      hostname: api.hostname,
      ...(api.port !== '' && { port: Number(api.port) }),
      path: `${basePath}${path}`,
      query,
      // Only what the API needs: the browser's cookies and headers stay on this machine.
      headers: { host: api.host, accept: 'application/json' },
    };

    let signed: SignableRequest;
    try {
      signed = await options.signer.sign(request);
    } catch (error) {
      const message = `Could not sign the request with your AWS credentials: ${(error as Error).message}. Log in (e.g. aws sso login) or set AWS_PROFILE, then reload.`;
      options.onError?.(message);
      sendError(res, 502, 'signing_failed', message);
      return;
    }
    const { host: _host, ...headers } = signed.headers;
    // Unsigned (the local stack's API), the query goes as the browser sent it, so the API judges those bytes
    // (an escape that is no UTF-8 is its 400). Signed, it goes as signed: how API Gateway reads a query's bytes
    // back for the signature (`+`, an escape that is no UTF-8) is not known here, so such an escape gets the
    // API's 400 from the proxy.
    const rawQuery = queryAt === -1 ? '' : target.slice(queryAt + 1);
    const isSigned = signed.headers.authorization !== undefined;
    const undecodable = isSigned ? undecodableParameter(rawQuery) : undefined;
    if (undecodable !== undefined) {
      const message = `${readableParameter(undecodable)} is not valid percent-encoded UTF-8`;
      sendError(res, 400, 'bad_request', message, undecodable);
      return;
    }
    const sent = isSigned ? wire : rawQuery;
    let upstream: Response;
    try {
      upstream = await fetchImpl(`${api.origin}${request.path}${sent === '' ? '' : `?${sent}`}`, {
        method,
        headers,
        redirect: 'manual',
      });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      const message = `Could not reach the API at ${api.origin}: ${cause}; ${unreachableApiAdvice(options.apiUrl)}`;
      options.onError?.(message);
      sendError(res, 502, 'bad_gateway', message);
      return;
    }
    const responseHeaders: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) responseHeaders[name] = value;
    }
    const location = upstream.headers.get('location');
    if (location !== null) responseHeaders.location = localLocation(location);
    const body = Buffer.from(await upstream.arrayBuffer());
    // HEAD answers the headers GET would (docs/api.md), content-length included: the API's, as a HEAD has no
    // body to count, unless it counts encoded bytes that fetch decodes (and GET then sends decoded).
    const length =
      method === 'HEAD'
        ? upstream.headers.get('content-encoding') === null
          ? upstream.headers.get('content-length')
          : null
        : String(body.length);
    if (length !== null) responseHeaders['content-length'] = length;
    res.writeHead(upstream.status, responseHeaders);
    res.end(method === 'HEAD' ? undefined : body);
  };
}
