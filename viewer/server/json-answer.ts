// The headers of a JSON answer a server on this machine writes itself, rather than the lookup function: the
// viewer's server and signing proxy (their errors) and the local stack's stand-in for API Gateway (its errors,
// its admin routes). Here, below both (local/ serves the viewer's server pieces), so they send one set.
import type { ServerResponse } from 'node:http';
import { CACHE_CONTROL, JSON_CONTENT_TYPE } from '../../functions/api/app.js';

/** Kept out of caches as the lookup function's own answers are, the body's length announced. */
export function jsonHeaders(text: string): Record<string, string> {
  return {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': CACHE_CONTROL,
  };
}

/** JSON sent as it is, with jsonHeaders. */
export function sendJson(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, jsonHeaders(text));
  res.end(text);
}
