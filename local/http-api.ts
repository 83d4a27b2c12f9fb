// A node:http server standing in for API Gateway in front of the real lookup handler and, for
// /admin/users/..., the real admin (erasure) handler (the event and result mapping is in
// api-gateway-event.ts). It also serves optional static assets (the viewer) and the local stack's own
// admin routes under /_local/ (loopback clients only).
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { CACHE_CONTROL } from '../functions/api/app.js';
import { isLoopbackAddress, NOT_THIS_MACHINE, namesThisMachine } from '../viewer/server/host-guard.js';
import { jsonHeaders, sendJson } from '../viewer/server/json-answer.js';
import { readRequestTarget } from '../viewer/server/request-target.js';
import {
  ADMIN_PATH_PREFIX,
  type AdminHandler,
  ERASE_ROUTE,
  refusedOutsideThisMachine,
  serveAdmin,
} from './admin-guard.js';
import { errorBody, sendError } from './api-answers.js';
import { toApiGatewayEvent, writeApiGatewayResult } from './api-gateway-event.js';
import { preflightHeaders } from './cors-preflight.js';
import { gatewayRouteOf, NO_ROUTE_BODY, routeServes } from './gateway-routes.js';
import { readBodyUpTo } from './request-body.js';

export type HttpApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface StaticAsset {
  contentType: string;
  body: Buffer | string;
}

export interface HttpApiOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  handler: HttpApiHandler;
  /** The admin function, for its route (`DELETE /admin/users/{proxy+}`); without it that goes to `handler`. */
  adminApiHandler?: HttpApiHandler;
  /** Called when the handler throws; the client gets API Gateway's generic 500. */
  onError?: (error: unknown, event: APIGatewayProxyEventV2) => void;
  /** Served for GET and HEAD on exactly these paths (e.g. `/`), ahead of the handler. */
  staticAssets?: ReadonlyMap<string, StaticAsset>;
  /** Added to every static asset's response (e.g. a content-security-policy). */
  staticHeaders?: Readonly<Record<string, string>>;
  /** Serves ADMIN_PATH_PREFIX; needs a loopback host. */
  admin?: AdminHandler;
  /** Origins allowed to call from a browser (`*`: any); when any, preflights are answered on every path. */
  corsAllowedOrigins?: readonly string[];
}

export interface HttpApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

// API Gateway rejects larger payloads with 413; the lookup API takes no bodies anyway.
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A request line of a method token Node's parser does not know (`FOO /x HTTP/1.1`, `get /x HTTP/1.1`): well
 * formed (RFC 9110 allows any token), so it meets the routes, none of which takes such a method.
 */
const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ [^\s]+ HTTP\/\d\.\d\r?\n/;

/**
 * Errors Node answers before a request exists (a malformed request line, headers over the limit, a
 * request that took too long), with the API's JSON body instead of Node's empty one.
 */
function answerEarlyError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (error.code === 'HPE_INVALID_METHOD' && REQUEST_LINE.test(error.rawPacket?.toString('latin1') ?? '')) {
    answerNoRoute(socket);
    return;
  }
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request headers too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request not received in time']
        : [400, `malformed HTTP request (${error.code ?? error.message})`];
  answerOnSocket(socket, status, message);
}

/** An error answer written straight to a socket Node took out of its HTTP handling, which it then closes. */
function answerOnSocket(socket: Socket, status: number, message: string): void {
  writeOnSocket(socket, status, errorBody(status, message));
}

function writeOnSocket(socket: Socket, status: number, body: string): void {
  const lines = Object.entries(jsonHeaders(body)).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}connection: close\r\n\r\n${body}`,
  );
}

/**
 * API Gateway's 404 for a method Node takes out of its HTTP handling (CONNECT, one it does not know): no route
 * of API_GATEWAY_ROUTES takes such a method, as the request handler below finds for any other.
 */
function answerNoRoute(socket: Socket): void {
  writeOnSocket(socket, 404, NO_ROUTE_BODY);
}

function serveStatic(res: ServerResponse, asset: StaticAsset, extra: Readonly<Record<string, string>>): void {
  const body = Buffer.isBuffer(asset.body) ? asset.body : Buffer.from(asset.body);
  res.writeHead(200, { ...extra, 'content-type': asset.contentType, 'content-length': body.length });
  res.end(body); // Node leaves the body out for HEAD.
}

/** Serves `handler` on http://host:port (127.0.0.1 by default); resolves once listening. */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const host = options.host ?? '127.0.0.1';
  const loopbackOnly = isLoopbackAddress(host);
  if (options.admin !== undefined && !loopbackOnly) {
    throw new Error(`the local admin routes need the API on a loopback address, not ${host}`);
  }
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = readRequestTarget(req);
    if ('problem' in target) {
      sendError(res, 400, target.problem);
      return;
    }
    if (loopbackOnly && !namesThisMachine(target.host)) {
      sendError(res, 403, NOT_THIS_MACHINE);
      return;
    }
    // Everything past here reads the target in origin form, as API Gateway passes it on.
    req.url = target.pathAndQuery;
    const { path } = target;
    const preflight = preflightHeaders(req, options.corsAllowedOrigins ?? []);
    if (preflight !== undefined) {
      res.writeHead(204, { ...preflight, 'cache-control': CACHE_CONTROL });
      res.end();
      return;
    }
    const asset = options.staticAssets?.get(path);
    if (asset !== undefined && (req.method === 'GET' || req.method === 'HEAD')) {
      serveStatic(res, asset, options.staticHeaders ?? {});
      return;
    }
    const body = await readBodyUpTo(req, MAX_BODY_BYTES);
    if (body === undefined) {
      sendError(res, 413, `request body over ${MAX_BODY_BYTES} bytes`);
      return;
    }
    if (options.admin !== undefined && path.startsWith(ADMIN_PATH_PREFIX)) {
      await serveAdmin(req, res, options.admin, body);
      return;
    }
    // HEAD is asked as GET and answered without the body, so it carries GET's headers, content-length
    // included, as HTTP requires; the handler itself leaves the body out of a HEAD answer.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
    const route = gatewayRouteOf(method, path);
    // A request no route of the stage takes (an OPTIONS not answered as a preflight above, a POST, a DELETE
    // outside the admin route) gets API Gateway's own 404, reaching no function (whose 405 and OPTIONS answer
    // serve fronts that pass every method on). A GET outside the routes still reaches the lookup function,
    // whose 404 names the path most likely meant (docs/api.md).
    if (route === undefined && method !== 'GET') {
      sendJson(res, 404, NO_ROUTE_BODY);
      return;
    }
    const event = toApiGatewayEvent(req, body, { method, host: target.host });
    const erasing =
      options.adminApiHandler !== undefined && route !== undefined && routeServes(route, 'eraseUser');
    if (erasing && refusedOutsideThisMachine(req, res, ERASE_ROUTE)) return;
    const serve = erasing ? (options.adminApiHandler as HttpApiHandler) : options.handler;
    let result: APIGatewayProxyResultV2;
    try {
      result = await serve(event);
    } catch (error) {
      options.onError?.(error, event);
      // API Gateway's answer when the function fails.
      sendJson(res, 500, JSON.stringify({ message: 'Internal Server Error' }));
      return;
    }
    writeApiGatewayResult(res, result);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendError(res, 500, 'the local API stand-in failed');
      } else {
        res.destroy(error instanceof Error ? error : undefined);
      }
    });
  });
  server.on('clientError', answerEarlyError);
  // Node hands CONNECT to this event, not to the request handler, and drops the connection without a listener.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => answerNoRoute(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) {
    throw new Error('the local HTTP API did not report a listening address');
  }
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
