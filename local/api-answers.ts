// The answers the local API stand-in writes itself, rather than a handler: errors in the lookup API's own
// shape (the local stack's admin routes answer in it too); JSON is sent with viewer/server/json-answer.ts.
import type { ServerResponse } from 'node:http';
import { errorResponse } from '../functions/api/responses.js';
import { sendJson } from '../viewer/server/json-answer.js';

/** An error in the lookup API's own shape, so clients parse one shape whoever answered. */
export function apiError(status: number, message: string): { status: number; body: unknown } {
  const code =
    status === 403
      ? 'forbidden'
      : status === 404
        ? 'not_found'
        : status === 405
          ? 'method_not_allowed'
          : status >= 500
            ? 'internal_error'
            : 'bad_request';
  return { status, body: errorResponse(status, code, message).body };
}

export const errorBody = (status: number, message: string) => JSON.stringify(apiError(status, message).body);

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, errorBody(status, message));
}
