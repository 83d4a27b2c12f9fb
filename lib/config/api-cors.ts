// What a stage's API Gateway answers a CORS preflight with when the stage lists origins
// (lib/constructs/api.ts): read too by the local stack's stand-in (local/cors-preflight.ts), so both answer one way.

/** Methods a browser may call across origins: the lookups only (erasure is for signed scripts, not pages). */
export const CORS_ALLOWED_METHODS = ['GET'] as const;

/** Request headers a page may send: a bearer token, or SigV4's (the viewer's signing proxy is same-origin). */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
] as const;

/** How long a browser may keep a preflight's answer. */
export const CORS_MAX_AGE_SECONDS = 3600;
