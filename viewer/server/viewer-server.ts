import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ErrorCode, errorShape } from '../../functions/api/responses.js';
import type { ViewerAsset } from '../assets.js';
import { NOT_THIS_MACHINE, namesThisMachine } from './host-guard.js';
import { sendJson } from './json-answer.js';
import { readRequestTarget } from './request-target.js';

/** What answers the API's routes behind the viewer's server (for a deployed stage, the signing proxy). */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** An error in the API's shape and headers: its own codes, and the proxy's for what only it meets. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode | 'signing_failed' | 'bad_gateway',
  message: string,
  parameter?: string,
): void {
  sendJson(res, status, JSON.stringify(errorShape(code, message, parameter)));
}

export interface ViewerServerOptions {
  readonly assets: ReadonlyMap<string, ViewerAsset>;
  /** Sent with every asset: the CSP and friends (`viewerSecurityHeaders`). */
  readonly assetHeaders: Readonly<Record<string, string>>;
  /** Answers the lookup API's routes, `/users/...`. */
  readonly api: RequestHandler;
  /**
   * Set when listening on loopback: then only requests addressed to a loopback name are answered, so that
   * a DNS-rebinding page cannot read sessions through the proxy, signed with the user's credentials.
   */
  readonly loopbackOnly: boolean;
  /** Told about a request the API handler failed; by default written to stderr. */
  readonly onError?: (error: unknown) => void;
}

function logToStderr(error: unknown): void {
  process.stderr.write(
    `viewer: request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
}

/** One origin for the viewer and the API it calls, so the viewer needs no CORS and no API URL. */
export function createViewerServer({
  assets,
  assetHeaders,
  api,
  loopbackOnly,
  onError = logToStderr,
}: ViewerServerOptions): Server {
  return createServer((req, res) => {
    const target = readRequestTarget(req);
    if ('problem' in target) {
      sendError(res, 400, 'bad_request', target.problem);
      return;
    }
    if (loopbackOnly && !namesThisMachine(target.host)) {
      sendError(res, 403, 'forbidden', NOT_THIS_MACHINE);
      return;
    }
    // The API behind reads the target in origin form.
    req.url = target.pathAndQuery;
    const { path } = target;
    if (path.startsWith('/users/')) {
      api(req, res).catch((error: unknown) => {
        // As the API answers a failure: the detail (a file path, a credential's name) stays on this machine.
        onError(error);
        // Once the API's answer has begun, only cutting it short says it is not whole.
        if (res.headersSent) res.destroy();
        else sendError(res, 500, 'internal_error', 'Internal error');
      });
      return;
    }
    const asset = assets.get(path);
    if (asset === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...assetHeaders });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'no-cache', ...assetHeaders });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  });
}
