// The local stand-in's answer to a CORS preflight, as a stage's API Gateway gives it when CORS is on: on
// every path, before any route or function, with the stage's settings (lib/config/api-cors.ts), not the
// lookup function's own (functions/api/app.ts), which only answers on its routes and on AWS never sees one.
import type { IncomingMessage } from 'node:http';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_MAX_AGE_SECONDS } from '../lib/config/api-cors.js';

/**
 * The headers of the 204 answering `req` when it is a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method, as API Gateway tells one) and CORS is on; undefined otherwise, so the
 * request goes on as any other. An origin not allowed gets the 204 without CORS headers: the browser refuses.
 */
export function preflightHeaders(
  req: IncomingMessage,
  allowedOrigins: readonly string[],
): Record<string, string> | undefined {
  const origin = req.headers.origin;
  if (
    allowedOrigins.length === 0 ||
    req.method !== 'OPTIONS' ||
    origin === undefined ||
    req.headers['access-control-request-method'] === undefined
  ) {
    return undefined;
  }
  // Answers differ by Origin, as the lookup function's do when CORS is on.
  const headers: Record<string, string> = { vary: 'origin' };
  const anyOrigin = allowedOrigins.includes('*');
  if (!anyOrigin && !allowedOrigins.includes(origin)) return headers;
  return {
    ...headers,
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': CORS_ALLOWED_METHODS.join(','),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(','),
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
}
