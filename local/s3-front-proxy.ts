// HTTP front for s3rver that makes aws-chunked uploads behave as on real S3 (see aws-chunked.ts), and
// refuses a key s3rver cannot store (s3rver-key-limits.ts) before s3rver fails on it.
// Plain requests are streamed through untouched. An aws-chunked request is read completely, decoded and
// verified first, and only then forwarded as an ordinary upload with an exact Content-Length: s3rver
// writes request bodies straight to disk, so forwarding while decoding could leave a half-written
// object behind when the framing or checksum turns out to be bad. A bad body is answered with an
// S3-style XML error and never reaches s3rver.
import { randomBytes } from 'node:crypto';
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import {
  AwsChunkedError,
  decodeAndVerifyAwsChunked,
  decodedRequestHeaders,
  isAwsChunkedRequest,
} from './aws-chunked.js';
import { readBodyUpTo } from './request-body.js';
import { refusedKey } from './s3rver-key-limits.js';

export interface FrontProxyOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  host?: string;
  upstream: { host: string; port: number };
  /**
   * aws-chunked bodies are buffered in memory to guarantee all-or-nothing writes; larger bodies are
   * rejected with EntityTooLarge instead of exhausting the dev process. Plain uploads are not limited.
   */
  maxBufferedBodyBytes?: number;
}

export interface FrontProxy {
  port: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
];

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function sendS3Error(
  res: ServerResponse,
  statusCode: number,
  code: string,
  message: string,
  resource: string,
): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource>` +
    `<RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(statusCode, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    // The client may still be sending; closing makes it stop instead of waiting on a dead body.
    connection: 'close',
  });
  res.end(body);
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) {
    delete out[name];
  }
  // The front has already accepted the body (Node answered 100 Continue if asked); don't make the
  // upstream request wait for another interim response.
  delete out.expect;
  return out;
}

/** Starts the front on `options.port` and resolves once it is listening. */
export async function startS3FrontProxy(options: FrontProxyOptions): Promise<FrontProxy> {
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBufferedBodyBytes ?? 1024 * 1024 * 1024;
  const agent = new Agent({ keepAlive: true });

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    headers: IncomingHttpHeaders,
    body: Buffer | IncomingMessage,
  ): void => {
    const upstreamReq = request(
      {
        host: options.upstream.host,
        port: options.upstream.port,
        method: req.method,
        path: req.url,
        headers: withoutHopByHop(headers),
        agent,
      },
      (upstreamRes) => {
        res.writeHead(
          upstreamRes.statusCode ?? 502,
          upstreamRes.statusMessage,
          withoutHopByHop(upstreamRes.headers),
        );
        upstreamRes.pipe(res);
        upstreamRes.once('error', () => res.destroy());
      },
    );
    upstreamReq.once('error', (error) => {
      sendS3Error(
        res,
        502,
        'InternalError',
        `local S3 front could not reach s3rver: ${error.message}`,
        req.url ?? '/',
      );
    });
    // A client that goes away mid-upload must not leave s3rver waiting on a half-sent body.
    res.once('close', () => {
      if (!res.writableFinished) {
        upstreamReq.destroy();
      }
    });
    if (Buffer.isBuffer(body)) {
      upstreamReq.end(body);
    } else {
      body.pipe(upstreamReq);
    }
  };

  const server = createServer((req, res) => {
    const resource = (req.url ?? '/').split('?')[0] ?? '/';
    const refused = refusedKey(req.method, req.url);
    if (refused !== undefined) {
      req.resume();
      sendS3Error(res, 400, refused.code, refused.message, resource);
      return;
    }
    if (!isAwsChunkedRequest(req.headers)) {
      forward(req, res, req.headers, req);
      return;
    }
    readBodyUpTo(req, limit)
      .then((raw) => {
        if (raw === undefined) {
          throw new AwsChunkedError(
            'EntityTooLarge',
            `aws-chunked uploads above ${limit} bytes are not buffered by the local S3 front; ` +
              'use a client with requestChecksumCalculation: WHEN_REQUIRED (createLocalS3Client) for large bodies.',
          );
        }
        const { payload } = decodeAndVerifyAwsChunked(raw, req.headers);
        forward(req, res, decodedRequestHeaders(req.headers, payload.length), payload);
      })
      .catch((error: unknown) => {
        if (error instanceof AwsChunkedError) {
          sendS3Error(res, error.statusCode, error.code, error.message, resource);
        } else {
          sendS3Error(res, 500, 'InternalError', `local S3 front failed: ${String(error)}`, resource);
        }
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) {
    throw new Error('local S3 front did not report a listening address');
  }

  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
