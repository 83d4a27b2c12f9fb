// The routes of the local API stand-in that change the stack or its data: the local stack's own admin routes
// (under ADMIN_PATH_PREFIX) and the erase route. Only this machine may call them, and no web page in a
// browser; what an admin route is asked, and answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackAddress } from '../viewer/server/host-guard.js';
import { sendJson } from '../viewer/server/json-answer.js';
import { sendError } from './api-answers.js';

export interface AdminRequest {
  method: string;
  /** After ADMIN_PATH_PREFIX, e.g. `replay`. */
  route: string;
  query: URLSearchParams;
  /** Parsed JSON; undefined without a body. */
  body: unknown;
}

export interface AdminResponse {
  status: number;
  body: unknown;
}

export type AdminHandler = (request: AdminRequest) => Promise<AdminResponse>;

/** Not a route of the lookup API (nor ever one: its routes start with /users/ and /admin/). */
export const ADMIN_PATH_PREFIX = '/_local/';

/**
 * Refuses a request to routes that change the stack or its data (`routes`, e.g. "admin routes answer"):
 * only this machine may call them, and a web page in a browser must not (it could POST to 127.0.0.1), so a
 * request from elsewhere or with an Origin gets a 403. Says whether it refused.
 */
export function refusedOutsideThisMachine(
  req: IncomingMessage,
  res: ServerResponse,
  routes: { readonly answer: string; readonly doNotAnswer: string },
): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    sendError(res, 403, `${routes.answer} this machine only`);
    return true;
  }
  if (req.headers.origin !== undefined) {
    sendError(res, 403, `${routes.doNotAnswer} browsers`);
    return true;
  }
  return false;
}

const ADMIN_ROUTES = { answer: 'admin routes answer', doNotAnswer: 'admin routes do not answer' } as const;
// AWS signs erasures with IAM; here it is guarded as the admin routes are.
export const ERASE_ROUTE = {
  answer: 'the erase route answers',
  doNotAnswer: 'the erase route does not answer',
} as const;

/**
 * Admin routes change the stack (replay, redrive): a request must also say it sends JSON, even with an empty
 * body, which no HTML form (nor a browser's request without a preflight) can.
 */
export async function serveAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  admin: AdminHandler,
  body: Buffer,
) {
  if (refusedOutsideThisMachine(req, res, ADMIN_ROUTES)) return;
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return sendError(res, 415, 'admin requests send JSON (content-type: application/json)');
  }
  let parsed: unknown;
  if (body.length > 0) {
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(res, 400, 'the request body is not JSON');
    }
  }
  const url = new URL(req.url ?? '/', 'http://local');
  const result = await admin({
    method: req.method ?? 'GET',
    route: url.pathname.slice(ADMIN_PATH_PREFIX.length),
    query: url.searchParams,
    body: parsed,
  });
  sendJson(res, result.status, JSON.stringify(result.body));
}
